//! From three finder patterns to a sampled module grid: pick triples that form
//! a right isosceles triangle, estimate the version, look for the bottom-right
//! alignment pattern, and sample module centres through a perspective transform.

use super::binarize::Bitmap;
use super::finder::Finder;
use super::homography::Homography;
use super::homography::{dist, ModuleMap, Pt};

/// The largest QR code side, in modules (version 40).
const MAX_SIZE: usize = 177;

/// The least fraction of timing-pattern modules that must match before a
/// triple is sampled and decoded (0.5 reads more but costs 4× the time on
/// cluttered synthetic photos; 0.7 loses 6 % of reads).
const MIN_TIMING: f64 = 0.6;

/// The most a triple's finders may differ in module size (largest over
/// smallest, with half a pixel to spare): a code seen at a slant has a near
/// finder up to about twice the far one's (zxing-cpp's test photos
/// `fix-traceline` and `fix-finderpattern-order`: 2.1 and 2.05; 1.6 lost
/// them both).
const MAX_MODULE_RATIO: f64 = 2.2;

/// Weight of the 1/hits terms in a triple's score.
const HITS_WEIGHT: f64 = 0.15;

/// Three finder patterns in code order.
#[derive(Debug, Clone, Copy)]
pub struct Triple {
    /// Top-left, top-right and bottom-left finder indices into the candidate list.
    pub members: [usize; 3],
    /// Finder centres in the same order.
    pub centres: [Pt; 3],
    /// Mean module size, pixels.
    pub module: f64,
    /// Each finder's module size, pixels, in the same order as `centres`.
    pub modules: [f64; 3],
    /// Lower is a better fit.
    pub score: f64,
}

/// Orders three finders as top-left, top-right, bottom-left if they can be the
/// corners of one code, with a fit score.
pub fn triple(finders: &[Finder], ids: [usize; 3]) -> Option<Triple> {
    let f = ids.map(|i| finders.get(i).copied());
    let [Some(a), Some(b), Some(c)] = f else {
        return None;
    };
    let modules = [a.module, b.module, c.module];
    let max_m = modules.iter().copied().fold(f64::MIN, f64::max);
    let min_m = modules.iter().copied().fold(f64::MAX, f64::min);
    if max_m > min_m * MAX_MODULE_RATIO + 0.5 {
        return None;
    }
    let p = [[a.x, a.y], [b.x, b.y], [c.x, c.y]];
    let [p0, p1, p2] = p;
    let d01 = dist(p0, p1);
    let d12 = dist(p1, p2);
    let d02 = dist(p0, p2);
    // The corner opposite the longest side is top-left. Sides are compared
    // in modules (each in its ends' mean module): under strong perspective
    // the far leg and the diagonal can be equally long in pixels.
    let in_modules = |d: f64, ma: f64, mb: f64| d / (ma + mb).max(1.0);
    let [ma, mb, mc] = modules;
    let (m01, m12, m02) = (
        in_modules(d01, ma, mb),
        in_modules(d12, mb, mc),
        in_modules(d02, ma, mc),
    );
    let (tl, o1, o2, hyp) = if m12 >= m01 && m12 >= m02 {
        (0, 1, 2, d12)
    } else if m02 >= m01 && m02 >= m12 {
        (1, 0, 2, d02)
    } else {
        (2, 0, 1, d01)
    };
    let pick = |k: usize| p.get(k).copied().unwrap_or([0.0, 0.0]);
    let id = |k: usize| ids.get(k).copied().unwrap_or(0);
    let (ptl, mut ptr, mut pbl) = (pick(tl), pick(o1), pick(o2));
    let (mut itr, mut ibl) = (id(o1), id(o2));
    let module_of = |k: usize| modules.get(k).copied().unwrap_or(1.0);
    let (mut mtr, mut mbl) = (module_of(o1), module_of(o2));
    let cross = (ptr[0] - ptl[0]) * (pbl[1] - ptl[1]) - (ptr[1] - ptl[1]) * (pbl[0] - ptl[0]);
    if cross < 0.0 {
        std::mem::swap(&mut ptr, &mut pbl);
        std::mem::swap(&mut itr, &mut ibl);
        std::mem::swap(&mut mtr, &mut mbl);
    }
    let leg_a = dist(ptl, ptr);
    let leg_b = dist(ptl, pbl);
    let module = (a.module + b.module + c.module) / 3.0;
    if leg_a < module * 9.0 || leg_b < module * 9.0 {
        return None;
    }
    let legs = leg_a / leg_b;
    if !(0.55..=1.8).contains(&legs) {
        return None;
    }
    let right = (hyp * hyp - leg_a * leg_a - leg_b * leg_b).abs() / (leg_a * leg_a + leg_b * leg_b);
    if right > 0.45 {
        return None;
    }
    let size = (leg_a + leg_b) / 2.0 / module + 7.0;
    if size > MAX_SIZE as f64 * 1.3 {
        return None;
    }
    Some(Triple {
        members: [id(tl), itr, ibl],
        centres: [ptl, ptr, pbl],
        module,
        modules: [module_of(tl), mtr, mbl],
        // Geometry first; among equals, finders confirmed by more scan lines.
        // Under perspective the legs differ in pixels and the finders in
        // module size together: the legs are compared in modules (each in
        // its two finders' mean module), and the sizes' spread counts half.
        score: perspective_legs(leg_a, leg_b, [module_of(tl), mtr, mbl])
            + right
            + 0.5 * (max_m / min_m).ln()
            + HITS_WEIGHT
                * [a.hits, b.hits, c.hits]
                    .iter()
                    .map(|&h| 1.0 / f64::from(h.max(1)))
                    .sum::<f64>(),
    })
}

/// How unequal a triple's legs are in modules: |ln| of their ratio, each leg
/// measured in the mean module of the finders at its ends (`modules`:
/// top-left, top-right, bottom-left).
fn perspective_legs(leg_a: f64, leg_b: f64, modules: [f64; 3]) -> f64 {
    let [tl, tr, bl] = modules;
    let a = leg_a / ((tl + tr) / 2.0).max(0.5);
    let b = leg_b / ((tl + bl) / 2.0).max(0.5);
    (a / b).ln().abs()
}

/// The `keep` best plausible triples among the strongest candidates, best
/// first. Dense codes hold dozens of chance finder-like runs, so there can be
/// tens of thousands of triples: the best few are selected, not all sorted
/// (measured: sorting them all was a tenth of a clean certificate's scan).
/// Ties in score are broken by the members, so the order is total.
pub fn triples(finders: &[Finder], max_candidates: usize, keep: usize) -> Vec<Triple> {
    let n = finders.len().min(max_candidates);
    let mut out = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            for k in j + 1..n {
                if let Some(t) = triple(finders, [i, j, k]) {
                    out.push(t);
                }
            }
        }
    }
    let order =
        |a: &Triple, b: &Triple| a.score.total_cmp(&b.score).then(a.members.cmp(&b.members));
    if keep < out.len() {
        out.select_nth_unstable_by(keep, order);
        out.truncate(keep);
    }
    out.sort_unstable_by(order);
    out
}

/// The share of the separator modules around a triple's finders that are
/// dark in `bitmap`: the ring one module wide 4 modules out from each
/// centre, along the code's axes as the triple's legs give them. A real
/// finder has its separator (or the quiet zone) there, all light; a chance
/// finder-like pattern in a code's data or a textured surface has about
/// half its ring dark.
pub fn separator_darkness(bitmap: &Bitmap, t: &Triple) -> f64 {
    let [tl, tr, bl] = t.centres;
    let unit = |a: Pt, b: Pt| {
        let d = dist(a, b).max(1e-9);
        [(b[0] - a[0]) / d, (b[1] - a[1]) / d]
    };
    let (u, v) = (unit(tl, tr), unit(tl, bl));
    let mut dark = 0u32;
    let mut all = 0u32;
    // The ring's 32 modules: its top and bottom rows whole, its sides
    // between them.
    let ring = (-4..=4)
        .flat_map(|i| [(i, -4), (i, 4)])
        .chain((-3..=3).flat_map(|i| [(-4, i), (4, i)]));
    for (c, m) in t.centres.iter().zip(t.modules) {
        for (a, b) in ring.clone() {
            let (a, b) = (f64::from(a) * m, f64::from(b) * m);
            dark += u32::from(bitmap.at(c[0] + a * u[0] + b * v[0], c[1] + a * u[1] + b * v[1]));
            all += 1;
        }
    }
    f64::from(dark) / f64::from(all.max(1))
}

/// How well the two timing patterns (row 6 and column 6, alternating from
/// module 8 to size − 9) match for a code of `size` modules, 0 to 1. Sampled
/// through the affine frame of the three finders, which is exact next to them.
fn timing_score(bitmap: &Bitmap, t: &Triple, size: usize) -> f64 {
    timing_score_within(bitmap, t, size, u32::MAX).unwrap_or(0.0)
}

/// [`timing_score`], or None as soon as more than `max_misses` timing
/// modules are wrong.
pub fn timing_score_within(
    bitmap: &Bitmap,
    t: &Triple,
    size: usize,
    max_misses: u32,
) -> Option<f64> {
    let [tl, tr, bl] = t.centres;
    let span = (size - 7) as f64;
    let u = [(tr[0] - tl[0]) / span, (tr[1] - tl[1]) / span];
    let v = [(bl[0] - tl[0]) / span, (bl[1] - tl[1]) / span];
    let at = |c: f64, r: f64| {
        let x = tl[0] + (c - 3.0) * u[0] + (r - 3.0) * v[0];
        let y = tl[1] + (c - 3.0) * u[1] + (r - 3.0) * v[1];
        bitmap.at(x, y)
    };
    let mut misses = 0u32;
    let mut all = 0u32;
    for k in 8..size.saturating_sub(8) {
        let want = k % 2 == 0;
        let kf = k as f64;
        misses += u32::from(at(kf, 6.0) != want) + u32::from(at(6.0, kf) != want);
        all += 2;
        if misses > max_misses {
            return None;
        }
    }
    (all > 0).then(|| f64::from(all - misses) / f64::from(all))
}

/// The code size implied by counting the dark modules of one timing pattern,
/// walking the bitmap from the module at (3, 6) to the one at (size − 4, 6)
/// (or the column equivalent). Counting is exact under perspective, where
/// sampling at predicted positions drifts.
fn counted_size(bitmap: &Bitmap, from: Pt, to: Pt) -> Option<usize> {
    let len = dist(from, to);
    if !len.is_finite() || len < 8.0 {
        return None;
    }
    let steps = (len * 2.0).ceil() as usize;
    let mut samples = Vec::with_capacity(steps + 1);
    for i in 0..=steps {
        let f = i as f64 / steps as f64;
        let x = from[0] + (to[0] - from[0]) * f;
        let y = from[1] + (to[1] - from[1]) * f;
        samples.push(bitmap.at(x, y));
    }
    // Majority of three smooths single-sample noise.
    let smooth: Vec<bool> = (0..samples.len())
        .map(|i| {
            let at = |k: usize| samples.get(k).copied().unwrap_or(false);
            let n = u8::from(at(i.saturating_sub(1))) + u8::from(at(i)) + u8::from(at(i + 1));
            n >= 2
        })
        .collect();
    let mut runs = 0usize;
    let mut prev = false;
    for &d in &smooth {
        if d && !prev {
            runs += 1;
        }
        prev = d;
    }
    // Dark runs: the finder's edge, (size − 15) / 2 timing modules, the other edge.
    let size = runs.checked_sub(2)? * 2 + 15;
    ((21..=MAX_SIZE).contains(&size) && size % 4 == 1).then_some(size)
}

/// Sizes counted along both timing patterns.
fn counted_sizes(bitmap: &Bitmap, t: &Triple) -> Vec<usize> {
    let [tl, tr, bl] = t.centres;
    // A size guess from the finder spacing (any size works here: the
    // offsets are 3 modules, next to the finders).
    let guess = ((dist(tl, tr) + dist(tl, bl)) / 2.0 / t.module + 7.0).max(21.0);
    let span = guess - 7.0;
    // The timing patterns run 3 modules from the finder centres, each
    // finder's own modules under perspective (a line in the code is a line
    // in the image, so its two ends place it).
    let off = 3.0 / span;
    let at = |a: f64, b: f64| perspective_point(t, a, b).unwrap_or_else(|| affine_point(t, a, b));
    let mut out = Vec::new();
    for size in [
        counted_size(bitmap, at(0.0, off), at(1.0, off)),
        counted_size(bitmap, at(off, 0.0), at(off, 1.0)),
    ]
    .into_iter()
    .flatten()
    {
        if !out.contains(&size) {
            out.push(size);
        }
    }
    out
}

/// The version (at least 1) that the finder spacing implies at the triple's
/// module size.
pub fn implied_version(t: &Triple) -> usize {
    let [tl, tr, bl] = t.centres;
    let modules = (dist(tl, tr) + dist(tl, bl)) / 2.0 / t.module + 7.0;
    ((modules - 17.0) / 4.0).round().max(1.0) as usize
}

/// The sizes of the version [`implied_version`] gives and its two
/// neighbours: for placements whose finders blur has left centred but whose
/// timing patterns it has flattened (the pixel model tells the size).
pub fn nearby_sizes(t: &Triple) -> Vec<usize> {
    let version = implied_version(t).max(2);
    (version - 1..=version + 1)
        .filter(|v| (1..=40).contains(v))
        .map(|v| 17 + 4 * v)
        .collect()
}

/// The code sizes in a band of versions around [`implied_version`]: blur
/// biases module estimates, so the band is wide and the timing patterns
/// decide.
fn size_band(t: &Triple) -> impl Iterator<Item = usize> {
    let version = implied_version(t);
    let band = 2 + version / 4;
    (version.saturating_sub(band)..=version + band)
        .filter(|v| (1..=40).contains(v))
        .map(|v| 17 + 4 * v)
}

/// Candidate code sizes for a triple whose timing patterns fit, best first.
pub fn sizes(bitmap: &Bitmap, t: &Triple) -> Vec<usize> {
    let mut scored: Vec<(f64, usize)> = size_band(t)
        .map(|size| {
            // Version 1 has too few timing modules to judge.
            let score = if size == 21 {
                0.75
            } else {
                timing_score(bitmap, t, size)
            };
            (score, size)
        })
        .filter(|&(score, _)| score >= MIN_TIMING)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    // A clear timing match settles the size; otherwise try the best two.
    let keep = match scored.first() {
        Some((best, _)) if *best >= 0.85 => 1,
        _ => 2,
    };
    let mut out = counted_sizes(bitmap, t);
    for (_, size) in scored.into_iter().take(keep) {
        if !out.contains(&size) {
            out.push(size);
        }
    }
    out.truncate(2);
    out
}

/// A sampled module grid, ready for the decoder.
#[derive(Debug, Clone)]
pub struct SampledGrid {
    size: usize,
    bits: Vec<bool>,
    /// Corners in pixels: TL, TR, BR, BL of the whole code.
    pub corners: [Pt; 4],
}

/// The least fraction of timing-pattern modules a sampled grid must get right
/// before it is worth Reed-Solomon decoding.
const MIN_GRID_TIMING: f64 = 0.7;

impl SampledGrid {
    /// A grid of `size`² bits (row after row) placed by `h`.
    pub fn new(size: usize, bits: Vec<bool>, h: &impl ModuleMap) -> Self {
        let s = size as f64;
        let corners = [
            h.map([0.0, 0.0]),
            h.map([s, 0.0]),
            h.map([s, s]),
            h.map([0.0, s]),
        ];
        Self {
            size,
            bits,
            corners,
        }
    }

    /// The bit at index `i` (row-major).
    #[cfg(test)]
    pub fn bit_at(&self, i: usize) -> bool {
        self.bits.get(i).copied().unwrap_or(false)
    }

    /// True when the sampled timing patterns (row and column 6) mostly
    /// alternate as they must: a mis-registered grid fails this long before
    /// Reed-Solomon would, at a fraction of the cost.
    pub fn plausible(&self) -> bool {
        let bit = |y: usize, x: usize| self.bits.get(y * self.size + x).copied().unwrap_or(false);
        let mut good = 0u32;
        let mut all = 0u32;
        for k in 8..self.size.saturating_sub(8) {
            let want = k % 2 == 0;
            good += u32::from(bit(6, k) == want) + u32::from(bit(k, 6) == want);
            all += 2;
        }
        all == 0 || f64::from(good) >= MIN_GRID_TIMING * f64::from(all)
    }
}

impl SampledGrid {
    /// Modules per side.
    pub fn size(&self) -> usize {
        self.size
    }

    /// True when the module in row `y`, column `x` is dark.
    pub fn bit(&self, y: usize, x: usize) -> bool {
        x < self.size && self.bits.get(y * self.size + x).copied().unwrap_or(false)
    }
}

/// The 25 module offsets of an alignment pattern and whether each is dark:
/// the centre and the light ring first (they tell a pattern from noise
/// soonest), then the dark outer ring.
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated at compile time: an index out of range fails the build"
)]
pub const ALIGNMENT_CELLS: [(f64, f64, bool); 25] = {
    let mut cells = [(0.0, 0.0, false); 25];
    let mut n = 0;
    let mut ring = 0;
    while ring <= 2 {
        let mut dy = -2i32;
        while dy <= 2 {
            let mut dx = -2i32;
            while dx <= 2 {
                let r = if dx.abs() > dy.abs() {
                    dx.abs()
                } else {
                    dy.abs()
                };
                if r == ring {
                    cells[n] = (dx as f64, dy as f64, r != 1);
                    n += 1;
                }
                dx += 1;
            }
            dy += 1;
        }
        ring += 1;
    }
    cells
};

/// Scores how well an alignment pattern (dark centre, light ring, dark ring)
/// fits at `c`, the 25 module offsets already multiplied out by the module
/// vectors: the number of modules that match. Stops counting (returning less
/// than `enough`) once more than `25 - enough` have missed.
fn alignment_fit(bitmap: &Bitmap, c: Pt, cells: &[(Pt, bool); 25], enough: u32) -> u32 {
    let allowed_misses = 25u32.saturating_sub(enough);
    let mut misses = 0u32;
    for &(offset, want) in cells {
        if bitmap.at(c[0] + offset[0], c[1] + offset[1]) != want {
            misses += 1;
            if misses > allowed_misses {
                break;
            }
        }
    }
    25 - misses.min(25)
}

/// The pixel at fractions `a` of the way from the top-left finder centre
/// towards the top-right one and `b` towards the bottom-left one, as a
/// parallelogram puts it (no perspective).
fn affine_point(t: &Triple, a: f64, b: f64) -> Pt {
    let [tl, tr, bl] = t.centres;
    [
        tl[0] + a * (tr[0] - tl[0]) + b * (bl[0] - tl[0]),
        tl[1] + a * (tr[1] - tl[1]) + b * (bl[1] - tl[1]),
    ]
}

/// The pixel at fractions `a` of the way from the top-left finder centre
/// towards the top-right one and `b` towards the bottom-left one (1, 1:
/// where the bottom-right finder would be), allowing for perspective. A
/// homography's denominator `w` is affine in module coordinates, and so is
/// the image point times `w`; the map's local area scale is proportional to
/// `w⁻³`, so a finder's apparent module size is to `w^(-3/2)`. So the
/// finders' sizes give `w` (up to a common factor) at three corners, and
/// both affine parts extrapolate like a parallelogram. None when the sizes
/// imply a point behind the camera.
fn perspective_point(t: &Triple, a: f64, b: f64) -> Option<Pt> {
    let [p0, p1, p2] = t.centres;
    let [w0, w1, w2] = t.modules.map(|m| m.max(0.5).powf(-2.0 / 3.0));
    let w = w0 + a * (w1 - w0) + b * (w2 - w0);
    if w <= w0 * 0.2 {
        return None;
    }
    let n = |c0: f64, c1: f64, c2: f64| c0 * w0 + a * (c1 * w1 - c0 * w0) + b * (c2 * w2 - c0 * w0);
    Some([n(p0[0], p1[0], p2[0]) / w, n(p0[1], p1[1], p2[1]) / w])
}

/// Looks for the bottom-right alignment pattern near where the finders put
/// it: first allowing for perspective (see [`perspective_point`]), then as a
/// parallelogram.
fn find_alignment(bitmap: &Bitmap, t: &Triple, size: usize) -> Option<Pt> {
    let [tl, tr, bl] = t.centres;
    let span = (size - 7) as f64;
    let u = [(tr[0] - tl[0]) / span, (tr[1] - tl[1]) / span];
    let v = [(bl[0] - tl[0]) / span, (bl[1] - tl[1]) / span];
    let f = (size as f64 - 10.0) / span;
    let affine = affine_point(t, f, f);
    let radius = (t.module * 6.0).clamp(4.0, 80.0);
    // Under perspective the modules there are not the finders' mean size
    // either: the pattern is looked for with the module steps the
    // perspective gives at the guess (a tilted 1080p certificate's are a
    // fifth shorter than the mean, and the pattern's outer ring then misses).
    let perspective = perspective_point(t, f, f)
        .filter(|p| dist(*p, affine) > radius / 2.0)
        .and_then(|p| {
            let step = 1.0 / span;
            let along_u = perspective_point(t, f + step, f)?;
            let along_v = perspective_point(t, f, f + step)?;
            let local_u = [along_u[0] - p[0], along_u[1] - p[1]];
            let local_v = [along_v[0] - p[0], along_v[1] - p[1]];
            Some((p, local_u, local_v))
        });
    perspective
        .into_iter()
        .chain(std::iter::once((affine, u, v)))
        .find_map(|(guess, u, v)| locate_alignment(bitmap, guess, radius, t.module, u, v))
}

/// Searches for an alignment pattern within `radius` pixels of `guess`, with
/// module vectors `u` and `v` (`module` pixels long): half-module steps, then
/// pixel steps around the best; None unless the fit is near perfect.
pub fn locate_alignment(
    bitmap: &Bitmap,
    guess: Pt,
    radius: f64,
    module: f64,
    u: Pt,
    v: Pt,
) -> Option<Pt> {
    let half = (module / 2.0).max(1.0);
    let (coarse_score, coarse) = search_alignment(bitmap, guess, radius, half, u, v, 19);
    if coarse_score < 19 {
        return None;
    }
    let (best, centre) = search_alignment(bitmap, coarse, half, 1.0, u, v, 21);
    (best >= 21).then_some(centre)
}

/// A perfect alignment fit: every one of the pattern's 25 modules matches.
const PERFECT_FIT: u32 = 25;

/// How far past the first perfect fit the search still looks, in modules:
/// the positions fitting perfectly lie within half a module of the
/// pattern's centre, so none lies further than this from the first found.
const PERFECT_REACH: f64 = 1.5;

/// The best alignment fit on a square grid of positions around `guess`, and
/// the mean of the positions sharing the best score; fits under `least` are
/// not counted out in full (the best is then under `least` too). Positions
/// are visited in square rings outward from `guess`; once a fit is perfect
/// the search ends [`PERFECT_REACH`] modules further out (the same answer
/// as searching every position, unless a second perfect fit lies far off).
fn search_alignment(
    bitmap: &Bitmap,
    guess: Pt,
    radius: f64,
    step: f64,
    u: Pt,
    v: Pt,
    least: u32,
) -> (u32, Pt) {
    let cells = ALIGNMENT_CELLS
        .map(|(dx, dy, want)| ([dx * u[0] + dy * v[0], dx * u[1] + dy * v[1]], want));
    let reach_rings = (PERFECT_REACH * u[0].hypot(u[1]).max(v[0].hypot(v[1])) / step).ceil() as i32;
    let mut best = 0u32;
    let mut sum = [guess[0], guess[1], 1.0];
    let mut last_ring = (radius / step) as i32;
    let mut ring = 0;
    while ring <= last_ring {
        for (ix, iy) in square_ring(ring) {
            let c = [
                guess[0] + f64::from(ix) * step,
                guess[1] + f64::from(iy) * step,
            ];
            let s = alignment_fit(bitmap, c, &cells, best.max(least));
            if s > best {
                best = s;
                sum = [c[0], c[1], 1.0];
                if s == PERFECT_FIT {
                    last_ring = last_ring.min(ring.saturating_add(reach_rings));
                }
            } else if s == best {
                sum = [sum[0] + c[0], sum[1] + c[1], sum[2] + 1.0];
            }
        }
        ring += 1;
    }
    (best, [sum[0] / sum[2], sum[1] / sum[2]])
}

/// The integer offsets at Chebyshev distance `ring` from the origin (the
/// origin alone for 0), row by row.
fn square_ring(ring: i32) -> impl Iterator<Item = (i32, i32)> {
    (-ring..=ring).flat_map(move |iy| {
        // Inside rows hold the ring's two sides only.
        let stride = if iy.abs() == ring { 1 } else { 2 * ring };
        (-ring..=ring)
            .step_by(usize::try_from(stride).unwrap_or(1).max(1))
            .map(move |ix| (ix, iy))
    })
}

/// Where the grid of a code of `size` modules located by `t` may lie: four
/// module-space points and their pixels (the three finder centres, and the
/// alignment pattern when found, else where a fourth finder would be, with
/// the perspective the finders' sizes show: version 1 has no alignment
/// pattern, and a parallelogram put a tilted one's far corner modules off;
/// zxing-cpp's `estimate-tilt` photo read so, and no benchmark code was
/// lost).
pub fn anchors(bitmap: &Bitmap, t: &Triple, size: usize) -> ([Pt; 4], [Pt; 4]) {
    let [tl, tr, bl] = t.centres;
    let s = size as f64;
    let (module_pt, image_pt) = match (size > 21)
        .then(|| find_alignment(bitmap, t, size))
        .flatten()
    {
        Some(a) => ([s - 6.5, s - 6.5], a),
        None => (
            [s - 3.5, s - 3.5],
            perspective_point(t, 1.0, 1.0).unwrap_or_else(|| affine_point(t, 1.0, 1.0)),
        ),
    };
    (
        [[3.5, 3.5], [s - 3.5, 3.5], module_pt, [3.5, s - 3.5]],
        [tl, tr, image_pt, bl],
    )
}

/// The module-to-pixel transform through [`anchors`].
pub fn placement(bitmap: &Bitmap, t: &Triple, size: usize) -> Option<Homography> {
    let (from, to) = anchors(bitmap, t, size);
    Homography::between(from, to)
}

/// Samples the grid of a code of `size` modules located by `t`.
#[cfg(test)]
pub fn sample(bitmap: &Bitmap, t: &Triple, size: usize) -> Option<SampledGrid> {
    sample_bitmap(bitmap, &placement(bitmap, t, size)?, size)
}

/// Samples one placement from the bitmap, one pixel per module centre; None
/// when the timing patterns already show it mis-registered.
pub fn sample_bitmap(bitmap: &Bitmap, h: &impl ModuleMap, size: usize) -> Option<SampledGrid> {
    let timing_ok = {
        let dark_at = |col: usize, row: usize| {
            let p = h.map([col as f64 + 0.5, row as f64 + 0.5]);
            bitmap.at(p[0], p[1])
        };
        let mut good = 0u32;
        let mut all = 0u32;
        for k in 8..size.saturating_sub(8) {
            let want = k % 2 == 0;
            good += u32::from(dark_at(k, 6) == want) + u32::from(dark_at(6, k) == want);
            all += 2;
        }
        all == 0 || f64::from(good) >= MIN_GRID_TIMING * f64::from(all)
    };
    if !timing_ok {
        return None;
    }
    let mut bits = Vec::with_capacity(size * size);
    for row in 0..size {
        for col in 0..size {
            let p = h.map([col as f64 + 0.5, row as f64 + 0.5]);
            let dark = bitmap.at(p[0], p[1]);
            bits.push(dark);
        }
    }
    Some(SampledGrid::new(size, bits, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perspective_point_follows_a_slanted_code() {
        // A 45-module code seen at a slant: the far corner shrinks to 60 %.
        let s = 45.0;
        let from = [[0.0, 0.0], [s, 0.0], [s, s], [0.0, s]];
        let to = [
            [100.0, 100.0],
            [500.0, 120.0],
            [380.0, 380.0],
            [90.0, 480.0],
        ];
        let h = Homography::between(from, to).unwrap();
        let at = |c: f64, r: f64| h.map([c, r]);
        // A finder's module size: the mean of the local module vectors.
        let module = |c: f64, r: f64| {
            let (p, x, y) = (at(c, r), at(c + 1.0, r), at(c, r + 1.0));
            (dist(p, x) + dist(p, y)) / 2.0
        };
        let t = Triple {
            members: [0, 1, 2],
            centres: [at(3.5, 3.5), at(s - 3.5, 3.5), at(3.5, s - 3.5)],
            module: 0.0,
            modules: [module(3.5, 3.5), module(s - 3.5, 3.5), module(3.5, s - 3.5)],
            score: 0.0,
        };
        let truth = at(s - 6.5, s - 6.5);
        let f = (s - 10.0) / (s - 7.0);
        let [tl, tr, bl] = t.centres;
        let affine = [
            tl[0] + (tr[0] - tl[0] + bl[0] - tl[0]) * f,
            tl[1] + (tr[1] - tl[1] + bl[1] - tl[1]) * f,
        ];
        let guess = perspective_point(&t, f, f).unwrap();
        let pitch = module(s - 6.5, s - 6.5);
        // The alignment search reaches 6 modules: the parallelogram's guess
        // is beyond it, the perspective guess well within (1.4 pitches off:
        // the finders' mean module sizes are not exact; 3.1 with `w` taken
        // as the inverse of the module size rather than its -2/3 power).
        assert!(
            dist(affine, truth) > 6.0 * pitch,
            "the parallelogram is close"
        );
        assert!(
            dist(guess, truth) < 2.0 * pitch,
            "{guess:?} vs {truth:?}, pitch {pitch}, affine {affine:?}"
        );
    }

    /// A code rendered into a bitmap with its corners at `corners` (top-left,
    /// top-right, bottom-right, bottom-left), and the triple of its true
    /// finder centres, each with its local module size.
    fn tilted(
        text: &[u8],
        level: qrcode::EcLevel,
        corners: [Pt; 4],
        width: usize,
        height: usize,
    ) -> (usize, Bitmap, Homography, Triple) {
        let (size, dark) = crate::scan::test_render::modules(text, level);
        let s = size as f64;
        let square = [[0.0, 0.0], [s, 0.0], [s, s], [0.0, s]];
        let h = Homography::between(square, corners).unwrap();
        let back = Homography::between(corners, square).unwrap();
        let bits = (0..width * height)
            .map(|i| {
                let [c, r] = back.map([(i % width) as f64, (i / width) as f64]);
                let inside = (0.0..s).contains(&c) && (0.0..s).contains(&r);
                u8::from(inside && dark[r as usize * size + c as usize])
            })
            .collect();
        let bitmap = Bitmap {
            bits,
            width,
            height,
        };
        let modules = [[3.5, 3.5], [s - 3.5, 3.5], [3.5, s - 3.5]].map(|p| module_at(&h, p));
        let t = Triple {
            members: [0, 1, 2],
            centres: [[3.5, 3.5], [s - 3.5, 3.5], [3.5, s - 3.5]].map(|p| h.map(p)),
            module: modules.iter().sum::<f64>() / 3.0,
            modules,
            score: 0.0,
        };
        (size, bitmap, h, t)
    }

    /// The mean of the local module vectors of `h` at `p`.
    fn module_at(h: &Homography, p: Pt) -> f64 {
        let (a, x, y) = (
            h.map(p),
            h.map([p[0] + 1.0, p[1]]),
            h.map([p[0], p[1] + 1.0]),
        );
        (dist(a, x) + dist(a, y)) / 2.0
    }

    /// A code of one alignment pattern tilted so that its far corner's
    /// modules are a fifth shorter than the finders' mean.
    fn steeply_tilted() -> (usize, Bitmap, Homography, Triple) {
        tilted(
            b"A STEEPLY TILTED CODE WITH ONE ALIGNMENT PATTERN",
            qrcode::EcLevel::H,
            [[80.0, 60.0], [760.0, 120.0], [640.0, 610.0], [60.0, 720.0]],
            840,
            800,
        )
    }

    #[test]
    fn finds_the_alignment_pattern_of_a_steeply_tilted_code() {
        // A code of one alignment pattern tilted so that its far corner's
        // modules are a fifth shorter than the finders' mean (as in
        // `frame-029` of the generated set): the pattern's outer ring
        // misses when looked for with the mean steps.
        let (size, bitmap, h, t) = steeply_tilted();
        assert!((25..=41).contains(&size), "one alignment pattern: {size}");
        let s = size as f64;
        let truth = h.map([s - 6.5, s - 6.5]);
        assert!(
            module_at(&h, [s - 6.5, s - 6.5]) < 0.8 * t.module,
            "the test needs a steep tilt"
        );
        let found = find_alignment(&bitmap, &t, size).expect("alignment pattern found");
        assert!(dist(found, truth) < 1.5, "{found:?} vs {truth:?}");
    }

    #[test]
    fn square_rings_visit_every_offset_once() {
        let visited: Vec<(i32, i32)> = (0..=4).flat_map(square_ring).collect();
        let mut unique = visited.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), visited.len(), "an offset visited twice");
        assert_eq!(visited.len(), 9 * 9);
        assert!(visited.iter().all(|&(x, y)| x.abs() <= 4 && y.abs() <= 4));
        assert_eq!(square_ring(0).collect::<Vec<_>>(), [(0, 0)]);
    }

    #[test]
    fn the_search_ends_early_with_the_answer_of_every_position() {
        let (size, bitmap, h, t) = steeply_tilted();
        let s = size as f64;
        let centre = h.map([s - 6.5, s - 6.5]);
        // The module steps at the pattern, along the grid's rows and columns.
        let step_to = |p: Pt| {
            let q = h.map(p);
            [q[0] - centre[0], q[1] - centre[1]]
        };
        let (u, v) = (step_to([s - 5.5, s - 6.5]), step_to([s - 6.5, s - 5.5]));
        let half = t.module / 2.0;
        let radius = t.module * 6.0;
        // Every position, scored in full.
        let cells = ALIGNMENT_CELLS
            .map(|(dx, dy, want)| ([dx * u[0] + dy * v[0], dx * u[1] + dy * v[1]], want));
        for offset in [[0.0, 0.0], [7.0, -5.0], [-11.0, 9.0]] {
            let guess = [centre[0] + offset[0], centre[1] + offset[1]];
            let steps = (radius / half) as i32;
            let scored: Vec<(u32, Pt)> = (-steps..=steps)
                .flat_map(|iy| (-steps..=steps).map(move |ix| (ix, iy)))
                .map(|(ix, iy)| {
                    let c = [
                        guess[0] + f64::from(ix) * half,
                        guess[1] + f64::from(iy) * half,
                    ];
                    (alignment_fit(&bitmap, c, &cells, 0), c)
                })
                .collect();
            let best = scored.iter().map(|(s, _)| *s).max().unwrap();
            assert_eq!(best, PERFECT_FIT, "the test needs a perfect fit");
            let tied: Vec<Pt> = scored
                .iter()
                .filter(|(s, _)| *s == best)
                .map(|(_, c)| *c)
                .collect();
            let n = tied.len() as f64;
            let mean = [
                tied.iter().map(|c| c[0]).sum::<f64>() / n,
                tied.iter().map(|c| c[1]).sum::<f64>() / n,
            ];
            let (found_score, found) = search_alignment(&bitmap, guess, radius, half, u, v, 19);
            assert_eq!(found_score, best);
            assert!(
                dist(found, mean) < 1e-9,
                "{found:?} vs {mean:?} from {offset:?}"
            );
        }
    }

    /// The code order (top-left, top-right, bottom-left) [`triple`] gives
    /// three finders as our detector measured them in one of zxing-cpp's
    /// test photos (centre and module size); None when it rejects them.
    fn code_order(finders: [(f64, f64, f64); 3]) -> Option<[usize; 3]> {
        let finders = finders.map(|(x, y, module)| Finder {
            x,
            y,
            module,
            hits: 5,
        });
        triple(&finders, [0, 1, 2]).map(|t| t.members)
    }

    #[test]
    fn orders_the_finders_of_a_code_seen_at_a_slant() {
        // zxing-cpp's `fix-finderpattern-order`: the top-left finder's two
        // legs and the diagonal are 111, 153 and 152 px, so by pixels the
        // far (top-right) finder looked like the right-angle corner; in
        // modules of their ends the diagonal is the longest.
        let finders = [
            (123.1, 32.0, 4.56),
            (48.5, 114.3, 7.05),
            (192.4, 167.5, 9.53),
        ];
        assert_eq!(code_order(finders), Some([1, 0, 2]));
    }

    #[test]
    fn keeps_a_near_finder_twice_the_far_ones_size() {
        // zxing-cpp's `fix-traceline`: the near finder's modules are 2.1
        // times the far one's.
        let finders = [
            (162.0, 27.8, 5.30),
            (50.2, 101.9, 7.62),
            (176.6, 201.2, 11.36),
        ];
        assert_eq!(code_order(finders), Some([1, 0, 2]));
    }

    #[test]
    fn a_real_finders_separator_ring_is_light() {
        let (size, bitmap, h, t) = tilted(
            b"SEPARATORS AROUND THE FINDERS",
            qrcode::EcLevel::M,
            [[60.0, 50.0], [420.0, 80.0], [400.0, 430.0], [40.0, 400.0]],
            480,
            480,
        );
        assert_eq!(separator_darkness(&bitmap, &t), 0.0);
        // The same triangle moved onto the data, 9 modules in: a chance
        // triple there has about half its rings dark.
        let s = size as f64;
        let inside = Triple {
            centres: [[12.5, 12.5], [s - 3.5, 12.5], [12.5, s - 3.5]].map(|p| h.map(p)),
            ..t
        };
        assert!(separator_darkness(&bitmap, &inside) > 0.3);
    }

    #[test]
    fn places_the_far_corner_of_a_tilted_version_1_code() {
        // Version 1 has no alignment pattern: the fourth anchor is where a
        // bottom-right finder would be. Seen at a slant (the near, bottom
        // edge half as long again as the far one, as in zxing-cpp's
        // `estimate-tilt`), a parallelogram puts it modules off and the
        // code does not read.
        let text = b"TILTED";
        let (size, bitmap, h, t) = tilted(
            text,
            qrcode::EcLevel::M,
            [[150.0, 60.0], [390.0, 50.0], [470.0, 330.0], [80.0, 340.0]],
            560,
            400,
        );
        assert_eq!(size, 21, "version 1");
        let s = size as f64;
        let truth = h.map([s - 3.5, s - 3.5]);
        let pitch = module_at(&h, [s - 3.5, s - 3.5]);
        let affine = affine_point(&t, 1.0, 1.0);
        assert!(dist(affine, truth) > 1.5 * pitch, "the test needs a slant");
        let (_, to) = anchors(&bitmap, &t, size);
        assert!(
            dist(to[2], truth) < 0.5 * pitch,
            "{:?} vs {truth:?}, pitch {pitch}",
            to[2]
        );
        let grid = sample(&bitmap, &t, size).expect("timing patterns fit");
        let mut read = Vec::new();
        rqrr::Grid::new(grid)
            .decode_to(&mut read)
            .expect("the grid decodes");
        assert_eq!(read, text);
    }

    #[test]
    fn counts_the_size_of_a_code_seen_at_a_slant() {
        // The code and corners of `certificate_under_strong_perspective`
        // (tests/scan_robustness.rs, as rqrr's detector read it): the
        // top-right finder's modules half as long again as the top-left's.
        // A row 3 mean modules below both finders runs off the timing
        // pattern near the larger one (it counted 45); 3 of each finder's
        // own stays on it.
        let text: String = (0..470u32)
            .map(|i| format!("{:02}", (i * 37 + 11) % 78))
            .collect();
        let (size, bitmap, _, t) = tilted(
            format!("TM1:/{text}").as_bytes(),
            qrcode::EcLevel::M,
            [
                [351.0, 263.0],
                [721.0, 311.0],
                [634.0, 797.0],
                [226.0, 571.0],
            ],
            900,
            900,
        );
        let [tl, tr, _] = t.modules;
        assert!(tr > 1.4 * tl, "the test needs a slant: {:?}", t.modules);
        assert_eq!(sizes(&bitmap, &t).first(), Some(&size));
    }
}
