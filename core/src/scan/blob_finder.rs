//! Finder patterns blurred past their rings. Defocus of ¾ of a module
//! leaves a finder's one-module rings a few percent of their contrast, so
//! no bitmap shows its 1:1:3:1:1 runs; what is left is a dark centre stone
//! in a lighter ring, a darker ring beyond and the light separator. At a
//! range of module sizes, the dark blobs of the box-smoothed plane (its
//! local minima, light ones for light-on-dark codes) are candidates; each
//! is judged by its radial profile, the mean luma in half-module rings out
//! to 4½ modules, correlated with an ideal finder's profile. The best of
//! each size make triples for the pixel model (`model_read`), which
//! decides.
//!
//! Measured on the synthetic hallmark set: the three finders of codes
//! defocused by ¾ module (`hallmark-015`, `-034`) rank first to third
//! among a thousand or more candidates at their size.

use super::finder::Finder;
use super::grid::{triple, Triple};
use super::plane::Plane;
use super::resample::PatchSums;
use super::window::box_smooth;

/// Smallest module size looked for, pixels, and the ratio between sizes.
const FIRST_MODULE: f64 = 2.0;
const MODULE_RATIO: f64 = 1.2;
/// Module sizes looked for at most.
const SCALES: usize = 8;
/// Rings of the radial profile: half a module wide, out to 4½ modules.
const RING_WIDTH: f64 = 0.5;
const RINGS: usize = 9;
/// Candidates are the darkest cells of the grid within this many cells
/// (half a module each) each way: a stone spans three modules.
const PEAK_REACH: usize = 2;
/// Ring means spread over less than this (luma levels, root of the sum of
/// squares about their mean) count as texture: correlation is discounted.
const FULL_CONTRAST: f64 = 20.0;
/// The least discounted correlation of a candidate.
const MIN_SCORE: f64 = 0.5;
/// The square rings of the first, cheap test (half sides, modules), the
/// luma expected of a blurred finder there, and the least correlation.
const SQUARE_RINGS: [f64; 4] = [1.5, 2.5, 3.5, 4.5];
const SQUARE_PROFILE: [f64; 4] = [-1.0, 0.5, -0.2, 0.7];
const MIN_SQUARE: f64 = 0.85;
/// Square rings whose means spread less than this (luma levels) are flat
/// texture, not judged further.
const MIN_SQUARE_SPREAD: f64 = 6.0;
/// Candidates kept per module size, and triples kept in all.
const PER_SCALE: usize = 6;
const KEPT_TRIPLES: usize = 6;

/// Triples of blurred finder candidates of one module size, the best
/// judged first.
pub fn blob_triples(plane: &Plane, inverted: bool) -> Vec<Triple> {
    let found = blob_finders(plane, inverted);
    let mut out: Vec<(f64, Triple)> = Vec::new();
    for (i, a) in found.iter().enumerate() {
        for (j, b) in found.iter().enumerate().skip(i + 1) {
            for c in found.iter().skip(j + 1) {
                if a.1.module != b.1.module || b.1.module != c.1.module {
                    continue;
                }
                if let Some(t) = triple(&[a.1, b.1, c.1], [0, 1, 2]) {
                    out.push((a.0 + b.0 + c.0, t));
                }
            }
        }
    }
    out.sort_by(|a, b| b.0.total_cmp(&a.0));
    out.into_iter().take(KEPT_TRIPLES).map(|(_, t)| t).collect()
}

/// The place within `reach` modules of `guess` most like a finder of
/// `module` pixels per module, and its score (the radial profile's
/// discounted correlation); None when no place there scores [`MIN_SCORE`].
/// Of the places that score, the darkest centre stone wins (its profile
/// alone rates places beside a finder about as high as the finder). Snaps a finder guessed from two others, which perspective
/// and blur put modules off, onto the finder itself.
pub fn snap(
    plane: &Plane,
    inverted: bool,
    guess: [f64; 2],
    module: f64,
    reach: f64,
) -> Option<(f64, [f64; 2])> {
    if !(module.is_finite() && module > 0.0 && guess.iter().all(|v| v.is_finite())) {
        return None;
    }
    let outer = (RINGS as f64 * RING_WIDTH * module).ceil() as usize + 1;
    let span = (reach * module).ceil() as usize;
    let (gx, gy) = (guess[0].round() as i64, guess[1].round() as i64);
    let clip = |v: i64, len: usize| v.clamp(0, len as i64) as usize;
    let margin = (span + outer) as i64;
    let (x0, x1) = (
        clip(gx - margin, plane.width),
        clip(gx + margin + 1, plane.width),
    );
    let (y0, y1) = (
        clip(gy - margin, plane.height),
        clip(gy + margin + 1, plane.height),
    );
    let sums = PatchSums::new(plane, x0, y0, x1, y1)?;
    let template = finder_profile();
    let rings = RingTable::new(module);
    let halves = SQUARE_RINGS.map(|b| (b * module).round().max(1.0) as usize);
    let step = ((module / 2.0).floor() as i64).max(1);
    let fits = |x: i64, y: i64| {
        x >= outer as i64
            && y >= outer as i64
            && ((x as usize) + outer) < plane.width
            && ((y as usize) + outer) < plane.height
    };
    let judge = |x: i64, y: i64| -> Option<f64> {
        if !fits(x, y) {
            return None;
        }
        let at = [x as usize, y as usize];
        (square_correlation(&sums, inverted, at, halves) >= MIN_SQUARE)
            .then(|| rings.judge(plane, inverted, at, &template))
    };
    let span = span as i64;
    // Among finder-like places, the darkest stone: a finder's is three
    // modules square, all dark; places beside it see its rings as well.
    let stone_half = (1.5 * module).round().max(1.0) as usize;
    let darkness = |x: i64, y: i64| {
        let mean = sums
            .mean([x as f64, y as f64], stone_half)
            .unwrap_or(f64::NAN);
        if inverted {
            mean
        } else {
            255.0 - mean
        }
    };
    let consider = |best: &mut Option<(f64, f64, [i64; 2])>, x: i64, y: i64| {
        if let Some(score) = judge(x, y) {
            let dark = darkness(x, y);
            if score >= MIN_SCORE && best.is_none_or(|b| dark > b.0) {
                *best = Some((dark, score, [x, y]));
            }
        }
    };
    let mut best = None;
    for dy in (-span..=span).step_by(step as usize) {
        for dx in (-span..=span).step_by(step as usize) {
            consider(&mut best, gx + dx, gy + dy);
        }
    }
    // Then pixel by pixel around the best of the coarse grid.
    if let Some((_, _, [bx, by])) = best {
        for dy in 1 - step..step {
            for dx in 1 - step..step {
                consider(&mut best, bx + dx, by + dy);
            }
        }
    }
    best.map(|(_, score, [x, y])| (score, [x as f64, y as f64]))
}

/// Finder candidates with their scores, the best [`PER_SCALE`] of each
/// module size (scores of different sizes do not compare).
fn blob_finders(plane: &Plane, inverted: bool) -> Vec<(f64, Finder)> {
    let template = finder_profile();
    let Some(sums) = PatchSums::new(plane, 0, 0, plane.width, plane.height) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for k in 0..SCALES {
        let module = FIRST_MODULE * MODULE_RATIO.powi(k as i32);
        let reach = (RINGS as f64 * RING_WIDTH * module).ceil() as usize + 1;
        if plane.width <= 2 * reach || plane.height <= 2 * reach {
            break;
        }
        let smoothed = box_smooth(plane, (1.5 * module).round() as usize);
        let step = ((module / 2.0).floor() as usize).max(1);
        let (cols, rows) = (
            (plane.width - 2 * reach) / step,
            (plane.height - 2 * reach) / step,
        );
        // Darker is larger, whatever the polarity; on a grid half a module
        // apart, each cell's value and the largest among the cells within
        // [`PEAK_REACH`] (rows then columns).
        let grid: Vec<i32> = (0..rows * cols)
            .map(|i| {
                let (x, y) = (reach + (i % cols) * step, reach + (i / cols) * step);
                let v = i32::from(smoothed.data.get(y * plane.width + x).copied().unwrap_or(0));
                if inverted {
                    v
                } else {
                    255 - v
                }
            })
            .collect();
        let across: Vec<i32> = (0..rows * cols)
            .map(|i| {
                let c = i % cols;
                let lo = i - c.min(PEAK_REACH);
                let hi = i + (cols - 1 - c).min(PEAK_REACH);
                grid.get(lo..=hi)
                    .and_then(|w| w.iter().max().copied())
                    .unwrap_or(i32::MAX)
            })
            .collect();
        let value = |i: usize| grid.get(i).copied().unwrap_or(i32::MIN);
        let largest = |i: usize| {
            let (r, c) = (i / cols, i % cols);
            (r.saturating_sub(PEAK_REACH)..=(r + PEAK_REACH).min(rows - 1))
                .filter_map(|rr| across.get(rr * cols + c).copied())
                .max()
                .unwrap_or(i32::MAX)
        };
        let rings = RingTable::new(module);
        let halves = SQUARE_RINGS.map(|b| (b * module).round().max(1.0) as usize);
        let mut scale: Vec<(f64, Finder)> = Vec::new();
        for i in 0..rows * cols {
            {
                let v = value(i);
                if v < largest(i) {
                    continue;
                }
                let (c, r) = (i % cols, i / cols);
                let (x, y) = (reach + c * step, reach + r * step);
                // Four square rings from a summed-area table first (cheap),
                // then the fine round profile.
                if square_correlation(&sums, inverted, [x, y], halves) < MIN_SQUARE {
                    continue;
                }
                let score = rings.judge(plane, inverted, [x, y], &template);
                if score >= MIN_SCORE {
                    scale.push((
                        score,
                        Finder {
                            x: x as f64,
                            y: y as f64,
                            module,
                            hits: 1,
                        },
                    ));
                }
            }
        }
        scale.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut kept: Vec<(f64, Finder)> = Vec::new();
        for (score, f) in scale {
            if !kept
                .iter()
                .any(|k| (k.1.x - f.x).hypot(k.1.y - f.y) < 2.0 * module)
            {
                kept.push((score, f));
                if kept.len() == PER_SCALE {
                    break;
                }
            }
        }
        out.extend(kept);
    }
    out
}

/// An ideal dark-on-light finder's radial profile (luma, low where dark),
/// averaged around each ring, centred and of unit length.
fn finder_profile() -> [f64; RINGS] {
    let mut profile = [0.0; RINGS];
    for (i, slot) in profile.iter_mut().enumerate() {
        let mut dark = 0u32;
        let mut all = 0u32;
        for a in 0..6 {
            let r = (i as f64 + (a as f64 + 0.5) / 6.0) * RING_WIDTH;
            for t in 0..24 {
                let angle = std::f64::consts::FRAC_PI_2 * (t as f64 + 0.5) / 24.0;
                let d = (r * angle.cos()).abs().max((r * angle.sin()).abs());
                dark += u32::from(d < 1.5 || (2.5..3.5).contains(&d));
                all += 1;
            }
        }
        *slot = -f64::from(dark) / f64::from(all);
    }
    centre_profile(profile).0
}

/// A profile centred on its mean and scaled to unit length, and its length
/// before scaling.
fn centre_profile(p: [f64; RINGS]) -> ([f64; RINGS], f64) {
    let mean = p.iter().sum::<f64>() / RINGS as f64;
    let c = p.map(|v| v - mean);
    let norm = c.iter().map(|v| v * v).sum::<f64>().sqrt();
    (c.map(|v| v / norm.max(1e-12)), norm)
}

/// Which ring of the radial profile each pixel offset within reach falls
/// in, for one module size (no square root per pixel).
struct RingTable {
    reach: isize,
    /// Per offset (row-major over the square of half-side `reach`): the
    /// ring, or `RINGS` for none.
    ring: Vec<u8>,
    /// Pixels sampled along each axis: every this many.
    step: usize,
}

impl RingTable {
    fn new(module: f64) -> Self {
        let reach = (RINGS as f64 * RING_WIDTH * module).ceil() as isize;
        let side = (2 * reach + 1) as usize;
        let ring = (0..side * side)
            .map(|i| {
                let (dy, dx) = ((i / side) as isize - reach, (i % side) as isize - reach);
                let r = ((dx * dx + dy * dy) as f64).sqrt() / module / RING_WIDTH;
                (r as usize).min(RINGS) as u8
            })
            .collect();
        // Two samples per ring width at least.
        let step = ((module * RING_WIDTH / 2.0).floor() as usize).max(1);
        Self { reach, ring, step }
    }

    /// How much the surroundings of `centre` look like a finder: the
    /// correlation of their radial profile with `template`, discounted
    /// where the rings hardly differ.
    fn judge(
        &self,
        plane: &Plane,
        inverted: bool,
        centre: [usize; 2],
        template: &[f64; RINGS],
    ) -> f64 {
        let side = (2 * self.reach + 1) as usize;
        let (cx, cy) = (centre[0] as isize, centre[1] as isize);
        let mut sums = [0.0f64; RINGS];
        let mut counts = [0u32; RINGS];
        for dy in (-self.reach..=self.reach).step_by(self.step) {
            let y = cy + dy;
            if y < 0 || y as usize >= plane.height {
                continue;
            }
            let Some(row) = plane
                .data
                .get(y as usize * plane.width..(y as usize + 1) * plane.width)
            else {
                continue;
            };
            let rings = (dy + self.reach) as usize * side;
            for dx in (-self.reach..=self.reach).step_by(self.step) {
                let x = cx + dx;
                let (Some(&ring), Some(&v)) = (
                    self.ring.get(rings + (dx + self.reach) as usize),
                    row.get(x as usize),
                ) else {
                    continue;
                };
                if x < 0 {
                    continue;
                }
                if let (Some(sum), Some(count)) = (
                    sums.get_mut(usize::from(ring)),
                    counts.get_mut(usize::from(ring)),
                ) {
                    *sum += f64::from(if inverted { 255 - v } else { v });
                    *count += 1;
                }
            }
        }
        if counts.contains(&0) {
            return 0.0;
        }
        let mut means = [0.0; RINGS];
        for ((m, s), n) in means.iter_mut().zip(sums).zip(counts) {
            *m = s / f64::from(n);
        }
        let (profile, spread) = centre_profile(means);
        let correlation: f64 = profile.iter().zip(template).map(|(a, b)| a * b).sum();
        correlation * (spread / FULL_CONTRAST).min(1.0)
    }
}

/// The correlation of four square rings' mean luma around `centre` (the
/// stone and rings out to `halves` pixels each way) with a blurred finder's.
fn square_correlation(
    sums: &PatchSums<'_>,
    inverted: bool,
    centre: [usize; 2],
    halves: [usize; 4],
) -> f64 {
    let p = [centre[0] as f64, centre[1] as f64];
    let mut inner = (0.0, 0.0);
    let mut means = [0.0f64; 4];
    for (slot, &h) in means.iter_mut().zip(&halves) {
        let side = (2 * h + 1) as f64;
        let area = side * side;
        let total = sums.mean(p, h).unwrap_or(0.0) * area;
        let ring_area = area - inner.1;
        *slot = if ring_area > 0.0 {
            (total - inner.0) / ring_area
        } else {
            0.0
        };
        inner = (total, area);
    }
    let mean = means.iter().sum::<f64>() / 4.0;
    let centred = means.map(|m| m - mean);
    let norm = centred.iter().map(|m| m * m).sum::<f64>().sqrt();
    if norm < MIN_SQUARE_SPREAD {
        return 0.0;
    }
    let sign = if inverted { -1.0 } else { 1.0 };
    let profile = {
        let mean = SQUARE_PROFILE.iter().sum::<f64>() / 4.0;
        let c = SQUARE_PROFILE.map(|v| v - mean);
        let n = c.iter().map(|v| v * v).sum::<f64>().sqrt();
        c.map(|v| v / n)
    };
    sign * centred.iter().zip(profile).map(|(a, b)| a * b).sum::<f64>() / norm
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::blur::Psf;
    use crate::scan::test_render::render_hallmark;

    #[test]
    fn finds_finders_defocused_past_their_rings() {
        // σ = ¾ module at 3 px per module: no 1:1:3:1:1 run survives.
        let (size, _, image) = render_hallmark(3, 8, &Psf::gaussian(2.2), 30.0);
        let bitmap = crate::scan::binarize::binarize(
            &image.plane,
            crate::scan::binarize::Threshold::for_size(
                image.plane.width,
                image.plane.height,
                4,
                false,
            ),
        );
        assert!(crate::scan::finder::find_finders(&bitmap, false).len() < 3);
        let s = size as f64;
        let want = [[3.5, 3.5], [s - 3.5, 3.5], [3.5, s - 3.5]].map(|c| image.map.map(c));
        let best = blob_triples(&image.plane, false);
        let found = best.iter().take(2).any(|t| {
            let mut got = t.centres;
            got.sort_by(|a, b| (a[0] + a[1]).total_cmp(&(b[0] + b[1])));
            let mut w = want;
            w.sort_by(|a, b| (a[0] + a[1]).total_cmp(&(b[0] + b[1])));
            got.iter()
                .zip(w)
                .all(|(g, w)| (g[0] - w[0]).hypot(g[1] - w[1]) < 3.0)
        });
        assert!(
            found,
            "{want:?} not among {:?}",
            best.iter().map(|t| t.centres).collect::<Vec<_>>()
        );
    }

    #[test]
    fn snaps_a_guess_modules_off_onto_its_finder() {
        let (size, _, image) = render_hallmark(4, 8, &Psf::gaussian(2.0), 30.0);
        let s = size as f64;
        let finder = image.map.map([s - 3.5, 3.5]);
        // Three modules off along each axis, as a square guess is when
        // perspective shortens one side.
        let guess = [finder[0] - 12.0, finder[1] + 12.0];
        let (score, at) = snap(&image.plane, false, guess, 4.0, 4.0).unwrap();
        assert!(score >= MIN_SCORE);
        let off = (at[0] - finder[0]).hypot(at[1] - finder[1]);
        assert!(off <= 1.5, "snapped to {at:?}, finder at {finder:?}");
        // Nothing finder-like in the quiet zone's corner beyond the code.
        let corner = image.map.map([-3.0, s + 6.0]);
        assert_eq!(snap(&image.plane, false, corner, 4.0, 1.0), None);
    }
}
