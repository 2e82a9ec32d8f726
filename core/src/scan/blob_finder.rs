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
use super::window::{box_smooth, pool};

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
/// The least difference between the first ring's mean and the stone's
/// (luma levels, lighter ring for a dark stone) that can give
/// [`MIN_SQUARE`] at [`MIN_SQUARE_SPREAD`]: the means' direction is within
/// acos 0.85 of [`SQUARE_PROFILE`]'s, which is acos 0.795 from the pure
/// stone-to-ring step, so the step carries at least cos 69.2° = 0.356 of
/// the spread, 6 · 0.356 · √2 = 3.02 levels (rounded down, so the test
/// skips only what the correlation would refuse; see
/// `a_finder_like_square_profile_rises_from_its_stone`). Tested on the
/// first two rings, it spares the other two on flat texture.
const MIN_RISE: f64 = 3.0;
/// Candidates kept per module size, and triples kept in all.
const PER_SCALE: usize = 6;
const KEPT_TRIPLES: usize = 6;

/// Triples of blurred finder candidates of one module size, the best
/// judged first, for dark-on-light and for light-on-dark codes (one search
/// serves both: the smoothed planes and the local extremes are shared).
#[derive(Debug, Clone, Default)]
pub struct BlobTriples {
    dark_on_light: Vec<Triple>,
    light_on_dark: Vec<Triple>,
}

impl BlobTriples {
    /// Searches `plane` for blurred finders of both polarities.
    pub fn find(plane: &Plane) -> Self {
        let [dark_on_light, light_on_dark] = blob_finders(plane).map(|found| best_triples(&found));
        Self {
            dark_on_light,
            light_on_dark,
        }
    }

    /// The triples of one polarity (`inverted`: light on dark).
    pub fn of(&self, inverted: bool) -> &[Triple] {
        if inverted {
            &self.light_on_dark
        } else {
            &self.dark_on_light
        }
    }
}

/// The [`KEPT_TRIPLES`] best triples of finders of one module size.
fn best_triples(found: &[(f64, Finder)]) -> Vec<Triple> {
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
    let squares = SquareRings::new(module);
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
        (squares.correlation(&sums, inverted, at) >= MIN_SQUARE)
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
/// module size (scores of different sizes do not compare), dark-on-light
/// then light-on-dark.
fn blob_finders(plane: &Plane) -> [Vec<(f64, Finder)>; 2] {
    let template = finder_profile();
    let mut out = [Vec::new(), Vec::new()];
    let Some(sums) = PatchSums::new(plane, 0, 0, plane.width, plane.height) else {
        return out;
    };
    for k in 0..SCALES {
        let module = FIRST_MODULE * MODULE_RATIO.powi(k as i32);
        let reach = (RINGS as f64 * RING_WIDTH * module).ceil() as usize + 1;
        if plane.width <= 2 * reach || plane.height <= 2 * reach {
            break;
        }
        let smoothed = box_smooth(plane, (1.5 * module).round() as usize);
        let step = ((module / 2.0).floor() as usize).max(1);
        let cells = Cells::sample(&smoothed, reach, step);
        let rings = RingTable::new(module);
        let squares = SquareRings::new(module);
        let mut scales = [Vec::new(), Vec::new()];
        for (i, [x, y]) in cells.positions() {
            let polarities = cells.extreme_for(i);
            if polarities == [false, false] {
                continue;
            }
            // Four square rings from a summed-area table first (cheap),
            // then the fine round profile.
            let Some(rings_seen) = squares.shape(&sums, [x, y], polarities) else {
                continue;
            };
            for ((inverted, extreme), scale) in [false, true]
                .into_iter()
                .zip(polarities)
                .zip(scales.iter_mut())
            {
                if !extreme || rings_seen.correlation(&squares, inverted) < MIN_SQUARE {
                    continue;
                }
                let score = rings.judge(plane, inverted, [x, y], &template);
                if score >= MIN_SCORE {
                    let finder = Finder {
                        x: x as f64,
                        y: y as f64,
                        module,
                        hits: 1,
                    };
                    scale.push((score, finder));
                }
            }
        }
        for (found, scale) in out.iter_mut().zip(scales) {
            found.extend(best_apart(scale, module));
        }
    }
    out
}

/// The [`PER_SCALE`] best scoring candidates of one module size, each at
/// least two modules from any better one.
fn best_apart(mut scale: Vec<(f64, Finder)>, module: f64) -> Vec<(f64, Finder)> {
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
    kept
}

/// A smoothed plane sampled on a grid half a module apart, inside a margin
/// of `reach` pixels, with each cell's least and greatest value within
/// [`PEAK_REACH`] cells each way.
struct Cells {
    reach: usize,
    step: usize,
    cols: usize,
    rows: usize,
    values: Vec<u8>,
    least: Vec<u8>,
    greatest: Vec<u8>,
}

impl Cells {
    fn sample(smoothed: &Plane, reach: usize, step: usize) -> Self {
        let w = smoothed.width;
        let cols = w.saturating_sub(2 * reach) / step;
        let rows = smoothed.height.saturating_sub(2 * reach) / step;
        let mut values = Vec::with_capacity(rows * cols);
        for r in 0..rows {
            let y = reach + r * step;
            let row = smoothed.data.get(y * w..(y + 1) * w).unwrap_or(&[]);
            values.extend((0..cols).map(|c| row.get(reach + c * step).copied().unwrap_or(0)));
        }
        let least = pool(&values, cols, rows, PEAK_REACH, u8::min);
        let greatest = pool(&values, cols, rows, PEAK_REACH, u8::max);
        Self {
            reach,
            step,
            cols,
            rows,
            values,
            least,
            greatest,
        }
    }

    /// Each cell's index and pixel position, row after row.
    fn positions(&self) -> impl Iterator<Item = (usize, [usize; 2])> + '_ {
        (0..self.rows).flat_map(move |r| {
            (0..self.cols).map(move |c| {
                let at = [self.reach + c * self.step, self.reach + r * self.step];
                (r * self.cols + c, at)
            })
        })
    }

    /// Whether cell `i` is the darkest within its neighbourhood (a
    /// candidate for dark-on-light codes) and whether it is the lightest
    /// (for light-on-dark ones); ties count.
    fn extreme_for(&self, i: usize) -> [bool; 2] {
        let v = self.values.get(i);
        [v == self.least.get(i), v == self.greatest.get(i)]
    }
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

/// The cheap first test of a finder candidate: the mean luma of the stone
/// and of three square rings around it (half sides [`SQUARE_RINGS`]
/// modules), correlated with a blurred finder's.
struct SquareRings {
    /// Half sides in pixels.
    halves: [usize; 4],
    /// [`SQUARE_PROFILE`] centred and of unit length.
    profile: [f64; 4],
}

impl SquareRings {
    fn new(module: f64) -> Self {
        let mean = SQUARE_PROFILE.iter().sum::<f64>() / 4.0;
        let centred = SQUARE_PROFILE.map(|v| v - mean);
        let norm = centred.iter().map(|v| v * v).sum::<f64>().sqrt();
        Self {
            halves: SQUARE_RINGS.map(|b| (b * module).round().max(1.0) as usize),
            profile: centred.map(|v| v / norm),
        }
    }

    /// The rings' mean luma around `centre`, centred, for the polarities
    /// asked (dark-on-light, light-on-dark); None where they hardly differ
    /// (flat texture, not judged further) or where the first ring is not
    /// [`MIN_RISE`] lighter (darker) than the stone for any of them.
    fn shape(
        &self,
        sums: &PatchSums<'_>,
        centre: [usize; 2],
        polarities: [bool; 2],
    ) -> Option<RingShape> {
        let areas = self.halves.map(|h| ((2 * h + 1) * (2 * h + 1)) as f64);
        let [h0, h1, h2, h3] = self.halves;
        let [a0, a1, a2, a3] = areas;
        // Each box's pixel sum; a box reaching past the table: its clipped
        // mean times its area.
        let totals = |halves: [usize; 2], areas: [f64; 2]| match sums.box_sums(centre, halves) {
            Some(totals) => totals.map(f64::from),
            None => {
                let p = [centre[0] as f64, centre[1] as f64];
                let ([inner, outer], [inner_area, outer_area]) = (halves, areas);
                [
                    sums.mean(p, inner).unwrap_or(0.0) * inner_area,
                    sums.mean(p, outer).unwrap_or(0.0) * outer_area,
                ]
            }
        };
        let ring_mean = |outer: f64, inner: f64, outer_area: f64, inner_area: f64| {
            let ring_area = outer_area - inner_area;
            if ring_area > 0.0 {
                (outer - inner) / ring_area
            } else {
                0.0
            }
        };
        // The stone and the first ring first: most places stop there.
        let [t0, t1] = totals([h0, h1], [a0, a1]);
        let (stone, first) = (ring_mean(t0, 0.0, a0, 0.0), ring_mean(t1, t0, a1, a0));
        let rise = first - stone;
        let dark = polarities[0] && rise >= MIN_RISE;
        let light = polarities[1] && -rise >= MIN_RISE;
        if !(dark || light) {
            return None;
        }
        let [t2, t3] = totals([h2, h3], [a2, a3]);
        let means = [
            stone,
            first,
            ring_mean(t2, t1, a2, a1),
            ring_mean(t3, t2, a3, a2),
        ];
        let mean = means.iter().sum::<f64>() / 4.0;
        let centred = means.map(|m| m - mean);
        let norm = centred.iter().map(|m| m * m).sum::<f64>().sqrt();
        (norm >= MIN_SQUARE_SPREAD).then_some(RingShape { centred, norm })
    }

    /// The correlation around `centre` (0 where the rings hardly differ).
    fn correlation(&self, sums: &PatchSums<'_>, inverted: bool, centre: [usize; 2]) -> f64 {
        self.shape(sums, centre, [!inverted, inverted])
            .map_or(0.0, |shape| shape.correlation(self, inverted))
    }
}

/// Square rings' mean luma about their mean, and its length.
struct RingShape {
    centred: [f64; 4],
    norm: f64,
}

impl RingShape {
    /// The correlation with a blurred finder's rings of one polarity.
    fn correlation(&self, squares: &SquareRings, inverted: bool) -> f64 {
        let sign = if inverted { -1.0 } else { 1.0 };
        let dot: f64 = self
            .centred
            .iter()
            .zip(squares.profile)
            .map(|(a, b)| a * b)
            .sum();
        sign * dot / self.norm
    }
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
        let blobs = BlobTriples::find(&image.plane);
        let best = blobs.of(false);
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
    fn a_finder_like_square_profile_rises_from_its_stone() {
        // Every ring profile the full test accepts has its first ring
        // MIN_RISE from its stone, so the early exit in `shape` never
        // refuses what the correlation takes. The least rise accepted is
        // at the least spread, turned as far from the pure stone-to-ring
        // step as the correlation allows: built here, and then profiles
        // drawn at random (a fixed LCG) around it.
        let squares = SquareRings::new(3.0);
        let p = squares.profile;
        let step = [-1.0, 1.0, 0.0, 0.0].map(|v: f64| v / 2f64.sqrt());
        let dot = |a: [f64; 4], b: [f64; 4]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        // The unit vector beside `p`, in the plane of `p` and the step,
        // turned away from the step.
        let along = dot(p, step);
        let beside = {
            let v = [0, 1, 2, 3].map(|i| along * p[i] - step[i]);
            let n = dot(v, v).sqrt();
            v.map(|x| x / n)
        };
        let turn = 0.85f64.acos() - 1e-9;
        let worst =
            [0, 1, 2, 3].map(|i| MIN_SQUARE_SPREAD * (turn.cos() * p[i] + turn.sin() * beside[i]));
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as f64 / f64::from(1u32 << 31) - 0.5
        };
        let mut least_rise = f64::INFINITY;
        for k in 0..100_000 {
            let jitter = if k == 0 { 0.0 } else { 0.2 };
            let means = worst.map(|m| 100.0 + m + jitter * next());
            let mean = means.iter().sum::<f64>() / 4.0;
            let centred = means.map(|m| m - mean);
            let norm = dot(centred, centred).sqrt();
            if norm < MIN_SQUARE_SPREAD {
                continue;
            }
            let shape = RingShape { centred, norm };
            if shape.correlation(&squares, false) >= MIN_SQUARE {
                least_rise = least_rise.min(means[1] - means[0]);
            }
        }
        assert!(least_rise >= MIN_RISE, "accepted a rise of {least_rise}");
        assert!(
            least_rise < MIN_RISE + 0.1,
            "least rise {least_rise}: the test means nothing"
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
