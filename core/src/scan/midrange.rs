//! Block mid-range binarization: each pixel is compared with the midpoint of
//! the darkest and lightest values in the blocks around it. Unlike a local
//! mean, the midpoint does not move when the window holds more light than dark
//! (a quiet zone) or a dark background band next to the code, which is what
//! thins the finder rings of small low-contrast hallmarks on brushed metal.

use super::binarize::Bitmap;
use super::plane::Plane;
use super::window::{box_smooth, pool};

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

/// Per-block minimum and maximum, `cols × rows` blocks: for each band of
/// `block` rows, element-wise extremes down the band's columns first (a
/// straight pass the compiler vectorises), then across each block's columns.
fn block_extremes(plane: &Plane, block: usize) -> (Vec<u8>, Vec<u8>, usize, usize) {
    let (w, h) = (plane.width, plane.height);
    let cols = w.div_ceil(block);
    let rows = h.div_ceil(block);
    let mut mins = Vec::with_capacity(cols * rows);
    let mut maxs = Vec::with_capacity(cols * rows);
    let mut column_min = vec![u8::MAX; w];
    let mut column_max = vec![0u8; w];
    for band in plane.data.chunks(w.max(1) * block) {
        column_min.fill(u8::MAX);
        column_max.fill(0);
        for row in band.chunks_exact(w.max(1)) {
            // Two single-stream passes: each vectorises (one zipped over
            // both columns did not).
            for (lo, &v) in column_min.iter_mut().zip(row) {
                *lo = (*lo).min(v);
            }
            for (hi, &v) in column_max.iter_mut().zip(row) {
                *hi = (*hi).max(v);
            }
        }
        mins.extend(
            column_min
                .chunks(block)
                .map(|c| c.iter().copied().min().unwrap_or(u8::MAX)),
        );
        maxs.extend(
            column_max
                .chunks(block)
                .map(|c| c.iter().copied().max().unwrap_or(0)),
        );
    }
    mins.resize(cols * rows, u8::MAX);
    maxs.resize(cols * rows, 0);
    (mins, maxs, cols, rows)
}

/// The share of `block`-pixel blocks of `plane` whose darkest and lightest
/// pixels differ by at least `contrast` grey levels, 0 to 1.
pub fn contrasty_share(plane: &Plane, block: usize, contrast: u8) -> f64 {
    let (mins, maxs, _, _) = block_extremes(plane, block);
    let contrasty = mins
        .iter()
        .zip(&maxs)
        .filter(|(lo, hi)| hi.saturating_sub(**lo) >= contrast)
        .count();
    contrasty as f64 / mins.len().max(1) as f64
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
        let lo = pool(&mins, cols, rows, m.reach, u8::min);
        let hi = pool(&maxs, cols, rows, m.reach, u8::max);
        let thresholds = lo
            .iter()
            .zip(&hi)
            .map(|(&lo, &hi)| {
                (hi.saturating_sub(lo) >= m.min_contrast)
                    .then(|| ((u16::from(lo) + u16::from(hi)) / 2) as u8)
            })
            .collect();
        Self {
            smoothed,
            thresholds,
            cols,
            block,
        }
    }

    /// The bitmap: darker than the mid-range is a module, or lighter when
    /// `inverted`; flat neighbourhoods are light either way (their threshold
    /// is one no pixel passes). The thresholds of a band of block rows are
    /// spread to one per column, and each row is compared against them.
    pub fn bitmap(&self, inverted: bool) -> Bitmap {
        let (w, h) = (self.smoothed.width, self.smoothed.height);
        let unreachable = if inverted { u8::MAX } else { 0 };
        let mut bits = vec![0u8; w * h];
        let mut spread = vec![unreachable; w];
        let band = w.max(1) * self.block;
        let bands = self.smoothed.data.chunks(band).zip(bits.chunks_mut(band));
        for ((pixels, out), thresholds) in bands.zip(self.thresholds.chunks(self.cols.max(1))) {
            for (columns, t) in spread.chunks_mut(self.block).zip(thresholds) {
                columns.fill(t.unwrap_or(unreachable));
            }
            let rows = pixels
                .chunks_exact(w.max(1))
                .zip(out.chunks_exact_mut(w.max(1)));
            for (row, out) in rows {
                let cells = out.iter_mut().zip(row.iter().zip(&spread));
                if inverted {
                    cells.for_each(|(b, (&v, &t))| *b = u8::from(v > t));
                } else {
                    cells.for_each(|(b, (&v, &t))| *b = u8::from(v < t));
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

    /// A checkerboard of 2-pixel squares at `dark` and `light`, 60 × 48.
    fn checkerboard(dark: u8, light: u8) -> Plane {
        crate::scan::test_render::checkerboard(60, 48, 2, dark, light)
    }

    #[test]
    fn print_is_contrasty_and_etching_is_not() {
        let ink_on_paper = checkerboard(40, 200);
        assert_eq!(contrasty_share(&ink_on_paper, 6, 96), 1.0);
        let etched = checkerboard(100, 150);
        assert_eq!(contrasty_share(&etched, 6, 96), 0.0);
        // Half the blocks: the left half printed, the right half etched.
        let mut half = etched.clone();
        for (i, v) in half.data.iter_mut().enumerate() {
            if i % 60 < 30 {
                *v = ink_on_paper.data[i];
            }
        }
        assert_eq!(contrasty_share(&half, 6, 96), 0.5);
    }

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
    fn block_extremes_match_a_direct_scan() {
        for (w, h, block) in [(1, 1, 2), (13, 7, 6), (12, 12, 6), (40, 23, 4)] {
            let data: Vec<u8> = (0..w * h).map(|i| ((i * 97 + i / 5) % 256) as u8).collect();
            let plane = Plane {
                data: data.clone(),
                width: w,
                height: h,
            };
            let (mins, maxs, cols, rows) = block_extremes(&plane, block);
            assert_eq!((cols, rows), (w.div_ceil(block), h.div_ceil(block)));
            for by in 0..rows {
                for bx in 0..cols {
                    let values: Vec<u8> = (by * block..((by + 1) * block).min(h))
                        .flat_map(|y| (bx * block..((bx + 1) * block).min(w)).map(move |x| (x, y)))
                        .map(|(x, y)| data[y * w + x])
                        .collect();
                    let i = by * cols + bx;
                    assert_eq!(
                        mins[i],
                        *values.iter().min().unwrap(),
                        "{w}x{h} block {bx},{by}"
                    );
                    assert_eq!(
                        maxs[i],
                        *values.iter().max().unwrap(),
                        "{w}x{h} block {bx},{by}"
                    );
                }
            }
        }
    }
}
