//! Re-reading a located grid from luma rather than from the bitmap: each
//! module is the mean of the pixels around its centre, compared with the mean
//! of the modules around it. On noisy, low-contrast or blurred codes the
//! bitmap's one pixel per module is a coin toss where this average is not.

use super::grid::SampledGrid;
#[cfg(test)]
use super::homography::Homography;
use super::homography::{dist, ModuleMap};
use super::plane::Plane;

/// Modules on each side of a module whose mean is its threshold.
const THRESHOLD_REACH: usize = 3;

/// The mean luma of the (2k+1)² pixels around `p`, or None outside the plane.
pub fn patch_mean(plane: &Plane, p: [f64; 2], k: usize) -> Option<f64> {
    if !(p[0] >= 0.0 && p[1] >= 0.0) {
        return None;
    }
    // Adding one half and truncating rounds without a libm call.
    let (cx, cy) = ((p[0] + 0.5) as usize, (p[1] + 0.5) as usize);
    if cx >= plane.width || cy >= plane.height {
        return None;
    }
    let (x0, x1) = (cx.saturating_sub(k), (cx + k + 1).min(plane.width));
    let (y0, y1) = (cy.saturating_sub(k), (cy + k + 1).min(plane.height));
    let mut sum = 0u32;
    for y in y0..y1 {
        let row = plane.data.get(y * plane.width + x0..y * plane.width + x1)?;
        sum += row.iter().map(|&v| u32::from(v)).sum::<u32>();
    }
    let n = ((x1 - x0) * (y1 - y0)) as f64;
    Some(f64::from(sum) / n)
}

/// The module pitch in pixels at the grid's centre.
fn module_pitch(h: &impl ModuleMap, size: usize) -> f64 {
    let c = size as f64 / 2.0;
    let a = h.map([c, c]);
    let b = h.map([c + 1.0, c]);
    let d = h.map([c, c + 1.0]);
    (dist(a, b) + dist(a, d)) / 2.0
}

/// The least fraction of timing-pattern modules that must alternate before the
/// whole grid is worth sampling (the same bar as for bitmap grids).
const MIN_TIMING: f64 = 0.7;

/// True when the timing patterns mostly alternate (see [`timing_fit`]): a
/// cheap test that rejects wrong placements before sampling every module.
fn timing_alternates(
    plane: &Plane,
    inverted: bool,
    h: &impl ModuleMap,
    size: usize,
    k: usize,
) -> bool {
    timing_fraction(plane, inverted, h, size, k) >= MIN_TIMING
}

/// How well a placement fits, 0 to 1: the fraction of timing-pattern modules
/// (row and column 6) that alternate as they must, read as patch means against
/// the mean of their neighbours along the line.
pub fn timing_fit(plane: &Plane, inverted: bool, h: &impl ModuleMap, size: usize) -> f64 {
    timing_fraction(plane, inverted, h, size, patch_radius(h, size))
}

fn timing_fraction(
    plane: &Plane,
    inverted: bool,
    h: &impl ModuleMap,
    size: usize,
    k: usize,
) -> f64 {
    let span = 8..size.saturating_sub(8);
    if span.is_empty() {
        return 1.0;
    }
    let mut good = 0usize;
    let mut all = 0usize;
    for along_row in [true, false] {
        let at = |i: usize| {
            let (col, row) = if along_row { (i, 6) } else { (6, i) };
            patch_mean(plane, h.map([col as f64 + 0.5, row as f64 + 0.5]), k)
        };
        let Some(values) = span.clone().map(at).collect::<Option<Vec<f64>>>() else {
            return 0.0;
        };
        for (j, v) in values.iter().enumerate() {
            let window = values
                .get(j.saturating_sub(THRESHOLD_REACH)..(j + THRESHOLD_REACH + 1).min(values.len()))
                .unwrap_or(&[]);
            let mean = window.iter().sum::<f64>() / window.len().max(1) as f64;
            let dark = if inverted { *v > mean } else { *v < mean };
            let want = (j + span.start) % 2 == 0;
            good += usize::from(dark == want);
            all += 1;
        }
    }
    good as f64 / all.max(1) as f64
}

/// The patch half-size for a placement: a patch a bit over a third of the
/// module, wide enough to average noise, narrow enough to stay inside the
/// module under blur and misregistration.
pub fn patch_radius(h: &impl ModuleMap, size: usize) -> usize {
    ((module_pitch(h, size) * 0.2 + 0.5) as usize).min(3)
}

/// Patch means at every module centre, row after row, by `patch` (see
/// [`patch_mean`]); None when a module falls outside the plane.
fn module_values(
    patch: impl Fn([f64; 2], usize) -> Option<f64>,
    h: &impl ModuleMap,
    size: usize,
    k: usize,
) -> Option<Vec<f64>> {
    let mut values = Vec::with_capacity(size * size);
    for row in 0..size {
        for col in 0..size {
            let p = h.map([col as f64 + 0.5, row as f64 + 0.5]);
            values.push(patch(p, k)?);
        }
    }
    Some(values)
}

/// A summed-area table over one region of a plane: [`patch_mean`]'s means
/// in constant time, for scoring many placements of one code (see
/// `refine`). Patches reaching outside the region are summed directly.
#[derive(Debug, Clone)]
pub struct PatchSums<'a> {
    plane: &'a Plane,
    /// The region: columns `x0..x1`, rows `y0..y1`.
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
    /// `(x1 − x0 + 1) × (y1 − y0 + 1)` sums of the region's pixels above
    /// and left.
    table: Vec<u32>,
}

impl<'a> PatchSums<'a> {
    /// The table of the pixels within `[x0, x1) × [y0, y1)` (clipped to the
    /// plane); None for a region whose pixel sum could overflow 32 bits.
    pub fn new(plane: &'a Plane, x0: usize, y0: usize, x1: usize, y1: usize) -> Option<Self> {
        let (w, h) = (plane.width, plane.height);
        let (x1, y1) = (x1.min(w), y1.min(h));
        let (x0, y0) = (x0.min(x1), y0.min(y1));
        let (rw, rh) = (x1 - x0, y1 - y0);
        if rw.checked_mul(rh)? > (u32::MAX / 255) as usize || plane.data.len() < w * h {
            return None;
        }
        let stride = rw + 1;
        let mut table = vec![0u32; stride * (rh + 1)];
        for y in 0..rh {
            let row = plane.data.get((y0 + y) * w + x0..(y0 + y) * w + x1)?;
            let (done, rest) = table.split_at_mut((y + 1) * stride);
            let above = done.get(y * stride..)?;
            let out = rest.get_mut(..stride)?;
            let mut run = 0u32;
            for ((o, &a), &v) in out.iter_mut().skip(1).zip(above.iter().skip(1)).zip(row) {
                run += u32::from(v);
                *o = a + run;
            }
        }
        Some(Self {
            plane,
            x0,
            y0,
            x1,
            y1,
            table,
        })
    }

    /// The sums of the `(2k+1)²` pixels centred on `centre` for each `k`
    /// of `halves` (concentric boxes, the last the largest), when all of
    /// them lie in the table's region (None otherwise): integer lookups
    /// only, for tests run at every cell of a grid.
    pub fn box_sums<const N: usize>(
        &self,
        centre: [usize; 2],
        halves: [usize; N],
    ) -> Option<[u32; N]> {
        let [cx, cy] = centre;
        let largest = halves.iter().copied().max()?;
        let (left, top) = (cx.checked_sub(largest)?, cy.checked_sub(largest)?);
        if left < self.x0
            || top < self.y0
            || cx + largest + 1 > self.x1
            || cy + largest + 1 > self.y1
        {
            return None;
        }
        let stride = self.x1 - self.x0 + 1;
        let (x, y) = (cx - self.x0, cy - self.y0);
        let mut out = [0u32; N];
        for (slot, k) in out.iter_mut().zip(halves) {
            let (top, bottom) = ((y - k) * stride, (y + k + 1) * stride);
            let (left, right) = (x - k, x + k + 1);
            let at = |i: usize| self.table.get(i).copied();
            *slot =
                (at(bottom + right)? - at(top + right)?) - (at(bottom + left)? - at(top + left)?);
        }
        Some(out)
    }

    /// Exactly [`patch_mean`]`(plane, p, k)`.
    pub fn mean(&self, p: [f64; 2], k: usize) -> Option<f64> {
        if !(p[0] >= 0.0 && p[1] >= 0.0) {
            return None;
        }
        let (w, h) = (self.plane.width, self.plane.height);
        let (cx, cy) = ((p[0] + 0.5) as usize, (p[1] + 0.5) as usize);
        if cx >= w || cy >= h {
            return None;
        }
        let (px0, px1) = (cx.saturating_sub(k), (cx + k + 1).min(w));
        let (py0, py1) = (cy.saturating_sub(k), (cy + k + 1).min(h));
        if px0 < self.x0 || py0 < self.y0 || px1 > self.x1 || py1 > self.y1 {
            return patch_mean(self.plane, p, k);
        }
        let stride = self.x1 - self.x0 + 1;
        let at = |x: usize, y: usize| {
            self.table
                .get((y - self.y0) * stride + x - self.x0)
                .copied()
        };
        // Two column-strip sums, each non-negative and the first never the
        // smaller: no intermediate can overflow where the corners' sum would.
        let sum = (at(px1, py1)? - at(px1, py0)?) - (at(px0, py1)? - at(px0, py0)?);
        let n = ((px1 - px0) * (py1 - py0)) as f64;
        Some(f64::from(sum) / n)
    }
}

/// The mean of each module's neighbourhood (±[`THRESHOLD_REACH`] modules),
/// from an integral image over the module grid.
fn neighbourhood_means(values: &[f64], size: usize) -> Vec<f64> {
    let s1 = size + 1;
    let mut sums = vec![0.0f64; s1 * s1];
    for row in 0..size {
        let mut run = 0.0;
        for col in 0..size {
            run += values.get(row * size + col).copied().unwrap_or(0.0);
            let above = sums.get(row * s1 + col + 1).copied().unwrap_or(0.0);
            if let Some(slot) = sums.get_mut((row + 1) * s1 + col + 1) {
                *slot = above + run;
            }
        }
    }
    let line = |r: usize| sums.get(r * s1..(r + 1) * s1).unwrap_or(&[]);
    let reach = THRESHOLD_REACH;
    let mut means = Vec::with_capacity(size * size);
    for row in 0..size {
        let (r0, r1) = (row.saturating_sub(reach), (row + reach + 1).min(size));
        let (top, bottom) = (line(r0), line(r1));
        let at = |l: &[f64], c: usize| l.get(c).copied().unwrap_or(0.0);
        let window = |col: usize| {
            let (c0, c1) = (col.saturating_sub(reach), (col + reach + 1).min(size));
            let n = ((r1 - r0) * (c1 - c0)) as f64;
            (at(bottom, c1) - at(top, c1) - at(bottom, c0) + at(top, c0)) / n
        };
        // Columns whose window is whole are zipped along the two lines
        // (no bounds checks); the edges one by one.
        let whole = reach..size.saturating_sub(reach).max(reach);
        means.extend((0..whole.start.min(size)).map(window));
        let n = ((r1 - r0) * (2 * reach + 1)) as f64;
        let ends = bottom.iter().zip(top).skip(2 * reach + 1);
        let starts = bottom.iter().zip(top);
        means.extend(
            ends.zip(starts)
                .take(whole.len())
                .map(|((b1, t1), (b0, t0))| (b1 - t1 - b0 + t0) / n),
        );
        means.extend((whole.end.max(whole.start.min(size))..size).map(window));
    }
    means
}

/// How sharply a placement separates modules, whatever their polarity: the
/// mean distance of each module's patch from its neighbourhood mean. On the
/// modules it is high; shifted half a module it samples edges and drops.
pub fn contrast(sums: &PatchSums<'_>, h: &impl ModuleMap, size: usize) -> Option<f64> {
    let values = module_values(|p, k| sums.mean(p, k), h, size, patch_radius(h, size))?;
    let means = neighbourhood_means(&values, size);
    let total: f64 = values.iter().zip(&means).map(|(v, m)| (v - m).abs()).sum();
    Some(total / values.len().max(1) as f64)
}

/// Samples a grid of `size` modules placed by `h` from `plane`; `inverted`
/// when modules are lighter than the background. None when the placement's
/// timing patterns do not alternate or it reaches outside the plane.
pub fn resample(
    plane: &Plane,
    inverted: bool,
    h: &impl ModuleMap,
    size: usize,
) -> Option<SampledGrid> {
    let k = patch_radius(h, size);
    if !timing_alternates(plane, inverted, h, size, k) {
        return None;
    }
    let values = module_values(|p, k| patch_mean(plane, p, k), h, size, k)?;
    let means = neighbourhood_means(&values, size);
    let bits = values
        .iter()
        .zip(&means)
        .map(|(v, mean)| if inverted { v > mean } else { v < mean })
        .collect();
    Some(SampledGrid::new(size, bits, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_sums_of_a_bright_region_over_2_pow_31() {
        // 3000 × 3000 pixels of 255: corner sums past 2^31, whose sum
        // overflowed 32 bits before subtracting.
        let (w, h) = (3000usize, 3000usize);
        let plane = Plane {
            data: vec![255; w * h],
            width: w,
            height: h,
        };
        let sums = PatchSums::new(&plane, 0, 0, w, h).unwrap();
        let p = [(w - 3) as f64, (h - 3) as f64];
        assert_eq!(sums.mean(p, 1), patch_mean(&plane, p, 1));
    }

    #[test]
    fn neighbourhood_means_match_a_direct_mean() {
        for size in [1usize, 2, 5, 7, 8, 9, 21, 25] {
            let values: Vec<f64> = (0..size * size)
                .map(|i| ((i * 31 + i / 7) % 97) as f64 / 3.0)
                .collect();
            let means = neighbourhood_means(&values, size);
            assert_eq!(means.len(), size * size);
            for row in 0..size {
                for col in 0..size {
                    let r = THRESHOLD_REACH;
                    let (r0, r1) = (row.saturating_sub(r), (row + r + 1).min(size));
                    let (c0, c1) = (col.saturating_sub(r), (col + r + 1).min(size));
                    let cells: Vec<f64> = (r0..r1)
                        .flat_map(|y| (c0..c1).map(move |x| (x, y)))
                        .map(|(x, y)| values[y * size + x])
                        .collect();
                    let want = cells.iter().sum::<f64>() / cells.len() as f64;
                    let got = means[row * size + col];
                    assert!(
                        (got - want).abs() < 1e-9,
                        "size {size} ({row},{col}): {got} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn patch_sums_give_the_same_means() {
        let (w, h) = (23usize, 17usize);
        let plane = Plane {
            data: (0..w * h).map(|i| ((i * 37 + i / 5) % 256) as u8).collect(),
            width: w,
            height: h,
        };
        for (x0, y0, x1, y1) in [(0, 0, w, h), (3, 4, 15, 11), (0, 5, 40, 40)] {
            let sums = PatchSums::new(&plane, x0, y0, x1, y1).unwrap();
            for k in 0..4 {
                for yi in -3..(2 * h as i32 + 6) {
                    for xi in -3..(2 * w as i32 + 6) {
                        let p = [f64::from(xi) * 0.5 - 0.2, f64::from(yi) * 0.5 + 0.1];
                        assert_eq!(sums.mean(p, k), patch_mean(&plane, p, k), "{p:?} k={k}");
                    }
                }
            }
            assert_eq!(sums.mean([f64::NAN, 1.0], 1), None);
        }
    }

    #[test]
    fn noisy_checkerboard_reads_back() {
        // A 21×21 checkerboard, 5 px per module, contrast 20 with ±12 noise:
        // single pixels often land on the wrong side, patch means do not.
        let (size, px) = (21usize, 5usize);
        let side = size * px;
        let mut seed = 7u32;
        let mut noise = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            ((seed >> 16) % 25) as i32 - 12
        };
        let mut data = Vec::with_capacity(side * side);
        for y in 0..side {
            for x in 0..side {
                let dark = (x / px + y / px) % 2 == 0;
                let base = if dark { 110 } else { 130 };
                data.push((base + noise()).clamp(0, 255) as u8);
            }
        }
        let plane = Plane {
            data,
            width: side,
            height: side,
        };
        let s = size as f64;
        let m = px as f64;
        let homography = Homography::between(
            [[0.0, 0.0], [s, 0.0], [s, s], [0.0, s]],
            [[0.0, 0.0], [s * m, 0.0], [s * m, s * m], [0.0, s * m]],
        )
        .unwrap();
        let grid = resample(&plane, false, &homography, size).unwrap();
        let single_pixels_wrong = (0..size * size)
            .filter(|&i| {
                let (row, col) = (i / size, i % size);
                let v = plane.data[(row * px + px / 2) * side + col * px + px / 2];
                (v < 120) != ((row + col) % 2 == 0)
            })
            .count();
        assert!(single_pixels_wrong > 0, "the test image is too clean");
        let wrong = (0..size * size)
            .filter(|&i| grid.bit_at(i) != ((i / size + i % size) % 2 == 0))
            .count();
        assert_eq!(wrong, 0);
        // The same code light-on-dark reads the same with `inverted`.
        let negative = Plane {
            data: plane.data.iter().map(|v| 255 - v).collect(),
            ..plane.clone()
        };
        let inverted = resample(&negative, true, &homography, size).unwrap();
        assert!((0..size * size).all(|i| inverted.bit_at(i) == grid.bit_at(i)));
        // Read in the wrong polarity, the timing patterns do not alternate.
        assert!(resample(&plane, true, &homography, size).is_none());
    }
}
