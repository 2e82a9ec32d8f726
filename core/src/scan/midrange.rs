//! Block mid-range binarization: each pixel is compared with the midpoint of
//! the darkest and lightest values in the blocks around it. Unlike a local
//! mean, the midpoint does not move when the window holds more light than dark
//! (a quiet zone) or a dark background band next to the code, which is what
//! thins the finder rings of small low-contrast hallmarks on brushed metal.

use super::binarize::Bitmap;
use super::plane::Plane;

/// How to threshold against block extremes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Midrange {
    /// Block side in pixels.
    pub block: usize,
    /// Blocks on each side pooled into a pixel's neighbourhood.
    pub reach: usize,
    /// Neighbourhoods whose darkest and lightest values differ by less than
    /// this hold no code: all their pixels count as light.
    pub min_contrast: u8,
    /// Box-smooth with this radius first (noise); 0 for none.
    pub smooth: usize,
    /// Light-on-dark codes: lighter than the midpoint counts as a module.
    pub inverted: bool,
}

/// A box-smoothed copy of the plane (mean over a (2k+1)² window, clipped at
/// the borders): running sums along each row, then a running sum of whole
/// rows down the image, so every pass reads memory in order.
fn box_smooth(plane: &Plane, k: usize) -> Plane {
    let (w, h) = (plane.width, plane.height);
    if k == 0 || w == 0 || h == 0 || plane.data.len() < w * h {
        return plane.clone();
    }
    // Horizontal window sums (not yet divided), a sliding window per row.
    let mut horizontal = vec![0u32; w * h];
    for (src, dst) in plane
        .data
        .chunks_exact(w)
        .zip(horizontal.chunks_exact_mut(w))
    {
        let mut run: u32 = src.iter().take(k).map(|&v| u32::from(v)).sum();
        for (x, out) in dst.iter_mut().enumerate() {
            if let Some(&v) = src.get(x + k) {
                run += u32::from(v);
            }
            if let Some(&v) = x.checked_sub(k + 1).and_then(|i| src.get(i)) {
                run -= u32::from(v);
            }
            *out = run;
        }
    }
    let widths: Vec<u32> = (0..w)
        .map(|x| ((x + k + 1).min(w) - x.saturating_sub(k)) as u32)
        .collect();
    // Vertical: keep the sum of the rows in the window, add the row entering
    // and subtract the row leaving; divide by multiplying with a 2^16-scaled
    // reciprocal of the window's area (per column, recomputed only where the
    // window's height changes, at the top and bottom edges).
    let mut column_sums = vec![0u32; w];
    let row = |y: usize| horizontal.get(y * w..(y + 1) * w).unwrap_or(&[]);
    for y in 0..k.min(h) {
        for (sum, &v) in column_sums.iter_mut().zip(row(y)) {
            *sum += v;
        }
    }
    let mut reciprocals = vec![0u32; w];
    let mut reciprocal_rows = 0u32;
    let mut data = vec![0u8; w * h];
    for (y, out) in data.chunks_exact_mut(w).enumerate() {
        if y + k < h {
            for (sum, &v) in column_sums.iter_mut().zip(row(y + k)) {
                *sum += v;
            }
        }
        if y > k {
            for (sum, &v) in column_sums.iter_mut().zip(row(y - k - 1)) {
                *sum -= v;
            }
        }
        let rows = ((y + k + 1).min(h) - y.saturating_sub(k)) as u32;
        if rows != reciprocal_rows {
            reciprocal_rows = rows;
            for (r, &width) in reciprocals.iter_mut().zip(&widths) {
                *r = (1u32 << 16).div_ceil((width * rows).max(1));
            }
        }
        for ((o, &sum), &r) in out.iter_mut().zip(&column_sums).zip(&reciprocals) {
            *o = ((u64::from(sum) * u64::from(r)) >> 16).min(255) as u8;
        }
    }
    Plane {
        data,
        width: w,
        height: h,
    }
}

/// Per-block minimum and maximum, `cols × rows` blocks.
fn block_extremes(plane: &Plane, block: usize) -> (Vec<u8>, Vec<u8>, usize, usize) {
    let (w, h) = (plane.width, plane.height);
    let cols = w.div_ceil(block);
    let rows = h.div_ceil(block);
    let mut mins = vec![u8::MAX; cols * rows];
    let mut maxs = vec![0u8; cols * rows];
    for (y, row) in plane.data.chunks_exact(w.max(1)).enumerate() {
        let base = (y / block) * cols;
        let (Some(lo_row), Some(hi_row)) = (
            mins.get_mut(base..base + cols),
            maxs.get_mut(base..base + cols),
        ) else {
            continue;
        };
        for ((chunk, lo), hi) in row.chunks(block).zip(lo_row).zip(hi_row) {
            for &v in chunk {
                *lo = (*lo).min(v);
                *hi = (*hi).max(v);
            }
        }
    }
    (mins, maxs, cols, rows)
}

/// The block mid-ranges of a plane, ready to binarize in either polarity:
/// light-on-dark hallmarks and dark-on-light codes share the smoothing and the
/// block statistics, only the comparison differs.
#[derive(Debug, Clone)]
pub struct MidrangeField {
    smoothed: Plane,
    /// Per block: the threshold, or `None` for a flat neighbourhood (no code).
    thresholds: Vec<Option<u8>>,
    cols: usize,
    block: usize,
}

impl MidrangeField {
    /// Smooths the plane and pools each block's extremes over its
    /// neighbourhood (`m.inverted` is not used).
    pub fn new(plane: &Plane, m: Midrange) -> Self {
        let smoothed = box_smooth(plane, m.smooth);
        let block = m.block.max(2);
        let (mins, maxs, cols, rows) = block_extremes(&smoothed, block);
        let mut thresholds = Vec::with_capacity(cols * rows);
        for by in 0..rows {
            let (y0, y1) = (by.saturating_sub(m.reach), (by + m.reach + 1).min(rows));
            for bx in 0..cols {
                let (x0, x1) = (bx.saturating_sub(m.reach), (bx + m.reach + 1).min(cols));
                let (mut lo, mut hi) = (u8::MAX, 0u8);
                for y in y0..y1 {
                    let span = y * cols + x0..y * cols + x1;
                    lo = mins
                        .get(span.clone())
                        .into_iter()
                        .flatten()
                        .fold(lo, |a, &b| a.min(b));
                    hi = maxs
                        .get(span)
                        .into_iter()
                        .flatten()
                        .fold(hi, |a, &b| a.max(b));
                }
                thresholds.push(
                    (hi.saturating_sub(lo) >= m.min_contrast)
                        .then(|| ((u16::from(lo) + u16::from(hi)) / 2) as u8),
                );
            }
        }
        Self {
            smoothed,
            thresholds,
            cols,
            block,
        }
    }

    /// The bitmap: darker than the mid-range is a module, or lighter when
    /// `inverted`; flat neighbourhoods are light either way.
    pub fn bitmap(&self, inverted: bool) -> Bitmap {
        let (w, h) = (self.smoothed.width, self.smoothed.height);
        let mut bits = vec![0u8; w * h];
        let rows = self.smoothed.data.chunks_exact(w.max(1));
        for (y, (row, out)) in rows.zip(bits.chunks_exact_mut(w.max(1))).enumerate() {
            let first = (y / self.block) * self.cols;
            let row_thresholds = self.thresholds.get(first..first + self.cols).unwrap_or(&[]);
            let blocks = row.chunks(self.block).zip(out.chunks_mut(self.block));
            for ((pixels, bits), &t) in blocks.zip(row_thresholds) {
                let Some(t) = t else { continue };
                for (bit, &v) in bits.iter_mut().zip(pixels) {
                    *bit = u8::from(if inverted { v > t } else { v < t });
                }
            }
        }
        Bitmap {
            bits,
            width: w,
            height: h,
        }
    }
}

/// Binarizes a plane against block mid-ranges (tests and debugging tools).
#[cfg(test)]
pub fn binarize_midrange(plane: &Plane, m: Midrange) -> Bitmap {
    MidrangeField::new(plane, m).bitmap(m.inverted)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 24×24 light quiet zone holding a 6×6 square 30 levels darker, next to
    /// a wide background band darker than the square.
    fn square_next_to_dark_band() -> Plane {
        let (w, h) = (64, 48);
        let mut data = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let v = if y >= 32 {
                    80 // dark background band below the quiet zone
                } else if (20..26).contains(&x) && (16..22).contains(&y) {
                    120
                } else {
                    150
                };
                data.push(v);
            }
        }
        Plane {
            data,
            width: w,
            height: h,
        }
    }

    #[test]
    fn midpoint_keeps_the_square_whole() {
        let plane = square_next_to_dark_band();
        let m = Midrange {
            block: 4,
            reach: 1,
            min_contrast: 10,
            smooth: 0,
            inverted: false,
        };
        let bitmap = binarize_midrange(&plane, m);
        let square = (16..22)
            .flat_map(|y| (20..26).map(move |x| (x, y)))
            .filter(|&(x, y)| bitmap.get(x, y))
            .count();
        assert_eq!(square, 36);
        // The flat quiet zone far from any edge stays light.
        assert!(!bitmap.get(5, 5));
    }

    #[test]
    fn flat_regions_are_light_in_both_polarities() {
        let plane = Plane {
            data: vec![100; 32 * 32],
            width: 32,
            height: 32,
        };
        for inverted in [false, true] {
            let m = Midrange {
                block: 8,
                reach: 2,
                min_contrast: 10,
                smooth: 1,
                inverted,
            };
            assert!(binarize_midrange(&plane, m).bits.iter().all(|&b| b == 0));
        }
    }

    #[test]
    fn degenerate_planes_do_not_panic() {
        for (w, h) in [(0, 0), (0, 5), (5, 0), (1, 1), (3, 1)] {
            let plane = Plane {
                data: vec![7; w * h],
                width: w,
                height: h,
            };
            for smooth in [0, 2] {
                let m = Midrange {
                    block: 4,
                    reach: 1,
                    min_contrast: 12,
                    smooth,
                    inverted: false,
                };
                assert_eq!(binarize_midrange(&plane, m).bits.len(), w * h);
            }
        }
    }

    #[test]
    fn smoothing_averages_the_window() {
        let mut data = vec![0u8; 9 * 9];
        data[4 * 9 + 4] = 90;
        let plane = Plane {
            data,
            width: 9,
            height: 9,
        };
        let s = box_smooth(&plane, 1);
        assert_eq!(s.data[3 * 9 + 3], 10);
        assert_eq!(s.data[4 * 9 + 4], 10);
        assert_eq!(s.data[2 * 9 + 2], 0);
    }
}
