//! Finder-pattern search along scan lines: every row is run-length scanned for
//! the dark-light-dark-light-dark 1:1:3:1:1 signature, and each hit is confirmed
//! across the column and again across the row through the refined centre.

use super::binarize::Bitmap;

/// From this height on, every other row is scanned.
const ROW_SKIP_HEIGHT: usize = 720;
/// The same for a sparse search (the first pass: most codes are read there,
/// and their finders are crossed by enough rows either way; measured on
/// 800×600 photos: −15 % instructions per clean certificate, −22 % per
/// hallmark; the one hallmark it loses is read by the later, dense passes).
const SPARSE_ROW_SKIP_HEIGHT: usize = 480;

/// A confirmed finder-pattern centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finder {
    /// Centre x, pixels.
    pub x: f64,
    /// Centre y, pixels.
    pub y: f64,
    /// Estimated module size, pixels.
    pub module: f64,
    /// How many scan lines confirmed it.
    pub hits: u32,
}

/// True when five run lengths fit 1:1:3:1:1: each one-module run within half
/// a module of `total / 7` (three quarters when not `strict`), the centre
/// within three times that of three modules. In integers, scaled by 7 (and
/// by 2 or 4 for the slack): this runs for every run of every row, where a
/// floating-point division per call was the finder search's largest cost.
fn fits(counts: [u32; 5], strict: bool) -> bool {
    let total: u32 = counts.iter().sum();
    if total < 7 || counts.contains(&0) {
        return false;
    }
    // slack = module · num / den, module = total / 7.
    let (num, den) = if strict { (1, 2) } else { (3, 4) };
    let (total, num, den) = (u64::from(total), num as u64, den as u64);
    let off = |run: u32, modules: u64| (7 * u64::from(run)).abs_diff(modules * total) * den;
    let [a, b, c, d, e] = counts;
    [a, b, d, e].iter().all(|&r| off(r, 1) < num * total) && off(c, 3) < 3 * num * total
}

/// Counts the five runs through (cx, cy) along direction (dx, dy), stepping
/// outward both ways from the centre; returns the runs and the centre offset
/// along the line (in steps), or None if the pattern does not fit.
fn cross_check(
    bitmap: &Bitmap,
    cx: i64,
    cy: i64,
    (dx, dy): (i64, i64),
    max_run: u32,
) -> Option<([u32; 5], f64)> {
    let dark = |i: i64| {
        let (x, y) = (cx + i * dx, cy + i * dy);
        x >= 0 && y >= 0 && bitmap.get(x as usize, y as usize)
    };
    let inside = |i: i64| {
        let (x, y) = (cx + i * dx, cy + i * dy);
        x >= 0 && y >= 0 && (x as usize) < bitmap.width && (y as usize) < bitmap.height
    };
    if !dark(0) {
        return None;
    }
    let mut counts = [0u32; 5];
    // Backward: centre run (2), light (1), dark (0).
    let mut i = 0i64;
    let mut back = [0u32; 3];
    for (slot, want_dark) in [(2usize, true), (1, false), (0, true)] {
        while inside(i) && dark(i) == want_dark && back.get(slot).copied().unwrap_or(0) <= max_run {
            if let Some(b) = back.get_mut(slot) {
                *b += 1;
            }
            i -= 1;
        }
        if back.get(slot).copied().unwrap_or(0) > max_run {
            return None;
        }
    }
    let mut fwd = [0u32; 3];
    let mut j = 1i64;
    for (slot, want_dark) in [(0usize, true), (1, false), (2, true)] {
        while inside(j) && dark(j) == want_dark && fwd.get(slot).copied().unwrap_or(0) <= max_run {
            if let Some(f) = fwd.get_mut(slot) {
                *f += 1;
            }
            j += 1;
        }
        if fwd.get(slot).copied().unwrap_or(0) > max_run {
            return None;
        }
    }
    let [b2, b1, b0] = back;
    let [f0, f1, f2] = fwd;
    counts[0] = b0;
    counts[1] = b1;
    counts[2] = b2 + f0;
    counts[3] = f1;
    counts[4] = f2;
    if !fits(counts, false) {
        return None;
    }
    // Centre of the middle run, relative to the start point.
    let start = -(i64::from(b2)) + 1;
    let centre = start as f64 + f64::from(counts[2]) / 2.0 - 0.5;
    Some((counts, centre))
}

/// Confirms a row hit at (x, y) and returns the refined centre and module size.
fn confirm(bitmap: &Bitmap, x: f64, y: usize, row_counts: [u32; 5]) -> Option<Finder> {
    let row_total: u32 = row_counts.iter().sum();
    let max_run = row_counts.get(2).copied().unwrap_or(0) * 2 + 2;
    let (v_counts, dy) = cross_check(bitmap, x.round() as i64, y as i64, (0, 1), max_run)?;
    let v_total: u32 = v_counts.iter().sum();
    if 5 * row_total.abs_diff(v_total) >= 3 * row_total {
        return None;
    }
    let cy = y as f64 + dy;
    // On a rotated finder the row chord's midpoint is off-centre, so the
    // re-check through the new centre can miss; the row hit itself then
    // stands in, and the stone centroid (see `refine`) fixes the centre.
    let (h_total, cx) =
        match cross_check(bitmap, x.round() as i64, cy.round() as i64, (1, 0), max_run) {
            Some((h_counts, dx)) => (h_counts.iter().sum::<u32>(), x.round() + dx),
            None => (row_total, x),
        };
    Some(Finder {
        x: cx,
        y: cy,
        module: f64::from(h_total + v_total) / 14.0,
        hits: 1,
    })
}

fn merge(found: &mut Vec<Finder>, f: Finder) {
    for g in found.iter_mut() {
        if (g.x - f.x).abs() <= g.module.max(f.module)
            && (g.y - f.y).abs() <= g.module.max(f.module)
            && (g.module - f.module).abs() <= g.module.max(f.module) * 0.5 + 1.0
        {
            let n = f64::from(g.hits);
            g.x = (g.x * n + f.x) / (n + 1.0);
            g.y = (g.y * n + f.y) / (n + 1.0);
            g.module = (g.module * n + f.module) / (n + 1.0);
            g.hits += 1;
            return;
        }
    }
    found.push(f);
}

/// The widest centre stone (pixels) that the first pass's mid-range
/// binarizer (6 px blocks pooled 3×3, `pipeline::MIDRANGE`) cannot hollow.
const HOLLOW_STONE_PX: f64 = 18.0;

/// Refines a finder from its central 3×3-module stone: the centroid of the dark
/// blob under the centre is exact under rotation, and its area gives the module
/// size whatever the angle. Keeps the scan-line estimate when the stone is not
/// a separate blob (blur merged it with the ring).
fn refine(bitmap: &Bitmap, f: Finder) -> Finder {
    // A stone can come out hollow only when it is wider than the
    // mid-range binarizer's window (three 6 px blocks): its middle reads as
    // flat, and flat is light. Scan lines then confirm it above and below
    // the hole, off centre, so its centroid is seeded from the nearest dark
    // pixel within half a module, in a box with room for that.
    let hollow_possible = f.module * 3.0 > HOLLOW_STONE_PX;
    let reach = (f.module * if hollow_possible { 4.5 } else { 3.0 }).ceil() as i64 + 2;
    let side = (2 * reach + 1) as usize;
    let (ox, oy) = (f.x.round() as i64 - reach, f.y.round() as i64 - reach);
    let dark = |x: i64, y: i64| x >= 0 && y >= 0 && bitmap.get(x as usize, y as usize);
    let (cx, cy) = (f.x.round() as i64, f.y.round() as i64);
    let half = if hollow_possible {
        (f.module / 2.0).ceil() as i64
    } else {
        0
    };
    let Some((sx, sy)) = (0..=half)
        .flat_map(|d| [(0, d), (0, -d), (d, 0), (-d, 0)])
        .map(|(dx, dy)| (cx + dx, cy + dy))
        .find(|&(x, y)| dark(x, y))
    else {
        return f;
    };
    let mut seen = vec![false; side * side];
    let mut stack = vec![(sx, sy)];
    let (mut n, mut mx, mut my) = (0u64, 0.0, 0.0);
    while let Some((x, y)) = stack.pop() {
        let (lx, ly) = (x - ox, y - oy);
        if lx <= 0 || ly <= 0 || lx >= side as i64 - 1 || ly >= side as i64 - 1 {
            return f; // reached the box edge: not an isolated stone
        }
        let Some(slot) = seen.get_mut(ly as usize * side + lx as usize) else {
            return f;
        };
        if *slot || !dark(x, y) {
            continue;
        }
        *slot = true;
        n += 1;
        mx += x as f64;
        my += y as f64;
        stack.extend([(x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)]);
    }
    let module = (n as f64 / 9.0).sqrt();
    if n == 0 || module < f.module * 0.5 || module > f.module * 1.5 {
        return f;
    }
    Finder {
        x: mx / n as f64,
        y: my / n as f64,
        module,
        hits: f.hits,
    }
}

/// Collects where the colour changes along a row (each position whose pixel
/// differs from the one before). Eight pixels are compared at once as one
/// word against the word one pixel on: uniform stretches cost one comparison
/// per eight pixels, and each change is found from the set bits.
fn colour_changes(row: &[u8], edges: &mut Vec<u32>) {
    edges.clear();
    let word = |i: usize| {
        row.get(i..i + 8)
            .and_then(|s| <[u8; 8]>::try_from(s).ok())
            .map(u64::from_le_bytes)
    };
    let mut i = 0usize;
    while let (Some(a), Some(b)) = (word(i), word(i + 1)) {
        // Pixels are 0 or 1, so each differing pair sets bit 0 of its byte.
        let mut diff = a ^ b;
        while diff != 0 {
            edges.push((i + diff.trailing_zeros() as usize / 8 + 1) as u32);
            diff &= diff - 1;
        }
        i += 8;
    }
    for (x, pair) in row.windows(2).enumerate().skip(i) {
        if pair.first() != pair.get(1) {
            edges.push(x as u32 + 1);
        }
    }
}

/// Finds finder patterns in the bitmap, most-confirmed first; `sparse`
/// skips every other row from a lower height (see [`SPARSE_ROW_SKIP_HEIGHT`]).
pub fn find_finders(bitmap: &Bitmap, sparse: bool) -> Vec<Finder> {
    let mut found: Vec<Finder> = Vec::new();
    let w = bitmap.width;
    // Tall images are scanned every other row: a finder's centre stone spans
    // three modules, so it is still crossed at least twice at 1.5 px/module.
    let skip_from = if sparse {
        SPARSE_ROW_SKIP_HEIGHT
    } else {
        ROW_SKIP_HEIGHT
    };
    let step = if bitmap.height >= skip_from { 2 } else { 1 };
    // Each row is cut into runs of one colour; every five runs starting with a
    // dark one are a candidate, checked where the fifth run ends.
    let mut runs: Vec<u32> = Vec::with_capacity(w);
    let mut edges: Vec<u32> = Vec::with_capacity(w + 1);
    for (y, row) in bitmap.bits.chunks_exact(w.max(1)).enumerate().step_by(step) {
        let Some(&first) = row.first() else {
            continue;
        };
        colour_changes(row, &mut edges);
        edges.push(w as u32);
        runs.clear();
        let mut start = 0u32;
        for &edge in &edges {
            runs.push(edge - start);
            start = edge;
        }
        // `end` is where run `i` starts.
        let mut end: u32 = 0;
        let first = usize::from(first == 0);
        end += runs.iter().take(first).sum::<u32>();
        let mut i = first;
        while let Some(&[a, b, c, d, e]) = runs.get(i..i + 5) {
            let counts = [a, b, c, d, e];
            let stop = end + counts.iter().sum::<u32>();
            if fits(counts, true) {
                let [_, _, c2, c3, c4] = counts.map(f64::from);
                let cx = f64::from(stop) - c4 - c3 - c2 / 2.0 - 0.5;
                if let Some(f) = confirm(bitmap, cx, y, counts) {
                    merge(&mut found, f);
                }
            }
            end += a + b;
            i += 2;
        }
    }
    let refined = found.into_iter().map(|f| refine(bitmap, f));
    // Candidates refined onto one stone (a hollow one's halves) are one.
    let mut found: Vec<Finder> = Vec::new();
    for f in refined {
        match found
            .iter_mut()
            .find(|g| (g.x - f.x).abs().max((g.y - f.y).abs()) < g.module.min(f.module) / 2.0)
        {
            Some(g) => g.hits += f.hits,
            None => found.push(f),
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.hits));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The floating-point statement of the ratio test, for comparison.
    fn fits_reference(counts: [u32; 5], strict: bool) -> bool {
        let total: u32 = counts.iter().sum();
        if total < 7 || counts.contains(&0) {
            return false;
        }
        let module = f64::from(total) / 7.0;
        let slack = if strict { module / 2.0 } else { module * 0.75 };
        let [a, b, c, d, e] = counts.map(f64::from);
        [a, b, d, e].iter().all(|r| (module - r).abs() < slack)
            && (3.0 * module - c).abs() < 3.0 * slack
    }

    #[test]
    fn integer_ratio_test_matches_the_real_one() {
        let mut checked = 0;
        for a in 1..6 {
            for b in 1..6 {
                for c in 1..14 {
                    for d in 1..6 {
                        for e in [1, 2, 3, 5] {
                            for strict in [true, false] {
                                let counts = [a, b, c, d, e];
                                assert_eq!(
                                    fits(counts, strict),
                                    fits_reference(counts, strict),
                                    "{counts:?} strict {strict}"
                                );
                                checked += usize::from(fits(counts, strict));
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 100, "too few runs fit to compare: {checked}");
        assert!(fits([2, 2, 6, 2, 2], true) && !fits([2, 2, 2, 2, 2], true));
    }

    #[test]
    fn colour_changes_match_a_pixel_by_pixel_walk() {
        // Rows of every length around the word size, with runs of 1 to 9.
        for len in [0usize, 1, 2, 7, 8, 9, 10, 16, 17, 63, 100] {
            let row: Vec<u8> = (0..len).map(|x| u8::from((x * x / 7) % 3 == 0)).collect();
            let want: Vec<u32> = (1..len)
                .filter(|&x| row[x] != row[x - 1])
                .map(|x| x as u32)
                .collect();
            let mut got = Vec::new();
            colour_changes(&row, &mut got);
            assert_eq!(got, want, "row of {len}");
        }
    }

    #[test]
    fn finds_a_hollow_stone_once_at_its_centre() {
        // A finder at 12 px a module, turned, binarized as the first pass does
        // (6 px blocks pooled 3×3): the middle of its 36 px stone is flat
        // and reads as light, as in `frame-029` of the generated set, so
        // scan lines confirm the stone only above and below the hole.
        use crate::scan::midrange::{binarize_midrange, Midrange};
        use crate::scan::plane::Plane;
        let (w, h) = (200usize, 200usize);
        let (m, ox, oy) = (12.0, 58.6, 57.3);
        let data = (0..w * h)
            .map(|i| {
                // Turned by 0.2 rad about the finder's centre.
                let (cx, cy) = (ox + 3.5 * m, oy + 3.5 * m);
                let (dx, dy) = ((i % w) as f64 + 0.5 - cx, (i / w) as f64 + 0.5 - cy);
                let (sin, cos) = 0.2f64.sin_cos();
                let (u, v) = ((dx * cos + dy * sin) / m, (dy * cos - dx * sin) / m);
                let ring = u.abs().max(v.abs());
                if ring < 1.5 || (2.5..3.5).contains(&ring) {
                    40
                } else {
                    200
                }
            })
            .collect();
        let plane = Plane {
            data,
            width: w,
            height: h,
        };
        let bitmap = binarize_midrange(
            &plane,
            Midrange {
                block: 6,
                reach: 1,
                min_contrast: 12,
                smooth: 1,
                inverted: false,
            },
        );
        let centre = (ox + 3.5 * m - 0.5, oy + 3.5 * m - 0.5);
        assert!(
            !bitmap.get(centre.0 as usize, centre.1 as usize),
            "the test needs a hollow stone"
        );
        let found = find_finders(&bitmap, false);
        let near: Vec<&Finder> = found
            .iter()
            .filter(|f| (f.x - centre.0).abs() < 2.0 * m && (f.y - centre.1).abs() < 2.0 * m)
            .collect();
        assert_eq!(near.len(), 1, "{found:?}");
        let f = near[0];
        assert!(
            (f.x - centre.0).abs() < 1.5 && (f.y - centre.1).abs() < 1.5,
            "{f:?} vs {centre:?}"
        );
    }
}
