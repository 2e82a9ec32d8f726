//! Capture diagnostics: when no Touchmark code was read, say why in terms a
//! person can act on (move closer, hold still, tilt away from the light).

use super::plane::Plane;
use super::{CaptureProblem, CodeKind, ScannedCode};

/// A located code whose module is under this many input pixels is too small to read reliably: move closer.
pub const SMALL_MODULE: f64 = 2.5;
/// Below this sharpness (see [`sharpness`]) an image counts as blurred.
pub const BLUR_SHARPNESS: f64 = 0.05;
/// Above this fraction of saturated pixels (over the located code, or the
/// whole image when nothing was located), glare is suspected.
pub const GLARE_FRACTION: f64 = 0.01;

/// A sighted code (see [`Sighting`]) whose format modules read within this
/// many soft misses (of 30) of a valid format is a code for certain: of the
/// generated hallmarks photos leave unread (seeds 7–10), 12 of 40 read
/// their format 3.7–5.9 misses from one at the placement the last resort
/// chose (two more 6.8 and 7.3); chance placements on 120 1080p frames
/// with no code (seeds 14, 15, 17, as photos and as streams), 6.96 at the
/// least, then 7.7 and up (scan-bench/RESULTS.md, session 14).
pub const SIGHTED_FORMAT_MISSES: f64 = 6.0;
/// A code sighted for certain with modules under this many input pixels is
/// too small: move closer. Generated hallmarks of 5 px per module and more
/// (170 px a side) read, 204 of 205; the 12 sighted unread have modules of
/// 2.6–3.8 px.
pub const CLOSER_MODULE: f64 = 4.0;

/// The placement the last resort modelled pixel by pixel and could not
/// read, the one whose format came nearest a valid format.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sighting {
    /// Soft misses of its format modules (both copies) from the nearest
    /// valid format, 0 to 30 (see `model_read::Survey`).
    pub format_misses: f64,
    /// Its module, in input pixels.
    pub module: f64,
}

impl Sighting {
    /// True when its format makes it a code for certain
    /// ([`SIGHTED_FORMAT_MISSES`]).
    pub fn is_certain(&self) -> bool {
        self.format_misses <= SIGHTED_FORMAT_MISSES
    }
}

/// What the pipeline saw, for diagnosis.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Evidence {
    /// Code locations found (three finders that fit together).
    pub located: usize,
    /// False when every location was a chance pattern in the scene: none
    /// looks like a code's finders in luma (`template_fit::finder_likeness`).
    /// A location then never makes the problem [`CaptureProblem::Unreadable`].
    pub code_like: bool,
    /// Finder-pattern candidates found, at any scale.
    pub finders: usize,
    /// The module size of the first code Touchmark's detector located (the
    /// best-fitting finder triple of the first pass that located one), in
    /// input pixels. Not the smallest of all: chance triples in a textured
    /// background are small.
    pub module: Option<f64>,
    /// Where a code was located, in input pixels (x0, y0, x1, y1).
    pub region: Option<[f64; 4]>,
    /// How many times the plane given to [`diagnose`] was halved from the input.
    pub coarse_level: usize,
    /// The last resort's nearest miss, when it ran and read nothing.
    pub sighting: Option<Sighting>,
}

/// Mean absolute difference between neighbouring pixels over the strongest
/// tenth of edges, divided by the image's luma range: near 0.5 for crisp
/// edges, far lower when blurred.
pub fn sharpness(plane: &Plane) -> f64 {
    let (w, h) = (plane.width, plane.height);
    if w < 3 || h < 3 {
        return 1.0;
    }
    let mut counts = Histograms::default();
    let (mut lo, mut hi) = (255u8, 0u8);
    for row in plane.data.chunks_exact(w) {
        // Every pixel but the row's last, against its right neighbour.
        let left = row.get(..w - 1).unwrap_or(&[]);
        lo = lo.min(left.iter().copied().min().unwrap_or(255));
        hi = hi.max(left.iter().copied().max().unwrap_or(0));
        counts.add(
            left.iter()
                .zip(row.iter().skip(1))
                .map(|(a, b)| a.abs_diff(*b)),
        );
    }
    let hist = counts.total();
    if hi.saturating_sub(lo) < 24 {
        return 1.0; // flat: nothing to be blurred
    }
    let range = f64::from(hi.saturating_sub(lo));
    let total: u32 = hist.iter().sum();
    // The mean of the top 10 % of gradients.
    let mut need = (total / 10).max(1);
    let mut sum = 0.0;
    let mut count = 0.0;
    for (g, &n) in hist.iter().enumerate().rev() {
        let take = n.min(need);
        sum += g as f64 * f64::from(take);
        count += f64::from(take);
        need -= take;
        if need == 0 {
            break;
        }
    }
    if count == 0.0 {
        return 0.0;
    }
    sum / count / range
}

/// Fraction of pixels at or near saturation, within `region` (plane pixels)
/// when given, counted only when they stand out: if the typical light level
/// (70th percentile) is itself near white, the image is simply bright or
/// digital, not glared, and the answer is 0.
pub fn saturated_fraction(plane: &Plane, region: Option<[f64; 4]>) -> f64 {
    let (w, h) = (plane.width, plane.height);
    let [x0, y0, x1, y1] = region.unwrap_or([0.0, 0.0, w as f64, h as f64]);
    let clamp = |v: f64, hi: usize| (v.max(0.0) as usize).min(hi);
    let (x0, x1) = (clamp(x0, w), clamp(x1, w));
    let (y0, y1) = (clamp(y0, h), clamp(y1, h));
    let mut counts = Histograms::default();
    for y in y0..y1 {
        if let Some(row) = plane.data.get(y * w + x0..y * w + x1) {
            counts.add(row.iter().copied());
        }
    }
    let hist = counts.total().map(|n| n as usize);
    let all: usize = hist.iter().sum();
    if all == 0 {
        return 0.0;
    }
    let mut below = 0;
    let mut p70 = 255;
    for (v, &n) in hist.iter().enumerate() {
        below += n;
        if below * 10 >= all * 7 {
            p70 = v;
            break;
        }
    }
    if p70 >= 235 {
        return 0.0;
    }
    let n: usize = hist.get(250..).map_or(0, |s| s.iter().sum());
    n as f64 / all as f64
}

/// Four histograms of byte values filled in turn and summed at the end: a
/// single one stalls on runs of equal values (flat or blurred frames),
/// each increment waiting for the last to be stored.
struct Histograms([[u32; 256]; 4]);

impl Default for Histograms {
    fn default() -> Self {
        Self([[0; 256]; 4])
    }
}

impl Histograms {
    fn add(&mut self, values: impl Iterator<Item = u8>) {
        let [h0, h1, h2, h3] = &mut self.0;
        let mut values = values.peekable();
        while values.peek().is_some() {
            for hist in [&mut *h0, &mut *h1, &mut *h2, &mut *h3] {
                match values.next() {
                    Some(v) => {
                        if let Some(slot) = hist.get_mut(usize::from(v)) {
                            *slot += 1;
                        }
                    }
                    None => break,
                }
            }
        }
    }

    fn total(&self) -> [u32; 256] {
        let mut out = [0u32; 256];
        for hist in &self.0 {
            for (o, n) in out.iter_mut().zip(hist) {
                *o += n;
            }
        }
        out
    }
}

/// The problem to report, or None when a Touchmark code was read.
pub fn diagnose(
    codes: &[ScannedCode],
    evidence: Evidence,
    plane: &Plane,
) -> Option<CaptureProblem> {
    if codes.iter().any(|c| c.kind != CodeKind::Other) {
        return None;
    }
    if !codes.is_empty() {
        return Some(CaptureProblem::NotTouchmark);
    }
    let scale = f64::from(1u32 << evidence.coarse_level.min(16));
    let region = evidence.region.map(|r| r.map(|v| v / scale));
    // Each measured only when the answer turns on it (a whole 1080p frame
    // is a few milliseconds each, on every camera frame).
    let glare = || saturated_fraction(plane, region) > GLARE_FRACTION;
    let blurred = || sharpness(plane) < BLUR_SHARPNESS;
    // A code for certain, modelled and unread: its own module size says
    // whether coming closer helps.
    let sighted = evidence.sighting.filter(Sighting::is_certain);
    let small = evidence.module.is_some_and(|m| m < SMALL_MODULE)
        || sighted.is_some_and(|s| s.module < CLOSER_MODULE);
    Some(if evidence.located > 0 || sighted.is_some() {
        // A code of a pixel or two per module also looks blurred: size
        // first, so the advice is to move closer.
        if glare() {
            CaptureProblem::GlareSuspected
        } else if small {
            CaptureProblem::TooSmall
        } else if blurred() {
            CaptureProblem::TooBlurred
        } else if evidence.code_like || sighted.is_some() {
            CaptureProblem::Unreadable
        } else {
            CaptureProblem::NoCodeFound
        }
    } else if blurred() {
        CaptureProblem::TooBlurred
    } else if evidence.finders > 0 && glare() {
        CaptureProblem::GlareSuspected
    } else {
        CaptureProblem::NoCodeFound
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::test_render::checkerboard;

    fn checker(w: usize, h: usize, cell: usize) -> Plane {
        checkerboard(w, h, cell, 20, 230)
    }

    #[test]
    fn split_histograms_count_like_one() {
        // 1027 values: not a multiple of the four histograms, in two calls.
        let values: Vec<u8> = (0..1027u32).map(|i| (i * 37 % 251) as u8).collect();
        let mut plain = [0u32; 256];
        for &v in &values {
            plain[usize::from(v)] += 1;
        }
        let mut split = Histograms::default();
        let (a, b) = values.split_at(513);
        split.add(a.iter().copied());
        split.add(b.iter().copied());
        assert_eq!(split.total(), plain);
    }

    #[test]
    fn sharp_checker_is_sharp_and_blurred_is_not() {
        let sharp = checker(64, 64, 8);
        assert!(sharpness(&sharp) > 0.5);
        // A smooth ramp has tiny neighbour differences.
        let ramp = Plane {
            data: (0..64 * 64).map(|i| ((i % 64) * 3 + 20) as u8).collect(),
            width: 64,
            height: 64,
        };
        assert!(sharpness(&ramp) < BLUR_SHARPNESS);
    }

    #[test]
    fn chance_locations_are_no_code_and_code_like_ones_unreadable() {
        let plane = checker(100, 100, 10);
        let evidence = Evidence {
            located: 3,
            module: Some(4.0),
            ..Evidence::default()
        };
        let problem = |code_like| {
            let evidence = Evidence {
                code_like,
                ..evidence
            };
            diagnose(&[], evidence, &plane)
        };
        assert_eq!(problem(false), Some(CaptureProblem::NoCodeFound));
        assert_eq!(problem(true), Some(CaptureProblem::Unreadable));
    }

    #[test]
    fn a_code_sighted_for_certain_says_how_to_read_it() {
        // Sharp and unglared, and nothing the passes located: only the
        // last resort's nearest miss tells a code is there.
        let plane = checker(100, 100, 10);
        let problem = |format_misses, module| {
            let evidence = Evidence {
                sighting: Some(Sighting {
                    format_misses,
                    module,
                }),
                ..Evidence::default()
            };
            diagnose(&[], evidence, &plane)
        };
        assert_eq!(problem(4.0, 3.0), Some(CaptureProblem::TooSmall));
        assert_eq!(problem(4.0, 6.0), Some(CaptureProblem::Unreadable));
        // A format as far from a valid one as chance gets: no code.
        assert_eq!(problem(7.0, 3.0), Some(CaptureProblem::NoCodeFound));
    }

    #[test]
    fn blank_is_no_code() {
        let plane = Plane {
            data: vec![128; 100 * 100],
            width: 100,
            height: 100,
        };
        let problem = diagnose(&[], Evidence::default(), &plane);
        assert_eq!(problem, Some(CaptureProblem::NoCodeFound));
    }
}
