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
    if k == 0 || w == 0 || h == 0 {
        return plane.clone();
    }
    // Horizontal window sums (not yet divided) and their widths.
    let widths: Vec<u32> = (0..w)
        .map(|x| ((x + k + 1).min(w) - x.saturating_sub(k)) as u32)
        .collect();
    let mut horizontal = vec![0u32; w * h];
    let mut prefix = vec![0u32; w + 1];
    for (src, dst) in plane
        .data
        .chunks_exact(w)
        .zip(horizontal.chunks_exact_mut(w))
    {
        let mut run = 0u32;
        for (slot, &v) in prefix.iter_mut().skip(1).zip(src) {
            run += u32::from(v);
            *slot = run;
        }
        for (x, out) in dst.iter_mut().enumerate() {
            let hi = prefix.get((x + k + 1).min(w)).copied().unwrap_or(0);
            let lo = prefix.get(x.saturating_sub(k)).copied().unwrap_or(0);
            *out = hi - lo;
        }
    }
    let reciprocals: Vec<u64> = (0..=(2 * k + 1) * (2 * k + 1))
        .map(|area| (1u64 << 24).div_ceil(area.max(1) as u64))
        .collect();
    // Vertical: keep the sum of the rows in the window, add the row entering
    // and subtract the row leaving.
    let mut column_sums = vec![0u32; w];
    let row = |y: usize| horizontal.get(y * w..(y + 1) * w).unwrap_or(&[]);
    for y in 0..k.min(h) {
        for (sum, &v) in column_sums.iter_mut().zip(row(y)) {
            *sum += v;
        }
    }
    let mut data = Vec::with_capacity(w * h);
    for y in 0..h {
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
        // Divide by multiplying with a 2^24-scaled reciprocal of the area.
        data.extend(column_sums.iter().zip(&widths).map(|(&sum, &width)| {
            let recip = reciprocals
                .get((width * rows) as usize)
                .copied()
                .unwrap_or(0);
            ((u64::from(sum) * recip) >> 24) as u8
        }));
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
        for (bx, chunk) in row.chunks(block).enumerate() {
            let lo = chunk.iter().copied().min().unwrap_or(u8::MAX);
            let hi = chunk.iter().copied().max().unwrap_or(0);
            if let Some(m) = mins.get_mut(base + bx) {
                *m = (*m).min(lo);
            }
            if let Some(m) = maxs.get_mut(base + bx) {
                *m = (*m).max(hi);
            }
        }
    }
    (mins, maxs, cols, rows)
}

/// Pools each block's extremes over its neighbourhood and returns the
/// threshold per block. Flat neighbourhoods (no code) get a threshold no pixel
/// can pass: 0 for dark modules, 255 for light ones.
fn block_thresholds(plane: &Plane, m: Midrange) -> (Vec<u8>, usize) {
    let block = m.block.max(2);
    let (mins, maxs, cols, rows) = block_extremes(plane, block);
    let unreachable = if m.inverted { u8::MAX } else { 0 };
    let mut out = Vec::with_capacity(cols * rows);
    for by in 0..rows {
        let (y0, y1) = (by.saturating_sub(m.reach), (by + m.reach + 1).min(rows));
        for bx in 0..cols {
            let (x0, x1) = (bx.saturating_sub(m.reach), (bx + m.reach + 1).min(cols));
            let (mut lo, mut hi) = (u8::MAX, 0u8);
            for y in y0..y1 {
                for x in x0..x1 {
                    lo = lo.min(mins.get(y * cols + x).copied().unwrap_or(u8::MAX));
                    hi = hi.max(maxs.get(y * cols + x).copied().unwrap_or(0));
                }
            }
            out.push(if hi.saturating_sub(lo) < m.min_contrast {
                unreachable
            } else {
                ((u16::from(lo) + u16::from(hi)) / 2) as u8
            });
        }
    }
    (out, cols)
}

/// Binarizes a plane against block mid-ranges.
pub fn binarize_midrange(plane: &Plane, m: Midrange) -> Bitmap {
    let smoothed = box_smooth(plane, m.smooth);
    let (w, h) = (smoothed.width, smoothed.height);
    let block = m.block.max(2);
    let (thresholds, cols) = block_thresholds(&smoothed, m);
    let mut bits = Vec::with_capacity(w * h);
    for (y, row) in smoothed.data.chunks_exact(w.max(1)).enumerate() {
        let row_thresholds = thresholds
            .get((y / block) * cols..(y / block + 1) * cols)
            .unwrap_or(&[]);
        for (pixels, &t) in row.chunks(block).zip(row_thresholds) {
            if m.inverted {
                bits.extend(pixels.iter().map(|&v| v > t));
            } else {
                bits.extend(pixels.iter().map(|&v| v < t));
            }
        }
    }
    Bitmap {
        bits,
        width: w,
        height: h,
    }
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
            assert!(binarize_midrange(&plane, m).bits.iter().all(|&b| !b));
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
