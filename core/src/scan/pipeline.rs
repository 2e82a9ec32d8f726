//! The scanning strategy: which binarizations, scales and polarities to try,
//! in which order, and when to stop. Each binarization runs at the coarse
//! level (at most 2048 px) and then at finer levels, dark-on-light then
//! light-on-dark, until something is read; then, for photos, a short hunt for
//! the partner of a lone certificate or hallmark.

use super::binarize::{binarize_both, Bitmap, Threshold};
use super::blob_finder::BlobTriples;
use super::detector;
use super::diagnose::Sighting;
use super::last_resort::{read_most_code_like, Candidate};
use super::midrange::{contrasty_share, Midrange, MidrangeField};
use super::plane::Plane;
use super::rqrr_bitmap;
use super::template_fit;
use super::{CodeKind, ScannedCode};

/// The longest side the first (coarsest) attempt works at: 1080p frames and
/// 2K photos are scanned at full resolution first (their certificate modules
/// are often under 3 px after halving; measured: +7 reads of 120 on the
/// synthetic pair and frame sets against 1024), 12 MP photos are halved.
const COARSE_SIDE: usize = 2048;
/// The shortest side worth scanning at all.
const MIN_SIDE: usize = 21;

/// What the attempts found, for diagnostics.
#[derive(Debug, Default)]
pub struct PipelineResult {
    /// Distinct codes read, corners in the input's pixel coordinates.
    pub codes: Vec<ScannedCode>,
    /// The most code locations any one attempt found.
    pub located: usize,
    /// Code locations of more than 41 modules left unread, over all attempts.
    pub unread_large: usize,
    /// True when nothing was read and no small placement left unread looks
    /// like a code's finders (see [`template_fit::is_finder_like`]):
    /// the small locations were chance patterns in the scene. (Large ones
    /// count in [`PipelineResult::unread_large`] only when they look like
    /// codes.)
    pub chance_only: bool,
    /// The most finder candidates any one attempt found.
    pub finders: usize,
    /// The module size of the first code located, in input pixels.
    pub module: Option<f64>,
    /// Where the first code was located, in input pixels (x0, y0, x1, y1).
    pub region: Option<[f64; 4]>,
    /// How many times the returned coarse plane was halved.
    pub coarse_level: usize,
    /// Small codes located and not read: pyramid level, polarity, placement
    /// in that level's pixels.
    pub unread: Vec<Candidate>,
    /// The last resort's nearest miss, when it ran and read nothing.
    pub sighting: Option<Sighting>,
}

/// How one pass turns luma into a bitmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Binarizer {
    /// Against the local mean.
    Mean {
        /// The window is the shorter side divided by this.
        window_div: usize,
        /// Threshold box means of this radius rather than pixels (noisy,
        /// low-contrast metal); 0 for none.
        smooth: usize,
    },
    /// Against the mid-range of the surrounding blocks.
    Midrange {
        /// Block side, pixels.
        block: usize,
        /// Blocks pooled on each side.
        reach: usize,
        /// Box-smoothing radius first.
        smooth: usize,
    },
}

/// One binarize-and-detect pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Attempt {
    /// Index into the pyramid: level `k` is the input halved `k` times.
    level: usize,
    inverted: bool,
    binarizer: Binarizer,
}

/// Builds the pyramid: the input, then halves down to the coarse size.
fn pyramid(plane: Plane) -> Vec<Plane> {
    let mut levels = vec![plane];
    while let Some(last) = levels.last() {
        if last.width.max(last.height) <= COARSE_SIDE || last.width.min(last.height) / 2 < MIN_SIDE
        {
            break;
        }
        let next = last.half();
        levels.push(next);
    }
    levels
}

/// The binarizations tried in order until something is read (see
/// scan-bench/RESULTS.md for what each bought).
const PASSES: [Binarizer; 6] = [
    MIDRANGE,
    LOCAL_MEAN,
    Binarizer::Mean {
        window_div: 40,
        smooth: 0,
    },
    Binarizer::Mean {
        window_div: 16,
        smooth: 1,
    },
    FINE_MIDRANGE,
    // Unsmoothed mid-ranges, last: they read the one benchmark frame every
    // other pass misses (a 1080p certificate under strong uneven light,
    // noise and JPEG); as the first pass they lost 9 pair codes.
    Binarizer::Midrange {
        block: 6,
        reach: 1,
        smooth: 0,
    },
];

/// Local means over a sixteenth of the image: the second pass, and the one
/// that looks for a certificate beside a hallmark.
const LOCAL_MEAN: Binarizer = Binarizer::Mean {
    window_div: 16,
    smooth: 0,
};

/// True when rqrr's fallback detector runs after a pass with `binarizer`
/// that read nothing: for photos (`all_codes`) only, after every pass but
/// the fine-block one. Camera frames never run it: over the benchmark's
/// images scanned as frames it read one code our detector does not
/// (zxing-cpp's `30a`, a code warped to a sliver), and on frames with no
/// code in view, what a camera loop mostly sees, it was about a third of
/// the scan (scan-bench/RESULTS.md, session 12); the next frame comes
/// anyway.
fn fallback_after(binarizer: Binarizer, all_codes: bool) -> bool {
    all_codes && binarizer != FINE_MIDRANGE
}

/// Finer blocks: steep glare gradients on small hallmarks. rqrr's fallback
/// is not run on its bitmaps: over the benchmark's 974 images it read
/// nothing there that no other bitmap gave it, and on frames with no code
/// in view it cost about a tenth of the scan (`gen --groups empty`).
const FINE_MIDRANGE: Binarizer = Binarizer::Midrange {
    block: 4,
    reach: 1,
    smooth: 1,
};

/// Smoothed block mid-ranges: blocks of 6 px pooled 3×3 (an 18 px window,
/// a few modules of a small hallmark).
const MIDRANGE: Binarizer = Binarizer::Midrange {
    block: 6,
    reach: 1,
    smooth: 1,
};

/// The largest level the hallmark hunt works at, in pixels (4 MP).
const HUNT_PIXELS: usize = 4 << 20;

/// The binarization of the hallmark hunt.
const HUNT_BINARIZER: Binarizer = MIDRANGE;

/// Blocks (pixels a side) and grey levels of the print test
/// ([`holds_print`]).
const PRINT_BLOCK: usize = 6;
const PRINT_CONTRAST: u8 = 96;
/// The least share of such blocks that makes a photo look like it holds
/// print: measured over 400 generated hallmark photos alone on metal, at most
/// 2.3 % (glare edges); photos of a certificate with its hallmark 6.3 % and
/// more, but for one whose certificate was read first anyway (0.2 %).
const PRINT_SHARE: f64 = 0.03;

/// Block mid-ranges closer than this are flat background.
const MIDRANGE_MIN_CONTRAST: u8 = 12;

/// How many passes follow the first.
pub const LATER_PASSES: usize = PASSES.len() - 1;

/// Which of the passes a scan runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passes {
    /// Every pass in turn until one reads: a photo, or a single frame.
    All,
    /// The first pass, which reads most codes, and then only the later pass
    /// of this index (modulo [`LATER_PASSES`]): a camera stream's share of
    /// the work for one frame (see `stream`).
    FirstAnd(usize),
}

impl Passes {
    /// True when the pass at `index` of [`PASSES`] is run.
    fn includes(self, index: usize) -> bool {
        match self {
            Passes::All => true,
            Passes::FirstAnd(later) => index == 0 || index == 1 + later % LATER_PASSES,
        }
    }
}

/// How much of the pipeline one scan runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Look for every code, as a photo deserves: the partner hunt and
    /// rqrr's fallback (see `ScanOptions::all_codes`).
    pub all_codes: bool,
    /// Which passes.
    pub passes: Passes,
    /// What runs when no pass reads a code: nothing, or the last resort.
    pub last_resort: Option<LastResort>,
}

impl Plan {
    /// A photo: every pass, every code, the full last resort.
    pub const PHOTO: Plan = Plan {
        all_codes: true,
        passes: Passes::All,
        last_resort: Some(LastResort::Full),
    };
    /// One camera frame: every pass until one reads, nothing more.
    pub const FRAME: Plan = Plan {
        all_codes: false,
        passes: Passes::All,
        last_resort: None,
    };
}

/// How far the last resort goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastResort {
    /// Photos: also blurred finders found by their radial profile, and the
    /// most promising placement aligned to its pixels (up to seconds).
    Full,
    /// A stream's frame, and only when a placement the passes left looks
    /// like a code's finders: the placements the passes and the lost-finder
    /// guesses give, read as placed (a few hundred milliseconds at most).
    Placed,
}

fn attempts(levels: usize, passes: Passes) -> Vec<Attempt> {
    let coarse = levels.saturating_sub(1);
    let mut out = Vec::new();
    for (_, binarizer) in PASSES
        .into_iter()
        .enumerate()
        .filter(|&(index, _)| passes.includes(index))
    {
        for level in (0..=coarse).rev() {
            for inverted in [false, true] {
                out.push(Attempt {
                    level,
                    inverted,
                    binarizer,
                });
            }
        }
    }
    out
}

/// The passes that look for a hallmark next to a certificate already read:
/// hallmarks are small, often light-on-dark, low-contrast metal, so the finest
/// level, both polarities, smoothed block mid-ranges.
fn hallmark_hunt(levels: &[Plane]) -> Vec<Attempt> {
    // The finest level holding at most HUNT_PIXELS: a hallmark big enough to
    // read in a 12 MP photo still has 1.5 px per module at half size, and
    // hunting at full size cost 2× zxing-cpp's whole scan there.
    let level = levels
        .iter()
        .position(|l| l.width * l.height <= HUNT_PIXELS)
        .unwrap_or(levels.len().saturating_sub(1));
    [true, false]
        .map(|inverted| Attempt {
            level,
            inverted,
            binarizer: HUNT_BINARIZER,
        })
        .to_vec()
}

/// The passes that look for the certificate next to a hallmark already read:
/// certificates are printed dark-on-light, large and sharp, so the local-mean
/// pass at the coarse level reads them when the mid-range one did not.
fn certificate_hunt(levels: &[Plane]) -> Vec<Attempt> {
    vec![Attempt {
        level: levels.len().saturating_sub(1),
        inverted: false,
        binarizer: LOCAL_MEAN,
    }]
}

/// True when the coarse level looks like it holds print: at least
/// [`PRINT_SHARE`] of its blocks span [`PRINT_CONTRAST`] grey levels, as
/// black ink on white paper does and etched metal does not. A certificate
/// the passes did not even locate beside a hallmark they read is hunted
/// only then (see [`PRINT_SHARE`] for the measurements).
fn holds_print(levels: &[Plane]) -> bool {
    levels
        .last()
        .is_some_and(|coarse| contrasty_share(coarse, PRINT_BLOCK, PRINT_CONTRAST) >= PRINT_SHARE)
}

/// What one kind of code read alone says is still worth looking for: a
/// certificate's hallmark, or a hallmark's certificate.
fn missing_partner(codes: &[ScannedCode]) -> Option<CodeKind> {
    let certificate = codes.iter().any(|c| c.kind == CodeKind::Certificate);
    let hallmark = codes.iter().any(|c| c.kind == CodeKind::Hallmark);
    match (certificate, hallmark) {
        (true, false) => Some(CodeKind::Hallmark),
        (false, true) => Some(CodeKind::Certificate),
        _ => None,
    }
}

/// Runs the attempts of `plan`'s passes over a plane until something is read
/// (and, with `all_codes`, hunts for the partner of a lone certificate or
/// hallmark and runs rqrr's fallback after every pass); when nothing read,
/// the plan's last resort. Also returns the coarsest pyramid level, for
/// diagnostics.
pub fn run(plane: Plane, plan: Plan) -> (PipelineResult, Plane) {
    let Plan {
        all_codes, passes, ..
    } = plan;
    let levels = pyramid(plane);
    let mut result = PipelineResult::default();
    let mut cache = FieldCache::default();
    let mut tried = Vec::new();
    // rqrr's fallback on a dark-on-light mid-range bitmap waits until the
    // light-on-dark bitmap from the same field has been searched too: most
    // light-on-dark hallmarks are read there, and the fallback costs more.
    let mut deferred: Option<(Attempt, Bitmap)> = None;
    for attempt in attempts(levels.len(), passes) {
        // Most codes are read in the first pass: it searches sparse rows.
        let first_pass = attempt.binarizer == MIDRANGE;
        let search = detector::Search {
            sparse: first_pass,
            guess_lost: false,
            blurred: false,
            sharp_large_only: false,
        };
        let fallback_due = try_attempt(&levels, attempt, search, &mut cache, &mut result);
        tried.push(attempt);
        if let Some(bitmap) = fallback_due.filter(|_| fallback_after(attempt.binarizer, all_codes))
        {
            let midrange = matches!(attempt.binarizer, Binarizer::Midrange { .. });
            if midrange && !attempt.inverted {
                deferred = Some((attempt, bitmap));
            } else {
                if let Some((earlier, earlier_bitmap)) = deferred.take() {
                    try_fallback(&earlier_bitmap, earlier, &mut result);
                }
                // On the later passes' light-on-dark bitmaps rqrr's detector
                // read nothing (0 of 111 runs over the benchmark's 520
                // codes), so it runs there only for the first pass.
                if result.codes.is_empty() && (first_pass || !attempt.inverted) {
                    try_fallback(&bitmap, attempt, &mut result);
                }
            }
        }
        if !result.codes.is_empty() {
            break;
        }
    }
    let missing = missing_partner(&result.codes).filter(|_| all_codes);
    let hunt = match missing {
        Some(CodeKind::Hallmark) => hallmark_hunt(&levels),
        // Only where a large location that fits like a code was left unread
        // or the photo holds print: a hallmark alone on metal is not worth a
        // pass. (Any large location sent 40 % of lone hallmark photos on,
        // chance triples in their texture: the hallmark sets' medians fell
        // 21-31 % in one A/B run without them (scan-bench/RESULTS.md,
        // session 10), the same reads on every set, and a fresh
        // pair set, `gen --count 40 --seed 11 --small`, read one more.)
        Some(_) if result.unread_large > 0 || holds_print(&levels) => certificate_hunt(&levels),
        _ => Vec::new(),
    };
    for attempt in hunt {
        if tried.contains(&attempt) {
            continue;
        }
        // Something was read, so no fallback is due. A hallmark beside a
        // certificate may have a finder under glare: its other two are
        // completed (only here: elsewhere, measured over the benchmark, it
        // read nothing more and cost up to 46 % more instructions).
        let search = detector::Search {
            sparse: false,
            guess_lost: missing == Some(CodeKind::Hallmark),
            blurred: false,
            sharp_large_only: missing == Some(CodeKind::Certificate),
        };
        let _ = try_attempt(&levels, attempt, search, &mut cache, &mut result);
        if missing_partner(&result.codes).is_none() {
            break;
        }
    }
    // Nothing read: the pixel model. (A certificate without its hallmark is
    // common, a photo of the card alone: there, measured, the blob search
    // cost a certificate's median 30x for 2 more pair codes of 80.)
    if result.codes.is_empty() {
        if plan.last_resort == Some(LastResort::Full) {
            model_unread(&levels, &mut cache, &mut result, LastResort::Full);
        } else {
            let code_like =
                |c: &Candidate| template_fit::is_finder_like(finder_likeness(&levels, c));
            result.chance_only = !result.unread.iter().any(code_like);
            // Gated on the finder likeness: frames with no code in view skip
            // it (40 of seed 14: median 72.6 against 76.6 ms, 122 ms ungated).
            if plan.last_resort == Some(LastResort::Placed) && !result.chance_only {
                model_unread(&levels, &mut cache, &mut result, LastResort::Placed);
            }
        }
    }
    result.coarse_level = levels.len().saturating_sub(1);
    let mut levels = levels;
    let coarse = levels.pop().unwrap_or(Plane {
        data: Vec::new(),
        width: 0,
        height: 0,
    });
    (result, coarse)
}

/// The last resort where nothing was read (see `last_resort`): small codes
/// completed from two finders and (for photos, [`LastResort::Full`]) codes
/// found by their finders' radial profile through blur, then the small
/// codes the passes located, most code-like by timing first; aligned to
/// their pixels for photos only.
fn model_unread(
    levels: &[Plane],
    cache: &mut FieldCache,
    result: &mut PipelineResult,
    depth: LastResort,
) {
    let coarse = levels.len().saturating_sub(1);
    let Some(level) = levels.get(coarse) else {
        return;
    };
    let mut found_here = Vec::new();
    let blob_triples = match depth {
        LastResort::Full => BlobTriples::find(level),
        LastResort::Placed => BlobTriples::default(),
    };
    for inverted in [true, false] {
        let attempt = Attempt {
            level: coarse,
            inverted,
            binarizer: MIDRANGE,
        };
        let bitmap = bitmap_for(level, attempt, cache);
        let luma = detector::Luma {
            plane: level,
            inverted,
        };
        let search = detector::Search {
            sparse: false,
            guess_lost: true,
            blurred: true,
            sharp_large_only: false,
        };
        let guessed = detector::find_in_bitmap(&bitmap, Some(luma), &[], search).unread;
        let blobs = detector::place_blobs(&bitmap, luma, &blob_triples);
        found_here.extend(
            guessed
                .into_iter()
                .chain(blobs)
                .map(|u| (coarse, inverted, u)),
        );
    }
    let mut earlier = std::mem::take(&mut result.unread);
    earlier.sort_by(|a, b| b.2.fit.total_cmp(&a.2.fit));
    found_here.extend(earlier);
    let mut rated: Vec<(f64, Candidate)> = found_here
        .into_iter()
        .map(|c| (finder_likeness(levels, &c), c))
        .collect();
    // Whether any placement looks like a code's finders tells the
    // diagnosis; it cannot tell what to read: a blurred hallmark the pixel
    // model read scored 0.46, chance placements on empty frames up to 0.45.
    result.chance_only = !rated
        .iter()
        .any(|(likeness, _)| template_fit::is_finder_like(*likeness));
    // The guesses stay first otherwise (ordered by timing alone, 160
    // generated hallmarks read 1 more and lost 4; by finder likeness alone,
    // 400 read 3 more and lost 2), but the placement most finder-like and
    // the one best timed are each worth one of the few places the last
    // resort prepares, wherever they came from.
    move_the_best_first(&mut rated, |r| r.0);
    move_the_best_first(&mut rated, |r| r.1 .2.fit);
    let candidates = rated.into_iter().map(|(_, c)| c).collect();
    let align = depth == LastResort::Full;
    let reading = read_most_code_like(levels, candidates, align);
    result.codes.extend(reading.code);
    result.sighting = reading.sighting;
}

/// How finder-like the luma is where a candidate puts its finders
/// (`template_fit::finder_likeness`), at its pyramid level.
fn finder_likeness(levels: &[Plane], c: &Candidate) -> f64 {
    levels
        .get(c.0)
        .map_or(0.0, |plane| template_fit::finder_likeness(plane, c.1, &c.2))
}

/// Moves the candidate that `score` rates highest (the first of equals;
/// NaN never) to the front, the others keeping their order. Measured on
/// generated hallmarks: the best-timed first read 1 more of 160 and 3 of
/// 120 never tuned on (`--seed 9`); the most finder-like first (see
/// `template_fit::finder_likeness`) 1 more in each of two sets never tuned
/// on (`--seed 9`, `--seed 10`), none lost.
fn move_the_best_first<T>(candidates: &mut [T], score: impl Fn(&T) -> f64) {
    let best = candidates
        .iter()
        .enumerate()
        .map(|(k, c)| (k, score(c)))
        .filter(|(_, s)| !s.is_nan())
        .fold(None::<(usize, f64)>, |best, (k, s)| match best {
            Some((_, top)) if s <= top => best,
            _ => Some((k, s)),
        });
    if let Some((k, _)) = best {
        if let Some(front) = candidates.get_mut(..=k) {
            front.rotate_right(1);
        }
    }
}

/// Binarizations kept for the same level's other polarity, each with the
/// (level, binarizer) it was built for: the last mid-range field (both
/// polarities come from it), and the light-on-dark bitmap a local-mean pass
/// made along with its dark-on-light one (one set of window sums serves
/// both: they were a fifth of a frame's scan with no code in view).
#[derive(Default)]
struct FieldCache {
    midrange: Option<((usize, Binarizer), MidrangeField)>,
    inverted_mean: Option<((usize, Binarizer), Bitmap)>,
}

/// Binarizes one pyramid level as the attempt says.
fn bitmap_for(level: &Plane, attempt: Attempt, cache: &mut FieldCache) -> Bitmap {
    match attempt.binarizer {
        Binarizer::Mean { window_div, smooth } => {
            let key = (attempt.level, attempt.binarizer);
            if attempt.inverted {
                if let Some((cached, bitmap)) = cache.inverted_mean.take() {
                    if cached == key {
                        return bitmap;
                    }
                }
            }
            let mut threshold = Threshold::for_size(level.width, level.height, 4, false);
            threshold.radius = (level.width.min(level.height) / window_div).clamp(4, 64);
            threshold.smooth = smooth;
            let [dark_on_light, light_on_dark] = binarize_both(level, threshold);
            if attempt.inverted {
                light_on_dark
            } else {
                cache.inverted_mean = Some((key, light_on_dark));
                dark_on_light
            }
        }
        Binarizer::Midrange {
            block,
            reach,
            smooth,
        } => {
            let key = (attempt.level, attempt.binarizer);
            let field = match &mut cache.midrange {
                Some((cached, field)) if *cached == key => field,
                _ => {
                    let m = Midrange {
                        block,
                        reach,
                        min_contrast: MIDRANGE_MIN_CONTRAST,
                        smooth,
                        inverted: attempt.inverted,
                    };
                    &cache.midrange.insert((key, MidrangeField::new(level, m))).1
                }
            };
            field.bitmap(attempt.inverted)
        }
    }
}

/// One binarize-and-detect pass with Touchmark's detector, searching as
/// `search` says; what it reads and sees goes into `result`. Returns the
/// bitmap when rqrr's detector is due on it too: at the coarsest level while
/// nothing at all was read.
fn try_attempt(
    levels: &[Plane],
    attempt: Attempt,
    search: detector::Search,
    cache: &mut FieldCache,
    result: &mut PipelineResult,
) -> Option<Bitmap> {
    let level = levels.get(attempt.level)?;
    let mut bitmap = bitmap_for(level, attempt, cache);
    let luma = detector::Luma {
        plane: level,
        inverted: attempt.inverted,
    };
    // Codes already read need not be found and decoded again.
    let scale = level_scale(attempt);
    let known: Vec<[[f32; 2]; 4]> = result
        .codes
        .iter()
        .map(|c| c.corners.map(|[x, y]| [x / scale, y / scale]))
        .collect();
    // Their pixels are blanked too: the finder search then skips the dense
    // module area it would otherwise walk for chance patterns (measured: the
    // hunt beside a clean certificate cost a third of its scan).
    for quad in &known {
        bitmap.clear_quad(quad);
    }
    let found = detector::find_in_bitmap(&bitmap, Some(luma), &known, search);
    merge(found, attempt, result);
    (result.codes.is_empty() && attempt.level + 1 == levels.len()).then_some(bitmap)
}

/// rqrr's detector over an attempt's bitmap: the costly fallback. Its
/// region-based detector finds some blurred or damaged finders ours misses.
fn try_fallback(bitmap: &Bitmap, attempt: Attempt, result: &mut PipelineResult) {
    let fallback = rqrr_bitmap::find_in_bitmap(bitmap);
    merge(fallback, attempt, result);
}

/// Input pixels per pixel of the attempt's level.
fn level_scale(attempt: Attempt) -> f32 {
    (1u32 << attempt.level.min(16)) as f32
}

/// Adds what one detector found (in level pixels) to `result`.
fn merge(found: rqrr_bitmap::Found, attempt: Attempt, result: &mut PipelineResult) {
    let scale = level_scale(attempt);
    result.unread.extend(
        found
            .unread
            .iter()
            .map(|u| (attempt.level, attempt.inverted, *u)),
    );
    result.located = result.located.max(found.located);
    result.unread_large += found.unread_large;
    result.finders = result.finders.max(found.finders);
    if result.region.is_none() {
        result.region = found.region.map(|r| r.map(|v| v * f64::from(scale)));
    }
    // rqrr's detector reports no module size: the first of ours counts.
    if result.module.is_none() {
        result.module = found.module.map(|m| m * f64::from(scale));
    }
    for mut code in found.codes {
        if result.codes.iter().any(|c| c.bytes == code.bytes) {
            continue;
        }
        for corner in &mut code.corners {
            corner[0] *= scale;
            corner[1] *= scale;
        }
        result.codes.push(code);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_cycle_runs_every_pass_and_the_first_on_every_frame() {
        let all = attempts(1, Passes::All);
        assert_eq!(all.len(), 2 * PASSES.len());
        let mut seen = Vec::new();
        for frame in 0..LATER_PASSES {
            let these = attempts(1, Passes::FirstAnd(frame));
            // The first pass's two polarities and one later pass's.
            assert_eq!(these.len(), 4, "frame {frame}");
            assert_eq!(&these[..2], &all[..2], "frame {frame}");
            seen.extend_from_slice(&these[2..]);
        }
        seen.sort_by_key(|a| all.iter().position(|b| b == a));
        assert_eq!(seen, all[2..].to_vec());
        // The turn wraps.
        assert_eq!(
            attempts(1, Passes::FirstAnd(LATER_PASSES)),
            attempts(1, Passes::FirstAnd(0))
        );
    }
}
