//! Touchmark's own detector: finder patterns along scan lines, triples, grid
//! sampling, then the grid decoder (`grid_decode`).

use std::cell::OnceCell;

use super::binarize::Bitmap;
use super::blob_finder::BlobTriples;
use super::bow;
use super::decode::code_from_bytes;
use super::equalize::read_equalized;
use super::finder::{find_finders, Finder};
use super::grid::{
    anchors, nearby_sizes, placement, sample_bitmap, separator_darkness, sizes, triples,
    SampledGrid, Triple,
};
use super::grid_decode::decode_bits;
use super::homography::{Homography, ModuleMap};
use super::lost_finder::{inferred_triples, Guessing};
use super::piecewise::piecewise;
use super::plane::Plane;
use super::refine::refine;
use super::resample::{resample, timing_fit};
use super::rqrr_bitmap::{bounding_box, Found};
use super::template_fit::{finder_likeness, is_finder_like};

/// At most this many finder candidates enter the triple search (n³ triples,
/// each a few distance checks). Dense version-40 codes at one pixel per
/// module hold dozens of chance finder-like runs: 30 missed their real ones.
const MAX_CANDIDATES: usize = 60;
/// Codes up to this size (version 6, the last without an alignment grid) are
/// retried with refined anchors and with a bow when they do not read flat
/// (refining larger codes read nothing more on the benchmark sets).
const MAX_SMALL_SIZE: usize = 41;
/// The least timing fit (see [`timing_fit`]) of a placement worth refining:
/// lower ones are rarely codes (measured: 0.7 and 0.8 read the same, 0.6
/// costs 25 % more time for no read).
const MIN_REFINE_FIT: f64 = 0.8;
/// The least timing fit of a flat placement worth re-placing cell by cell
/// (bent codes keep most of their timing patterns; chance triples in a
/// textured background do not: measured, 0.6 and 0.7 read the same as no
/// gate for 6 % fewer instructions on hallmark photos).
const MIN_PIECEWISE_FIT: f64 = 0.6;
/// The least timing fit of a placement worth equalizing (see `equalize`).
const MIN_EQUALIZE_FIT: f64 = 0.8;
/// The least timing fit of a code the certificate hunt reads (see
/// [`Search::sharp_large_only`]): resample's own bar. Beside a hallmark on
/// brushed metal, the local-mean bitmap holds a hundred or more chance finders
/// whose triples fit 0.4–0.7; the printed certificates the hunt reads fit
/// 1.0 (measured on the benchmark's pair photos).
const MIN_HUNT_FIT: f64 = 0.7;
/// The least timing fit of a large location counted as a certificate left
/// unread (`Found::unread_large`, which sends a photo whose hallmark was
/// read on to the certificate hunt): chance triples in a hallmark's metal
/// texture are often over version 6 and fit 0.36–0.70, most 0.45–0.55 (48
/// of 120 generated hallmark photos had one; the few above 0.6 still send
/// theirs on). The same bar `grid::sizes` puts on a triple's timing
/// patterns; 0.7 ([`MIN_HUNT_FIT`]) loses the tilted certificate of the
/// benchmark's `pair-037`, whose mid-range placement fits 0.62.
const MIN_CERTIFICATE_FIT: f64 = 0.6;
/// The smallest grid equalized (version 2): version 1's timing patterns hold
/// 10 modules, so chance triples in a textured background fit 0.8–0.9 as
/// often as real codes do.
const MIN_EQUALIZE_SIZE: usize = 25;
/// How many of the best-fitting bows are decoded.
const BOWS_DECODED: usize = 2;
/// At most this many triples are sampled and decoded per bitmap, best
/// geometry first (measured over all 520 benchmark codes: 6 and 12 read the
/// same, 4 loses 2; 8 keeps a margin for cluttered photos and costs 7 % less
/// than 12 on hallmark photos, where chance triples in the metal texture
/// follow the real one).
const MAX_TRIPLES: usize = 8;
/// How many of the best triples by geometry are ranked again by their
/// finders' separator rings ([`best_triples`]).
const TRIPLES_RANKED: usize = 3 * MAX_TRIPLES;
/// How much a wholly dark separator ring adds to a triple's score
/// (`grid::triple`'s, where a right isosceles triangle of equal finders
/// scores 0). Measured over the benchmark (scan-bench/RESULTS.md, session
/// 12): the tilted certificate of `certificate_under_strong_perspective`
/// (tests/scan_robustness.rs) ranked 12th by geometry, first so; the same
/// reads on every set as photos and as frames, the generated frames' p90
/// 43 -> 23 ms. A weight of 1 lost a hallmark scanned as a frame.
const SEPARATOR_WEIGHT: f64 = 0.5;
/// At most this many triples with a guessed finder are read per bitmap.
const MAX_INFERRED: usize = 4;

/// Decodes a sampled grid whose timing patterns are plausible.
fn decode_grid(grid: SampledGrid) -> Option<(Vec<u8>, [[f32; 2]; 4])> {
    if !grid.plausible() {
        return None;
    }
    let corners = grid.corners.map(|p| [p[0] as f32, p[1] as f32]);
    let bytes = decode_bits(grid.size(), |y, x| grid.bit(y, x))?;
    Some((bytes, corners))
}

/// Samples a placed grid from the bitmap and decodes it; failing that, from
/// luma (thresholded; see [`read_equalized_placed`] for blurred grids).
fn read_placed(
    bitmap: &Bitmap,
    luma: Option<Luma<'_>>,
    map: &impl ModuleMap,
    size: usize,
) -> Option<(Vec<u8>, [[f32; 2]; 4])> {
    sample_bitmap(bitmap, map, size)
        .and_then(decode_grid)
        .or_else(|| {
            let l = luma?;
            decode_grid(resample(l.plane, l.inverted, map, size)?)
        })
}

/// Reads a placed grid through blur (see `equalize`), when its timing
/// patterns fit well (`fit`, its [`timing_fit`]), as blurred codes' do
/// (measured: every equalized read fitted 0.82 or more).
fn read_equalized_placed(
    l: Luma<'_>,
    map: &impl ModuleMap,
    size: usize,
    fit: f64,
) -> Option<(Vec<u8>, [[f32; 2]; 4])> {
    if fit < MIN_EQUALIZE_FIT || size < MIN_EQUALIZE_SIZE {
        return None;
    }
    read_equalized(l.plane, l.inverted, map, size, decode_grid)
}

/// A small code located but not read, for the pixel-model reader
/// (`model_read`) once every pass has failed.
#[derive(Debug, Clone, Copy)]
pub struct Unread {
    /// Module grid to bitmap pixels, flat (bows are the model's to try).
    pub homography: Homography,
    /// Modules per side.
    pub size: usize,
    /// The placement's timing fit in luma: how code-like it is.
    pub fit: f64,
}

impl Unread {
    /// The same finders read as a code of `size` modules: the module grid
    /// stretched about the finders' centres (3.5 modules in from each
    /// corner), so that they stay where they were found. Blur hides the
    /// timing patterns that tell one size from another.
    pub fn resized(&self, size: usize) -> Option<Unread> {
        if size == self.size {
            return Some(*self);
        }
        let stretch = (self.size as f64 - 7.0) / (size as f64 - 7.0);
        let old = |u: f64| 3.5 + (u - 3.5) * stretch;
        let s = size as f64;
        let from = [[0.0, 0.0], [s, 0.0], [s, s], [0.0, s]];
        let to = from.map(|[u, v]| self.homography.map([old(u), old(v)]));
        Some(Unread {
            homography: Homography::between(from, to)?,
            size,
            fit: self.fit,
        })
    }
}

/// How a bitmap is searched.
#[derive(Debug, Clone, Copy)]
pub struct Search {
    /// Finders along fewer rows (see `finder::find_finders`).
    pub sparse: bool,
    /// When no triple reads, codes with one finder lost are read from the
    /// other two (see `lost_finder`).
    pub guess_lost: bool,
    /// Only guess lost finders, for the pixel model (see [`Unread`]):
    /// guesses judged by their centre stone, every size near the one the
    /// finders imply.
    pub blurred: bool,
    /// Only codes over version 6 whose placement's timing patterns fit at
    /// least [`MIN_HUNT_FIT`]: the hunt for a printed certificate beside a
    /// hallmark, where every other triple is texture.
    pub sharp_large_only: bool,
}

/// The luma a bitmap was made from, for re-reading grids the bitmap fails.
#[derive(Debug, Clone, Copy)]
pub struct Luma<'a> {
    /// The plane at the bitmap's scale.
    pub plane: &'a Plane,
    /// True when the bitmap marks light pixels as modules.
    pub inverted: bool,
}

/// True when `p` lies inside the convex quad `q` (either winding).
fn inside(q: &[[f32; 2]; 4], p: [f64; 2]) -> bool {
    let mut sign = 0.0f64;
    for (i, a) in q.iter().enumerate() {
        let Some(b) = q.get((i + 1) % 4) else {
            return false;
        };
        let (ax, ay) = (f64::from(a[0]), f64::from(a[1]));
        let (bx, by) = (f64::from(b[0]), f64::from(b[1]));
        let cross = (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax);
        if cross * sign < 0.0 {
            return false;
        }
        if cross != 0.0 {
            sign = cross;
        }
    }
    true
}

/// Detects and decodes all codes in the bitmap; with `luma`, grids the bitmap
/// cannot read are sampled again from luma. Finders inside `known` (corners of
/// codes already read, in bitmap pixels) are skipped.
pub fn find_in_bitmap(
    bitmap: &Bitmap,
    luma: Option<Luma<'_>>,
    known: &[[[f32; 2]; 4]],
    search: Search,
) -> Found {
    let mut finders = find_finders(bitmap, search.sparse);
    finders.retain(|f| !known.iter().any(|q| inside(q, [f.x, f.y])));
    let mut used = vec![false; finders.len()];
    let mut found = Found {
        finders: finders.len(),
        module: None,
        ..Found::default()
    };
    // Guessing for the pixel model follows passes that read these triples
    // already.
    let whole = if search.blurred {
        Vec::new()
    } else {
        best_triples(bitmap, &finders)
    };
    for t in &whole {
        let mut sizes = sizes(bitmap, t);
        if search.sharp_large_only {
            sizes.retain(|&size| size > MAX_SMALL_SIZE && sharp(bitmap, luma, t, size));
            if sizes.is_empty() {
                continue;
            }
        }
        read_triple(bitmap, luma, t, sizes, &mut used, &mut found);
    }
    if found.codes.is_empty() && search.guess_lost {
        if let Some(l) = luma {
            let guessing = if search.blurred {
                Guessing::Blurred {
                    plane: l.plane,
                    inverted: l.inverted,
                }
            } else {
                Guessing::Sharp
            };
            for (t, sizes) in inferred_triples(bitmap, &finders, &used, MAX_INFERRED, guessing) {
                if search.blurred {
                    // Placed only: the pixel model reads them.
                    place(bitmap, l, &t, sizes, &mut found.unread);
                    continue;
                }
                read_triple(bitmap, Some(l), &t, sizes, &mut used, &mut found);
            }
        }
    }
    found
}

/// The [`MAX_TRIPLES`] triples worth reading: the best by geometry
/// ([`TRIPLES_RANKED`] of them), ranked again with how dark their finders'
/// separator rings are ([`separator_darkness`], weighted by
/// [`SEPARATOR_WEIGHT`]). A dense code seen at a slant holds chance
/// finder-like patterns in its data whose triples fit as well as its own
/// finders; their rings are half dark.
fn best_triples(bitmap: &Bitmap, finders: &[Finder]) -> Vec<Triple> {
    let mut ranked: Vec<(f64, Triple)> = triples(finders, MAX_CANDIDATES, TRIPLES_RANKED)
        .into_iter()
        .map(|t| {
            (
                t.score + SEPARATOR_WEIGHT * separator_darkness(bitmap, &t),
                t,
            )
        })
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
    ranked
        .into_iter()
        .take(MAX_TRIPLES)
        .map(|(_, t)| t)
        .collect()
}

/// Small codes whose finders defocus has blurred past their rings (see
/// [`BlobTriples`]), placed for the pixel model without reading.
pub fn place_blobs(bitmap: &Bitmap, luma: Luma<'_>, blobs: &BlobTriples) -> Vec<Unread> {
    let mut out = Vec::new();
    for t in blobs.of(luma.inverted) {
        place(bitmap, luma, t, nearby_sizes(t), &mut out);
    }
    out
}

/// Places `t` at each of `sizes` up to version 6 as an [`Unread`] code.
fn place(bitmap: &Bitmap, luma: Luma<'_>, t: &Triple, sizes: Vec<usize>, out: &mut Vec<Unread>) {
    for size in sizes.into_iter().filter(|&s| s <= MAX_SMALL_SIZE) {
        if let Some(h) = placement(bitmap, t, size) {
            let fit = timing_fit(luma.plane, luma.inverted, &h, size);
            out.push(Unread {
                homography: h,
                size,
                fit,
            });
        }
    }
}

/// True when the placement of `t` as `size` modules has timing patterns
/// fitting at least [`MIN_HUNT_FIT`] in luma (placed through the alignment
/// pattern: a parallelogram or the finders' perspective cut a tilted
/// certificate's fit from 1.0 to 0.5 or less, measured on `pair-037`).
fn sharp(bitmap: &Bitmap, luma: Option<Luma<'_>>, t: &Triple, size: usize) -> bool {
    let Some(l) = luma else {
        return false;
    };
    let (from, to) = anchors(bitmap, t, size);
    Homography::between(from, to)
        .is_some_and(|h| timing_fit(l.plane, l.inverted, &h, size) >= MIN_HUNT_FIT)
}

/// Reads the code located by triple `t` (at one of `sizes`) into `found`,
/// marking its finders `used`; skipped when they are used already or lie in
/// a code read here.
fn read_triple(
    bitmap: &Bitmap,
    luma: Option<Luma<'_>>,
    t: &Triple,
    sizes: Vec<usize>,
    used: &mut [bool],
    found: &mut Found,
) {
    // Finders already part of a code read here, or lying inside one (chance
    // patterns in its data), make no other code.
    let inside_read = |p: &[f64; 2]| found.codes.iter().any(|c| inside(&c.corners, *p));
    if t.members.iter().any(|&m| used.get(m) == Some(&true)) || t.centres.iter().any(inside_read) {
        return;
    }
    found.located += 1;
    if found.region.is_none() {
        let m = t.module * 4.0;
        found.region = bounding_box(&t.centres).map(|b| [b[0] - m, b[1] - m, b[2] + m, b[3] + m]);
        found.module = Some(t.module);
    }
    // The best timing fit of the placements over version 6 that did not
    // read (0 for none).
    let mut large_fit = 0.0_f64;
    for &size in &sizes {
        let read = read_sized(bitmap, luma, t, size, &mut found.unread, &mut large_fit);
        if let Some((bytes, corners)) = read {
            for &m in &t.members {
                if let Some(u) = used.get_mut(m) {
                    *u = true;
                }
            }
            found.codes.push(code_from_bytes(bytes, corners));
            return;
        }
    }
    // Only a large location whose timing patterns fit like a code's counts
    // as a certificate left unread: chance triples in a hallmark's metal
    // texture are large too.
    if large_fit >= MIN_CERTIFICATE_FIT {
        found.unread_large += 1;
    }
}

/// Reads the code located by `t` as `size` modules: placed flat, then (as
/// its size and timing fit allow) refined, bent, bowed and equalized.
fn read_sized(
    bitmap: &Bitmap,
    luma: Option<Luma<'_>>,
    t: &Triple,
    size: usize,
    unread: &mut Vec<Unread>,
    large_fit: &mut f64,
) -> Option<(Vec<u8>, [[f32; 2]; 4])> {
    let (from, to) = anchors(bitmap, t, size);
    let h = Homography::between(from, to)?;
    // The flat placement's timing fit, computed once for the gates
    // below and only when the thresholded reads fail.
    let flat_fit = OnceCell::new();
    let fit_of_h =
        |l: Luma<'_>| *flat_fit.get_or_init(|| timing_fit(l.plane, l.inverted, &h, size));
    // The refined placement, when refining moved it, and the bows
    // decoded, best first, each with its fit, for equalizing.
    let mut refined_h: Option<(f64, Homography)> = None;
    let mut best_bows: Vec<(f64, bow::Bent)> = Vec::new();
    let read = read_placed(bitmap, luma, &h, size)
        .or_else(|| {
            // Small codes: anchors nudged to the sharpest grid.
            let l = luma.filter(|_| size <= MAX_SMALL_SIZE)?;
            if fit_of_h(l) < MIN_REFINE_FIT {
                return None;
            }
            let refined = refine(l.plane, from, to, size)?;
            if refined == h {
                return None;
            }
            refined_h = Some((timing_fit(l.plane, l.inverted, &refined, size), refined));
            read_placed(bitmap, luma, &refined, size)
        })
        .or_else(|| {
            // Bent codes: a homography per cell of the alignment grid.
            let l = luma.filter(|_| size > MAX_SMALL_SIZE)?;
            if fit_of_h(l) < MIN_PIECEWISE_FIT {
                return None;
            }
            read_placed(bitmap, luma, &piecewise(bitmap, &h, size)?, size)
        })
        .or_else(|| {
            // Small codes on curved metal: a bow along either axis.
            // Only the bows whose timing patterns fit best are decoded.
            let l = luma.filter(|_| size <= MAX_SMALL_SIZE)?;
            best_bows = bow::variants(h, size)
                .map(|b| (timing_fit(l.plane, l.inverted, &b, size), b))
                .collect();
            best_bows.sort_by(|a, b| b.0.total_cmp(&a.0));
            best_bows.truncate(BOWS_DECODED);
            best_bows
                .iter()
                .find_map(|(_, b)| read_placed(bitmap, luma, b, size))
        })
        // Last, the costliest: blurred codes, equalized, as placed, as
        // refined and as bowed (blurred hallmarks on curved metal need
        // them all: measured on the committed regression images).
        .or_else(|| {
            let l = luma?;
            read_equalized_placed(l, &h, size, fit_of_h(l))
                .or_else(|| {
                    let (fit, refined) = refined_h?;
                    read_equalized_placed(l, &refined, size, fit)
                })
                .or_else(|| {
                    best_bows
                        .iter()
                        .find_map(|(fit, b)| read_equalized_placed(l, b, size, *fit))
                })
        });
    // Large placements' fits are known by now (the bent read's gate).
    if let (None, Some(l), true) = (&read, luma, size > MAX_SMALL_SIZE) {
        let fit = fit_of_h(l);
        let code_like = || {
            let placed = Unread {
                homography: h,
                size,
                fit,
            };
            is_finder_like(finder_likeness(l.plane, l.inverted, &placed))
        };
        if fit >= MIN_CERTIFICATE_FIT && code_like() {
            *large_fit = large_fit.max(fit);
        }
    }
    if read.is_none() && size <= MAX_SMALL_SIZE {
        if let Some(l) = luma {
            unread.push(Unread {
                homography: h,
                size,
                fit: fit_of_h(l),
            });
        }
    }
    read
}

#[cfg(test)]
mod tests {
    use super::inside;

    #[test]
    fn inside_a_rotated_quad() {
        let q = [[5.0, 0.0], [10.0, 5.0], [5.0, 10.0], [0.0, 5.0]];
        assert!(inside(&q, [5.0, 5.0]));
        assert!(inside(&q, [8.0, 5.0]));
        assert!(!inside(&q, [1.0, 1.0]));
        assert!(!inside(&q, [11.0, 5.0]));
        let reversed = [q[3], q[2], q[1], q[0]];
        assert!(inside(&reversed, [5.0, 5.0]));
        assert!(!inside(&reversed, [9.0, 9.0]));
    }
}
