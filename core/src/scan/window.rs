//! Sliding box sums: for every pixel, the sum over the (2k+1)² window around
//! it, clipped at the borders. Column sums over the window's rows are kept up
//! to date as the window moves down (one row added, one removed) and each
//! row's sums slide along them, so the cost per pixel does not grow with `k`
//! and memory is read in order.

use super::plane::Plane;

/// Windows up to this reach sum their columns directly rather than with a
/// running sum (see [`window_sums`]).
const DIRECT_REACH: usize = 2;

/// Calls `each_row(y, sums, rows)` for every row `y`, top to bottom: `sums[x]`
/// is the sum of the window around (x, y), which spans `rows` rows and
/// `window_width(x, k, width)` columns.
pub fn window_sums(plane: &Plane, k: usize, mut each_row: impl FnMut(usize, &[u32], u32)) {
    let (w, h) = (plane.width, plane.height);
    if w == 0 || h == 0 || plane.data.len() < w * h {
        return;
    }
    let row = |y: usize| plane.data.get(y * w..(y + 1) * w).unwrap_or(&[]);
    let mut column_sums = vec![0u32; w];
    for y in 0..k.min(h) {
        for (sum, &v) in column_sums.iter_mut().zip(row(y)) {
            *sum += u32::from(v);
        }
    }
    let mut sums = vec![0u32; w];
    for y in 0..h {
        if y + k < h {
            for (sum, &v) in column_sums.iter_mut().zip(row(y + k)) {
                *sum += u32::from(v);
            }
        }
        if y > k {
            for (sum, &v) in column_sums.iter_mut().zip(row(y - k - 1)) {
                *sum -= u32::from(v);
            }
        }
        // Along the row, in three stretches: filling (the first k+1
        // columns), full (one column in, one out), emptying.
        let column = |x: usize| column_sums.get(x).copied().unwrap_or(0);
        let mut run: u32 = column_sums.iter().take(k).sum();
        let full = (k + 1)..w.saturating_sub(k).max(k + 1);
        for (x, out) in sums.iter_mut().enumerate().take(full.start) {
            run += column(x + k);
            *out = run;
        }
        let interior = sums.get_mut(full.clone()).unwrap_or(&mut []);
        if k <= DIRECT_REACH {
            // Small windows: each sum added up directly from 2k+1 shifted
            // column slices, pass by pass; unlike the running sum, every
            // pass vectorises.
            let n = interior.len();
            let shifted = |d: usize| column_sums.get(full.start - k + d..).unwrap_or(&[]);
            interior.copy_from_slice(shifted(0).get(..n).unwrap_or(&[]));
            for d in 1..=2 * k {
                for (out, &c) in interior.iter_mut().zip(shifted(d)) {
                    *out += c;
                }
            }
            run = interior.last().copied().unwrap_or(run);
        } else {
            let entering = column_sums.iter().skip(full.start + k);
            for (out, (&enter, &leave)) in interior.iter_mut().zip(entering.zip(&column_sums)) {
                run = run + enter - leave;
                *out = run;
            }
        }
        for (x, out) in sums.iter_mut().enumerate().skip(full.end) {
            run -= column(x - k - 1);
            *out = run;
        }
        let rows = ((y + k + 1).min(h) - y.saturating_sub(k)) as u32;
        each_row(y, &sums, rows);
    }
}

/// How many columns the window around column `x` spans.
pub fn window_width(x: usize, k: usize, width: usize) -> u32 {
    ((x + k + 1).min(width) - x.saturating_sub(k)) as u32
}

/// A box-smoothed copy of the plane: the mean over a (2k+1)² window, clipped
/// at the borders.
pub fn box_smooth(plane: &Plane, k: usize) -> Plane {
    let (w, h) = (plane.width, plane.height);
    if k == 0 || w == 0 || h == 0 || plane.data.len() < w * h {
        return plane.clone();
    }
    if k == 1 {
        if let Some(smoothed) = box_smooth_3x3(plane) {
            return smoothed;
        }
    }
    let widths: Vec<u32> = (0..w).map(|x| window_width(x, k, w)).collect();
    // Divide by multiplying with a 2^32-scaled reciprocal of the window's
    // area, per column; recomputed only where the window's height changes
    // (the top and bottom edges). Exact while 255·area² < 2^32 (k ≤ 31,
    // beyond any smoothing here). 3×3 windows, the scanner's, take the
    // 16-bit path above; only planes under 2×2 reach here with k = 1.
    let mut reciprocals = vec![0u64; w];
    let mut reciprocal_rows = 0u32;
    let mut data = vec![0u8; w * h];
    window_sums(plane, k, |y, sums, rows| {
        if rows != reciprocal_rows {
            reciprocal_rows = rows;
            for (r, &width) in reciprocals.iter_mut().zip(&widths) {
                *r = (1u64 << 32).div_ceil(u64::from((width * rows).max(1)));
            }
        }
        let out = data.get_mut(y * w..(y + 1) * w).unwrap_or(&mut []);
        for ((o, &sum), &r) in out.iter_mut().zip(sums).zip(&reciprocals) {
            *o = ((u64::from(sum) * r) >> 32).min(255) as u8;
        }
    });
    Plane {
        data,
        width: w,
        height: h,
    }
}

/// [`box_smooth`] for 3×3 windows, the scanner's smoothing, in 16-bit
/// lanes (eight to a 128-bit register): a 3×3 sum is at most 2295, and the
/// division is a multiply-high by a 16-bit reciprocal (exact here, as in
/// `box_smooth`). None for planes under 2×2, which `box_smooth` handles.
fn box_smooth_3x3(plane: &Plane) -> Option<Plane> {
    let (w, h) = (plane.width, plane.height);
    if w < 2 || h < 2 || plane.data.len() < w * h {
        return None;
    }
    let row = |y: usize| plane.data.get(y * w..(y + 1) * w).unwrap_or(&[]);
    // Windows span two or three columns and rows: areas 4 to 9, whose
    // reciprocals fit 16 bits.
    let reciprocals = |rows: u32| -> Vec<u16> {
        (0..w)
            .map(|x| {
                let area = window_width(x, 1, w) * rows;
                u16::try_from((1u32 << 16).div_ceil(area)).unwrap_or(u16::MAX)
            })
            .collect()
    };
    let (edge_rows, inner_rows) = (reciprocals(2), reciprocals(3));
    let mut columns: Vec<u16> = row(0)
        .iter()
        .zip(row(1))
        .map(|(&a, &b)| u16::from(a) + u16::from(b))
        .collect();
    let mut sums = vec![0u16; w];
    let mut data = vec![0u8; w * h];
    for y in 0..h {
        if y >= 1 && y + 1 < h {
            for (c, &v) in columns.iter_mut().zip(row(y + 1)) {
                *c += u16::from(v);
            }
        }
        if y >= 2 {
            for (c, &v) in columns.iter_mut().zip(row(y - 2)) {
                *c -= u16::from(v);
            }
        }
        // Each sum: the column itself, then its right and left neighbours.
        sums.copy_from_slice(&columns);
        for (s, &c) in sums.iter_mut().zip(columns.get(1..).unwrap_or(&[])) {
            *s += c;
        }
        for (s, &c) in sums
            .get_mut(1..)
            .unwrap_or(&mut [])
            .iter_mut()
            .zip(&columns)
        {
            *s += c;
        }
        let full = y >= 1 && y + 1 < h;
        let r = if full { &inner_rows } else { &edge_rows };
        let out = data.get_mut(y * w..(y + 1) * w).unwrap_or(&mut []);
        for ((o, &s), &r) in out.iter_mut().zip(&sums).zip(r) {
            *o = ((u32::from(s) * u32::from(r)) >> 16) as u8;
        }
    }
    Some(Plane {
        data,
        width: w,
        height: h,
    })
}

/// Pools a `cols`×`rows` grid of values over each cell's neighbourhood
/// (±`reach` cells, clipped at the edges) with `pick` (min or max): along
/// rows, then along columns, each pass combining whole shifted slices so
/// that it vectorises. Block mid-ranges (`midrange`) and the blurred-finder
/// search's local extremes (`blob_finder`) pool so.
pub fn pool(
    values: &[u8],
    cols: usize,
    rows: usize,
    reach: usize,
    pick: fn(u8, u8) -> u8,
) -> Vec<u8> {
    let along = |line: &[u8], out: &mut [u8]| {
        out.copy_from_slice(line);
        for d in 1..=reach.min(line.len().saturating_sub(1)) {
            // Each value takes its neighbour d to the right, then d to the left.
            for (o, &v) in out.iter_mut().zip(line.get(d..).unwrap_or(&[])) {
                *o = pick(*o, v);
            }
            for (o, &v) in out.get_mut(d..).unwrap_or(&mut []).iter_mut().zip(line) {
                *o = pick(*o, v);
            }
        }
    };
    let mut across = vec![0u8; cols * rows];
    for (line, out) in values
        .chunks_exact(cols.max(1))
        .zip(across.chunks_exact_mut(cols.max(1)))
    {
        along(line, out);
    }
    let mut pooled = across.clone();
    for d in 1..=reach.min(rows.saturating_sub(1)) {
        let shift = d * cols;
        for (o, &v) in pooled.iter_mut().zip(across.get(shift..).unwrap_or(&[])) {
            *o = pick(*o, v);
        }
        for (o, &v) in pooled
            .get_mut(shift..)
            .unwrap_or(&mut [])
            .iter_mut()
            .zip(&across)
        {
            *o = pick(*o, v);
        }
    }
    pooled
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plane sizes and window reaches around every edge case: windows wider
    /// and taller than the plane, one-pixel planes, odd sizes.
    const SHAPES: [(usize, usize, usize); 7] = [
        (1, 1, 1),
        (2, 5, 1),
        (5, 2, 2),
        (7, 7, 3),
        (40, 23, 1),
        (33, 31, 2),
        (33, 31, 9),
    ];

    /// A `w`×`h` plane of irregular values.
    fn pattern(w: usize, h: usize) -> Plane {
        Plane {
            data: (0..w * h).map(|i| ((i * 97 + i / 3) % 256) as u8).collect(),
            width: w,
            height: h,
        }
    }

    /// The sum over the window of reach `k` around (x, y), clipped at the
    /// borders, added up pixel by pixel, with the window's width and height.
    fn direct_sum(plane: &Plane, x: usize, y: usize, k: usize) -> (u32, u32, u32) {
        let (x0, x1) = (x.saturating_sub(k), (x + k + 1).min(plane.width));
        let (y0, y1) = (y.saturating_sub(k), (y + k + 1).min(plane.height));
        let sum = (y0..y1)
            .flat_map(|yy| (x0..x1).map(move |xx| u32::from(plane.data[yy * plane.width + xx])))
            .sum();
        (sum, (x1 - x0) as u32, (y1 - y0) as u32)
    }

    #[test]
    fn sums_match_a_direct_window_sum() {
        for (w, h, k) in SHAPES {
            let plane = pattern(w, h);
            let mut seen = 0;
            window_sums(&plane, k, |y, sums, rows| {
                seen += 1;
                for (x, &sum) in sums.iter().enumerate() {
                    let (want, width, height) = direct_sum(&plane, x, y, k);
                    assert_eq!(rows, height);
                    assert_eq!(window_width(x, k, w), width);
                    assert_eq!(sum, want, "{w}x{h} k={k} at ({x},{y})");
                }
            });
            assert_eq!(seen, h);
        }
    }

    #[test]
    fn smoothing_matches_a_direct_window_mean() {
        for (w, h, k) in SHAPES {
            let plane = pattern(w, h);
            let smoothed = box_smooth(&plane, k);
            for y in 0..h {
                for x in 0..w {
                    let (sum, width, height) = direct_sum(&plane, x, y, k);
                    assert_eq!(
                        u32::from(smoothed.data[y * w + x]),
                        sum / (width * height),
                        "{w}x{h} k={k} at ({x},{y})"
                    );
                }
            }
        }
    }

    #[test]
    fn saturated_and_tiny_planes_smooth_exactly() {
        for (w, h) in [(2, 2), (3, 2), (2, 7), (17, 9)] {
            for value in [0u8, 1, 254, 255] {
                let plane = Plane {
                    data: vec![value; w * h],
                    width: w,
                    height: h,
                };
                assert_eq!(box_smooth(&plane, 1).data, plane.data, "{w}x{h} of {value}");
            }
        }
    }

    #[test]
    fn wide_windows_round_down_exactly() {
        // 24 pixels of 188 and one of 187: the mean is 187.96, not 188.
        let mut data = vec![188u8; 25];
        data[0] = 187;
        let plane = Plane {
            data,
            width: 5,
            height: 5,
        };
        assert_eq!(box_smooth(&plane, 2).data[2 * 5 + 2], 187);
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

    #[test]
    fn pooling_matches_a_direct_scan() {
        for (cols, rows, reach) in [(1, 1, 1), (5, 3, 1), (7, 6, 2), (2, 9, 3), (13, 11, 1)] {
            let values: Vec<u8> = (0..cols * rows)
                .map(|i| ((i * 89 + i / 3) % 256) as u8)
                .collect();
            let lo = pool(&values, cols, rows, reach, u8::min);
            let hi = pool(&values, cols, rows, reach, u8::max);
            for r in 0..rows {
                for c in 0..cols {
                    let near: Vec<u8> = (r.saturating_sub(reach)..(r + reach + 1).min(rows))
                        .flat_map(|y| {
                            (c.saturating_sub(reach)..(c + reach + 1).min(cols))
                                .map(move |x| (x, y))
                        })
                        .map(|(x, y)| values[y * cols + x])
                        .collect();
                    let i = r * cols + c;
                    assert_eq!(lo[i], *near.iter().min().unwrap(), "{cols}x{rows} r{reach}");
                    assert_eq!(hi[i], *near.iter().max().unwrap(), "{cols}x{rows} r{reach}");
                }
            }
        }
    }
}
