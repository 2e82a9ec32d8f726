//! Reading a located grid through blur that spreads each module over its
//! neighbours (motion blur across a module or more, a module of defocus).
//! Thresholding module centres fails there: a lone dark module between light
//! ones comes out lighter than a light module between dark ones. Like a
//! channel equalizer, this models each module's sample as a small kernel over
//! its 3×3 neighbourhood of modules, under light and contrast that vary
//! across the code (glare, uneven light), and decides each module given its
//! neighbours' decisions (iterated conditional modes).
//!
//! The kernel is learned from the code itself: the finder, timing and
//! alignment patterns and a one-module quiet-zone ring are known, the rest
//! starts from a local threshold and sharpens with each round.

use super::grid::SampledGrid;
use super::homography::ModuleMap;
use super::linear::solve;
use super::plane::Plane;
use super::qr_layout::Layout;
use super::resample::{patch_mean, patch_radius};

/// Rounds of kernel fitting and re-deciding; each round's grid is offered to
/// the decoder.
const ROUNDS: usize = 4;
/// Modules on each side of a module whose samples set its light level and
/// contrast.
const LIGHT_REACH: usize = 3;
/// Kernel radius in modules (3×3).
const KERNEL_REACH: usize = 1;
/// At most one sample in this many may fall outside the plane.
const MAX_MISSING_DIV: usize = 8;
/// Kernel taps.
const TAPS: usize = (2 * KERNEL_REACH + 1) * (2 * KERNEL_REACH + 1);

/// What is known of a module before reading it: the function patterns
/// (see `qr_layout`) and a one-module ring of quiet zone, row after row of
/// the code and its ring.
fn known_modules(size: usize) -> Vec<Option<bool>> {
    let side = size + 2;
    let layout = Layout::new(size);
    (0..side * side)
        .map(|i| {
            let (r, c) = (i / side, i % side);
            let inside = (1..=size).contains(&r) && (1..=size).contains(&c);
            if !inside {
                return Some(false);
            }
            layout.as_ref()?.pattern((r - 1) * size + (c - 1))
        })
        .collect()
}

/// The state of one equalization: samples and decisions on the code's
/// modules plus a one-module ring of quiet zone, row after row.
struct Equalizer {
    /// Modules per side of the code.
    size: usize,
    /// `size + 2`.
    side: usize,
    /// Samples, set (dark) modules low whatever the polarity; None outside
    /// the plane.
    samples: Vec<Option<f64>>,
    /// Known modules.
    known: Vec<Option<bool>>,
    /// Current decisions, 1.0 for a set module.
    set: Vec<f64>,
    /// The kernel, row after row.
    kernel: [f64; TAPS],
}

impl Equalizer {
    fn new(plane: &Plane, inverted: bool, h: &impl ModuleMap, size: usize) -> Option<Self> {
        let side = size + 2;
        let k = patch_radius(h, size);
        let mut samples = Vec::with_capacity(side * side);
        for r in 0..side {
            for c in 0..side {
                let p = h.map([c as f64 - 0.5, r as f64 - 0.5]);
                let v = patch_mean(plane, p, k).map(|v| if inverted { 255.0 - v } else { v });
                samples.push(v);
            }
        }
        // A code reaching far outside the plane is not worth the rounds.
        let missing = samples.iter().filter(|v| v.is_none()).count();
        if missing * MAX_MISSING_DIV > side * side {
            return None;
        }
        let known = known_modules(size);
        let mut centre = [0.0; TAPS];
        if let Some(c) = centre.get_mut(TAPS / 2) {
            *c = 1.0;
        }
        let mut eq = Self {
            size,
            side,
            samples,
            known,
            set: vec![0.0; side * side],
            kernel: centre,
        };
        eq.threshold();
        Some(eq)
    }

    /// The decision at (r, c) of the padded grid, 0 outside it.
    fn set_at(&self, r: isize, c: isize) -> f64 {
        if r < 0 || c < 0 || r as usize >= self.side || c as usize >= self.side {
            return 0.0;
        }
        self.set
            .get(r as usize * self.side + c as usize)
            .copied()
            .unwrap_or(0.0)
    }

    /// The neighbourhood decisions of module `i` in kernel order.
    fn taps(&self, i: usize) -> [f64; TAPS] {
        let (r, c) = ((i / self.side) as isize, (i % self.side) as isize);
        let reach = KERNEL_REACH as isize;
        let mut out = [0.0; TAPS];
        let mut t = 0;
        for dr in -reach..=reach {
            for dc in -reach..=reach {
                if let Some(o) = out.get_mut(t) {
                    *o = self.set_at(r + dr, c + dc);
                }
                t += 1;
            }
        }
        out
    }

    /// The first decisions: each sample against the mean of its
    /// neighbourhood; known modules as known.
    fn threshold(&mut self) {
        // Only the count and the sample sum are used here.
        let sums = self.neighbourhood_sums(&vec![0.0; self.set.len()]);
        for (i, [n, _, sy, _, _]) in sums.into_iter().enumerate() {
            let own = self.samples.get(i).copied().flatten();
            let decided = match (self.known.get(i).copied().flatten(), own) {
                (Some(k), _) => k,
                (None, Some(v)) if n > 0.0 => v < sy / n,
                _ => false,
            };
            if let Some(s) = self.set.get_mut(i) {
                *s = f64::from(u8::from(decided));
            }
        }
    }

    /// Each module's blurred darkness under the current kernel and decisions.
    fn blurred(&self) -> Vec<f64> {
        (0..self.set.len())
            .map(|i| {
                self.taps(i)
                    .iter()
                    .zip(&self.kernel)
                    .map(|(s, w)| s * w)
                    .sum()
            })
            .collect()
    }

    /// Per module, over its neighbourhood (±[`LIGHT_REACH`] modules) of
    /// present samples `y` with blurred darkness `b`: the count and the sums
    /// of `b`, `y`, `b²` and `b·y`, from summed-area tables, so each module
    /// costs the same whatever the reach.
    fn neighbourhood_sums(&self, blurred: &[f64]) -> Vec<[f64; 5]> {
        let side = self.side;
        let s1 = side + 1;
        let mut tables = vec![[0.0f64; 5]; s1 * s1];
        for r in 0..side {
            let mut run = [0.0f64; 5];
            for c in 0..side {
                let i = r * side + c;
                if let (Some(Some(y)), Some(&b)) = (self.samples.get(i), blurred.get(i)) {
                    for (acc, v) in run.iter_mut().zip([1.0, b, *y, b * b, b * y]) {
                        *acc += v;
                    }
                }
                let above = tables.get(r * s1 + c + 1).copied().unwrap_or([0.0; 5]);
                if let Some(slot) = tables.get_mut((r + 1) * s1 + c + 1) {
                    for ((out, a), v) in slot.iter_mut().zip(above).zip(run) {
                        *out = a + v;
                    }
                }
            }
        }
        let at = |r: usize, c: usize| tables.get(r * s1 + c).copied().unwrap_or([0.0; 5]);
        (0..self.set.len())
            .map(|i| {
                let (r, c) = (i / side, i % side);
                let (r0, r1) = (
                    r.saturating_sub(LIGHT_REACH),
                    (r + LIGHT_REACH + 1).min(side),
                );
                let (c0, c1) = (
                    c.saturating_sub(LIGHT_REACH),
                    (c + LIGHT_REACH + 1).min(side),
                );
                let (a, b, d, e) = (at(r1, c1), at(r0, c1), at(r1, c0), at(r0, c0));
                std::array::from_fn(|k| {
                    let get = |t: [f64; 5]| t.get(k).copied().unwrap_or(0.0);
                    get(a) - get(b) - get(d) + get(e)
                })
            })
            .collect()
    }

    /// Per module, the light level `o` and contrast `g` of the line
    /// `sample = o − g · blurred` fitted over its neighbourhood; None where
    /// the neighbourhood holds no contrast.
    fn light(&self, blurred: &[f64]) -> Vec<Option<(f64, f64)>> {
        self.neighbourhood_sums(blurred)
            .into_iter()
            .map(|[n, sb, sy, sbb, sby]| {
                let var = sbb * n - sb * sb;
                if n < 4.0 || var < 1e-6 * n * n {
                    return None;
                }
                let slope = (sby * n - sb * sy) / var;
                let o = (sy - slope * sb) / n;
                (slope < 0.0).then_some((o, -slope))
            })
            .collect()
    }

    /// Each module's darkness as the samples say it, through its local light
    /// level and contrast.
    fn darkness(&self, light: &[Option<(f64, f64)>]) -> Vec<Option<f64>> {
        self.samples
            .iter()
            .zip(light)
            .map(|(y, l)| {
                let (y, (o, g)) = ((*y)?, (*l)?);
                Some((o - y) / g)
            })
            .collect()
    }

    /// Fits the kernel to the darkness by least squares over every module.
    fn fit_kernel(&mut self, darkness: &[Option<f64>]) {
        let mut ata = vec![0.0; TAPS * TAPS];
        let mut atb = vec![0.0; TAPS];
        for (i, z) in darkness.iter().enumerate() {
            let Some(z) = z else { continue };
            let t = self.taps(i);
            for (a, ta) in t.iter().enumerate() {
                if let Some(v) = atb.get_mut(a) {
                    *v += ta * z;
                }
                for (b, tb) in t.iter().enumerate() {
                    if let Some(v) = ata.get_mut(a * TAPS + b) {
                        *v += ta * tb;
                    }
                }
            }
        }
        if let Some(k) = solve(ata, atb, TAPS) {
            if let Ok(k) = <[f64; TAPS]>::try_from(k) {
                self.kernel = k;
            }
        }
    }

    /// Re-decides every unknown module given its neighbours' decisions;
    /// returns how many changed.
    fn decide(&mut self, darkness: &[Option<f64>]) -> usize {
        let own = self.kernel.get(TAPS / 2).copied().unwrap_or(1.0);
        if own <= 0.0 {
            return 0;
        }
        let mut changed = 0;
        for i in 0..self.set.len() {
            if self.known.get(i).copied().flatten().is_some() {
                continue;
            }
            let Some(Some(z)) = darkness.get(i) else {
                continue;
            };
            let taps = self.taps(i);
            let others: f64 = taps
                .iter()
                .zip(&self.kernel)
                .enumerate()
                .filter(|(t, _)| *t != TAPS / 2)
                .map(|(_, (s, w))| s * w)
                .sum();
            let decided = f64::from(u8::from(z - others > own / 2.0));
            if let Some(s) = self.set.get_mut(i) {
                changed += usize::from(*s != decided);
                *s = decided;
            }
        }
        changed
    }

    /// The current decisions on the code's own modules.
    fn grid(&self, h: &impl ModuleMap) -> SampledGrid {
        let size = self.size;
        let bits = (0..size * size)
            .map(|i| {
                let j = (i / size + 1) * self.side + i % size + 1;
                self.set.get(j).copied().unwrap_or(0.0) > 0.5
            })
            .collect();
        SampledGrid::new(size, bits, h)
    }

    /// One round: light, kernel, decisions; returns how many decisions
    /// changed.
    fn round(&mut self) -> usize {
        let blurred = self.blurred();
        let light = self.light(&blurred);
        let darkness = self.darkness(&light);
        self.fit_kernel(&darkness);
        let blurred = self.blurred();
        let light = self.light(&blurred);
        let darkness = self.darkness(&light);
        self.decide(&darkness)
    }
}

/// Equalizes the grid of `size` modules placed by `h`, offering each round's
/// grid to `read` until it returns something.
pub fn read_equalized<T>(
    plane: &Plane,
    inverted: bool,
    h: &impl ModuleMap,
    size: usize,
    mut read: impl FnMut(SampledGrid) -> Option<T>,
) -> Option<T> {
    let mut eq = Equalizer::new(plane, inverted, h, size)?;
    for _ in 0..ROUNDS {
        // A round that changed nothing would give the same grid again.
        if eq.round() == 0 {
            break;
        }
        if let Some(found) = read(eq.grid(h)) {
            return Some(found);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::homography::Homography;

    #[test]
    fn known_modules_of_version_2() {
        let known = known_modules(25);
        let side = 27;
        let at = |r: isize, c: isize| known[((r + 1) * side + c + 1) as usize];
        assert_eq!(at(-1, 5), Some(false));
        assert_eq!(at(0, 0), Some(true));
        assert_eq!(at(1, 1), Some(false));
        assert_eq!(at(3, 3), Some(true));
        assert_eq!(at(7, 7), Some(false));
        assert_eq!(at(6, 8), Some(true));
        assert_eq!(at(6, 9), Some(false));
        // Alignment pattern centred at (18, 18).
        assert_eq!(at(18, 18), Some(true));
        assert_eq!(at(17, 18), Some(false));
        assert_eq!(at(16, 18), Some(true));
        assert_eq!(at(17, 8), Some(true));
        assert_eq!(at(12, 12), None);
        assert_eq!(at(8, 8), None);
    }

    /// A hallmark-sized code (version 4, level H) at `px` pixels per module
    /// with a 4-module quiet zone, blurred along rows by a box of `blur`
    /// pixels, under a light gradient; and its module-to-pixel map.
    fn blurred_code(text: &str, px: usize, blur: usize) -> (Plane, Homography, usize) {
        let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::H)
            .unwrap();
        let size = code.width();
        let dark: Vec<bool> = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        let side = (size + 8) * px;
        let mut sharp = vec![0.0f64; side * side];
        for y in 0..side {
            for x in 0..side {
                let (r, c) = ((y / px).wrapping_sub(4), (x / px).wrapping_sub(4));
                let set = r < size && c < size && dark[r * size + c];
                let light = 120.0 + 60.0 * x as f64 / side as f64;
                sharp[y * side + x] = if set { light - 50.0 } else { light };
            }
        }
        let data = (0..side * side)
            .map(|i| {
                let (y, x) = (i / side, i % side);
                let lo = x.saturating_sub(blur / 2);
                let hi = (x + blur / 2).min(side - 1);
                let sum: f64 = (lo..=hi).map(|k| sharp[y * side + k]).sum();
                (sum / (hi - lo + 1) as f64).round() as u8
            })
            .collect();
        let (s, q, m) = (size as f64, 4.0 * px as f64, px as f64);
        let h = Homography::between(
            [[0.0, 0.0], [s, 0.0], [s, s], [0.0, s]],
            [
                [q, q],
                [q + s * m, q],
                [q + s * m, q + s * m],
                [q, q + s * m],
            ],
        )
        .unwrap();
        let plane = Plane {
            data,
            width: side,
            height: side,
        };
        (plane, h, size)
    }

    #[test]
    fn reads_through_motion_blur_that_defeats_thresholds() {
        let text = "TMH1:ORX-2022-7720:BQGQZEJHRZSO43SEL4GORXNH3Q";
        // 5 px per module under a 9 px box: each sample spreads over almost
        // two modules.
        let (plane, h, size) = blurred_code(text, 5, 9);
        let decode =
            |g: SampledGrid| crate::scan::grid_decode::decode_bits(g.size(), |y, x| g.bit(y, x));
        let thresholded = crate::scan::resample::resample(&plane, false, &h, size);
        assert_eq!(
            thresholded.and_then(decode),
            None,
            "the blur is too mild for this test"
        );
        let read = read_equalized(&plane, false, &h, size, decode);
        assert_eq!(read.as_deref(), Some(text.as_bytes()));
        // The same code light-on-dark.
        let negative = Plane {
            data: plane.data.iter().map(|v| 255 - v).collect(),
            ..plane.clone()
        };
        let read = read_equalized(&negative, true, &h, size, decode);
        assert_eq!(read.as_deref(), Some(text.as_bytes()));
        // Three pixels per module under a 5 px box.
        let (plane, h, size) = blurred_code(text, 3, 5);
        let thresholded = crate::scan::resample::resample(&plane, false, &h, size);
        assert_eq!(thresholded.and_then(decode), None);
        let read = read_equalized(&plane, false, &h, size, decode);
        assert_eq!(read.as_deref(), Some(text.as_bytes()));
    }

    #[test]
    fn solves_a_small_system() {
        let x = solve(vec![2.0, 1.0, 1.0, 3.0], vec![3.0, 5.0], 2).unwrap();
        assert!((x[0] - 0.8).abs() < 1e-9 && (x[1] - 1.4).abs() < 1e-9);
        assert!(solve(vec![1.0, 2.0, 2.0, 4.0], vec![1.0, 2.0], 2).is_none());
    }
}
