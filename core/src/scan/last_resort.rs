//! The scanner's last resort for a photo where nothing was read: the small
//! codes located but unread (by the passes, completed from two finders, or
//! found by their finders' radial profile), each also at every hallmark size
//! (blur hides the timing patterns that tell sizes apart), are modelled
//! pixel by pixel (`model_read`): the most code-like few are read as
//! placed, and the one whose format reads nearest a valid format is then
//! read under its runner-up blur, and with its placement, bow and blur
//! fitted to its pixels (`align`).

use super::align::align;
use super::blur::Psf;
use super::bow::Bent;
use super::decode::code_from_bytes;
use super::detector::Unread;
use super::diagnose::Sighting;
use super::homography::{dist, Homography, Pt};
use super::model_read::{corners_of, prepare, prepare_coarse, Prepared, Survey, MAX_SCORE};
use super::plane::Plane;
use super::template_fit::fitted;
use super::ScannedCode;

/// At most this many placements are looked at, and this many places
/// prepared, each at its own size and the hallmark sizes (their
/// point-spread functions ranked: a few milliseconds each).
const MAX_TRIED: usize = 24;
const MAX_PREPARED: usize = 4;
/// Sizes tried at every place beside the one estimated: Touchmark's
/// hallmarks are QR versions 1 to 4 (`issuer::render::HALLMARK`), and blur
/// hides the timing patterns that tell the sizes apart.
const HALLMARK_SIZES: [usize; 4] = [21, 25, 29, 33];
/// The most soft format misses (of 30, see `model_read::Survey`) of a
/// placement worth aligning: the hallmarks read after aligning, in two
/// generated sets, read their format 3.1–7.5 misses from a valid one before
/// it, wrong placements 8.3–13 (session 10: 9.0 kept every read and cut
/// the time on unread hallmarks by 6–8 %). Since the hallmark prior and
/// ordered statistics (`soft_decode`), placements within a few pixels read
/// their format 10–11 misses off and still read once aligned (seed 8's 048
/// and 103): 11.0 reads three more of 400, with [`READ_BEST`].
const MAX_FORMAT_MISSES_TO_ALIGN: f64 = 11.0;
/// Placements read under their runner-up function and aligned, those whose
/// format reads nearest a valid one first: the format is a noisy judge on
/// blurred hallmarks (seed 8's 048: the right placement 10.7 misses, a
/// wrong size 8.9). Two read as many as three.
const READ_BEST: usize = 2;
/// When no placement scores like a code ([`MAX_SCORE`]), the best scoring
/// up to this are read all the same: placements 2–3 px off small blurred
/// hallmarks scored 0.35 and 0.49 on the coarse blur family, and read (2 of
/// 120 in a set never tuned on, `--seed 9`; the same reads in two others,
/// 1–6 % more time).
const MAX_SCORE_WHEN_NONE: f64 = 0.55;
/// The most soft format misses of a placement fitted on its patterns worth
/// aligning again: the aligned reads of `MAX_FORMAT_MISSES_TO_ALIGN`'s
/// sets read 3.1–7.5 before aligning (the two read only so here, 4.5 and
/// 5.6; skipped: unread hallmarks at 8.2–10.1 costing 1–2.7 s).
const MAX_FORMAT_MISSES_TO_REALIGN: f64 = 7.5;
/// Corners this close (pixels) make two alignments' starts the same.
const SAME_START: f64 = 1.0;
/// The most code-like placements read as placed before one is aligned.
const READ_AS_PLACED: usize = 4;

/// A located code: its pyramid level, polarity and placement in that
/// level's pixels.
pub type Candidate = (usize, bool, Unread);

/// What the last resort made of its placements.
#[derive(Debug, Default)]
pub struct Reading {
    /// The code read, its corners in input pixels.
    pub code: Option<ScannedCode>,
    /// When nothing read: the placement whose format read nearest a valid
    /// one, for the diagnosis.
    pub sighting: Option<Sighting>,
}

/// Reads the most code-like of `candidates` (in the order given, the most
/// promising first) from the pyramid `levels`, aligning the [`READ_BEST`]
/// most promising to their pixels when reading them as placed fails and
/// `align` allows (a few hundred milliseconds each).
pub fn read_most_code_like(levels: &[Plane], candidates: Vec<Candidate>, align: bool) -> Reading {
    let mut prepared = prepare_distinct(levels, candidates);
    prepared.sort_by(|a, b| a.2.score.total_cmp(&b.2.score));
    let worth_reading = match prepared.first() {
        Some(best) if best.2.score > MAX_SCORE => MAX_SCORE_WHEN_NONE,
        _ => MAX_SCORE,
    };
    let mut worth: Vec<(usize, Unread, Prepared)> = prepared
        .into_iter()
        .filter(|p| p.2.score <= worth_reading)
        .take(READ_AS_PLACED)
        .collect();
    // Read as placed under each one's best function, the most code-like
    // first; the [`READ_BEST`] whose formats read nearest a valid one are
    // then read under their runner-up function, and aligned if that fails
    // too.
    let mut surveyed: Vec<(f64, usize, Survey)> = Vec::new();
    for (k, (level, u, p)) in worth.iter_mut().enumerate() {
        p.complete();
        let survey = p.survey();
        if let Some(bytes) = survey.bytes {
            let corners = corners_of(&u.homography, u.size);
            let code = code_from_bytes(bytes, in_input_pixels(corners, *level));
            return Reading {
                code: Some(code),
                sighting: None,
            };
        }
        // The format read tells right placements from wrong ones better
        // than how well the model fits: a wrong size, place or turn that
        // keeps the finders where they are fits about as well. Of four
        // hallmarks of two sets surveyed with a right placement among wrong
        // ones, the format chose right in all four, the fit (the known
        // modules' and the decided modules' residuals) in two: 034 and
        // 108 were aligned from a wrong one.
        surveyed.push((f64::from(survey.format_misses), k, survey));
    }
    surveyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut sighting = None;
    for (rank, (format_misses, k, survey)) in surveyed.iter().enumerate().take(READ_BEST) {
        let Some(&(level, ref u, ref p)) = worth.get(*k) else {
            continue;
        };
        if let Some(code) = read_best(levels, level, u, p, survey, *format_misses, align) {
            return Reading {
                code: Some(code),
                sighting: None,
            };
        }
        if rank == 0 {
            sighting = Some(Sighting {
                format_misses: *format_misses,
                module: p.module() * f64::from(1u32 << level.min(16)),
            });
        }
    }
    Reading {
        code: None,
        sighting,
    }
}

/// Reads the placement whose format read nearest a valid one, `p` as
/// prepared from `u` at pyramid level `level` of `levels`: under its
/// runner-up function, then aligned to its pixels when `align` allows and
/// its format reads like one.
fn read_best(
    levels: &[Plane],
    level: usize,
    u: &Unread,
    p: &Prepared,
    survey: &Survey,
    format_misses: f64,
    align: bool,
) -> Option<ScannedCode> {
    let (corners, bytes) = match p.read_runner_up(survey) {
        Some(bytes) => (corners_of(&u.homography, u.size), bytes),
        None => {
            // Costly (a few hundred milliseconds), and only here, and only
            // for a placement whose format reads like one.
            if !align || format_misses > MAX_FORMAT_MISSES_TO_ALIGN {
                return None;
            }
            read_aligned(levels.get(level)?, p, u)?
        }
    };
    Some(code_from_bytes(bytes, in_input_pixels(corners, level)))
}

/// Reads the placement `u` prepared as `p` once aligned to its pixels
/// (`align`); when that fails, placed on its finders and alignment pattern
/// as the luma shows them (`template_fit`), read as so placed and then, if
/// that moved it, aligned from there: the fit can settle a few pixels off
/// (on hallmarks of a holdout set, 2 read only so, and 1 of a set tuned
/// on). Corners and payload.
fn read_aligned(plane: &Plane, p: &Prepared, u: &Unread) -> Option<([Pt; 4], Vec<u8>)> {
    let first = align_and_read(plane, p, &u.homography, u.size);

    if let Some(read) = first.as_ref().and_then(|a| a.read(u.size)) {
        return Some(read);
    }
    let fitted = fitted(plane, p.inverted(), u)?;
    let fitted_corners = corners_of(&fitted.homography, u.size);
    let mut placed = prepare(plane, p.inverted(), &fitted.homography, u.size)?;
    if let Some(a) = &first {
        placed.prefer(a.psf.clone());
    }
    let mut survey = placed.survey();
    if let Some(bytes) = survey
        .bytes
        .take()
        .or_else(|| placed.read_runner_up(&survey))
    {
        return Some((fitted_corners, bytes));
    }
    // Aligned again only from a start whose format reads like the aligned
    // reads' did, and that the first alignment did not reach.
    if f64::from(survey.format_misses) > MAX_FORMAT_MISSES_TO_REALIGN {
        return None;
    }
    let reached = first.is_some_and(|a| {
        corners_of(&a.bent, u.size)
            .iter()
            .zip(&fitted_corners)
            .all(|(x, y)| dist(*x, *y) < SAME_START)
    });
    if reached {
        return None;
    }
    align_and_read(plane, p, &fitted.homography, u.size)?.read(u.size)
}

/// A placement and blur fitted to a code's pixels, and the payload read
/// under them, if any.
struct Aligned {
    bent: Bent,
    psf: Psf,
    bytes: Option<Vec<u8>>,
}

impl Aligned {
    /// Corners and payload, when it read.
    fn read(&self, size: usize) -> Option<([Pt; 4], Vec<u8>)> {
        let bytes = self.bytes.clone()?;
        Some((corners_of(&self.bent, size), bytes))
    }
}

/// Aligns the code of `size` modules prepared as `p` from the placement
/// `start` (`align`), and reads it so placed.
fn align_and_read(plane: &Plane, p: &Prepared, start: &Homography, size: usize) -> Option<Aligned> {
    let (bent, psf) = align(plane, p.inverted(), start, size, p.best_psf()?)?;
    let bytes = prepare(plane, p.inverted(), &bent, size).and_then(|mut again| {
        again.prefer(psf.clone());
        again.read()
    });
    Some(Aligned { bent, psf, bytes })
}

/// The candidates prepared for the pixel model, each place and size once,
/// at most [`MAX_PREPARED`] of them.
fn prepare_distinct(
    levels: &[Plane],
    candidates: Vec<Candidate>,
) -> Vec<(usize, Unread, Prepared)> {
    let mut tried: Vec<Place> = Vec::new();
    let mut prepared = Vec::new();
    let mut places = 0;
    for (level, inverted, u) in candidates.into_iter().take(MAX_TRIED) {
        if places >= MAX_PREPARED {
            break;
        }
        let Some(plane) = levels.get(level) else {
            continue;
        };
        let before = prepared.len();
        let sizes =
            std::iter::once(u.size).chain(HALLMARK_SIZES.into_iter().filter(|&s| s != u.size));
        for size in sizes {
            let Some(v) = u.resized(size) else { continue };
            let place = Place::of(level, &v);
            if tried.iter().any(|t| t.same(&place)) {
                continue;
            }
            tried.push(place);
            if let Some(p) = prepare_coarse(plane, inverted, &v.homography, v.size) {
                prepared.push((level, v, p));
            }
        }
        if prepared.len() > before {
            places += 1;
        }
    }
    prepared
}

/// Where a placement puts a code: its level, size, finders' centres and the
/// point as far in from the fourth corner, and its module size.
struct Place {
    level: usize,
    size: usize,
    points: [Pt; 4],
    module: f64,
}

impl Place {
    fn of(level: usize, u: &Unread) -> Self {
        let s = u.size as f64;
        let far = s - 3.5;
        Self {
            level,
            size: u.size,
            points: [[3.5, 3.5], [far, 3.5], [3.5, far], [far, far]].map(|p| u.homography.map(p)),
            module: dist(u.homography.map([0.0, 0.0]), u.homography.map([s, 0.0])) / s,
        }
    }

    /// The same code size placed alike (each point within a module).
    fn same(&self, other: &Place) -> bool {
        let near = self.module.max(other.module);
        self.level == other.level
            && self.size == other.size
            && self
                .points
                .iter()
                .zip(&other.points)
                .all(|(a, b)| dist(*a, *b) < near)
    }
}

/// Corners in a pyramid level's pixels to input pixels.
fn in_input_pixels(corners: [Pt; 4], level: usize) -> [[f32; 2]; 4] {
    let scale = f64::from(1u32 << level.min(16));
    corners.map(|[x, y]| [(x * scale) as f32, (y * scale) as f32])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::blur::Psf;
    use crate::scan::test_render::{render_hallmark, HALLMARK as TEXT};

    /// A hallmark defocused past thresholding, located with its finders
    /// right but its size wrong (blur hides the timing patterns).
    fn wrongly_sized() -> (crate::scan::test_render::Rendered, Unread, usize) {
        let (size, _, image) = render_hallmark(3, 6, &Psf::gaussian(1.8), 30.0);
        let truth = Unread {
            homography: image.map,
            size,
            fit: 0.0,
        };
        let wrong = truth.resized(size - 4).unwrap();
        (image, wrong, size)
    }

    #[test]
    fn resizing_keeps_the_finders_in_place() {
        let (image, wrong, size) = wrongly_sized();
        let s = size as f64;
        let w = wrong.size as f64;
        for (at, was) in [
            ([3.5, 3.5], [3.5, 3.5]),
            ([w - 3.5, 3.5], [s - 3.5, 3.5]),
            ([3.5, w - 3.5], [3.5, s - 3.5]),
        ] {
            assert!(dist(wrong.homography.map(at), image.map.map(was)) < 1e-6);
        }
        let back = wrong.resized(size).unwrap();
        for (got, want) in corners_of(&back.homography, size)
            .iter()
            .zip(corners_of(&image.map, size))
        {
            assert!(dist(*got, want) < 1e-6, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn reads_a_hallmark_located_at_a_wrong_size() {
        let (image, wrong, size) = wrongly_sized();
        let as_located = prepare(&image.plane, false, &wrong.homography, wrong.size);
        assert_eq!(
            as_located.and_then(|p| p.read()),
            None,
            "read at the size located: the test means nothing"
        );
        let levels = [image.plane];
        let code = read_most_code_like(&levels, vec![(0, false, wrong)], true)
            .code
            .unwrap();
        assert_eq!(code.text, TEXT);
        let truth = corners_of(&image.map, size);
        for (got, want) in code.corners.iter().zip(truth) {
            let got = [f64::from(got[0]), f64::from(got[1])];
            assert!(dist(got, want) < 1.0, "{got:?} vs {want:?}");
        }
    }
}
