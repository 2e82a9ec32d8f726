//! The scanning strategy: which scales and polarities to try, in which order, and
//! when to stop. Cheap attempts come first (a downscaled copy, dark-on-light);
//! finer scales and inverted polarity only run when the cheap ones read nothing.

use super::binarize::{binarize, Threshold};
use super::detector;
use super::plane::Plane;
use super::rqrr_bitmap;
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
    /// The most finder candidates any one attempt found.
    pub finders: usize,
    /// The smallest finder module seen, in input pixels.
    pub smallest_module: Option<f64>,
    /// Where the first code was located, in input pixels (x0, y0, x1, y1).
    pub region: Option<[f64; 4]>,
    /// How many times the returned coarse plane was halved.
    pub coarse_level: usize,
}

/// One binarize-and-detect pass.
#[derive(Debug, Clone, Copy)]
struct Attempt {
    /// Index into the pyramid: level `k` is the input halved `k` times.
    level: usize,
    inverted: bool,
    /// The binarization window is the shorter side divided by this.
    window_div: usize,
    /// Threshold box means of this radius rather than pixels (noisy,
    /// low-contrast metal); 0 for none.
    smooth: usize,
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

fn attempts(levels: usize) -> Vec<Attempt> {
    let coarse = levels.saturating_sub(1);
    let mut out = Vec::new();
    for (window_div, smooth) in [(16, 0), (40, 0), (16, 1)] {
        for level in (0..=coarse).rev() {
            for inverted in [false, true] {
                out.push(Attempt {
                    level,
                    inverted,
                    window_div,
                    smooth,
                });
            }
        }
    }
    out
}

/// True when there is no point trying further: something was read, and it is
/// not a lone certificate (whose hallmark may still be waiting at a finer scale
/// or in the other polarity: two more attempts are made for it).
fn satisfied(codes: &[ScannedCode]) -> bool {
    if codes.is_empty() {
        return false;
    }
    let certificate = codes.iter().any(|c| c.kind == CodeKind::Certificate);
    let hallmark = codes.iter().any(|c| c.kind == CodeKind::Hallmark);
    !certificate || hallmark
}

/// Runs the attempts over a plane until satisfied; also returns the coarsest
/// pyramid level, for diagnostics.
pub fn run(plane: Plane, all_codes: bool) -> (PipelineResult, Plane) {
    let mut levels = pyramid(plane);
    let mut result = PipelineResult::default();
    let mut extra_after_certificate = 2;
    for attempt in attempts(levels.len()) {
        if !result.codes.is_empty() {
            if extra_after_certificate == 0 || !all_codes {
                break;
            }
            extra_after_certificate -= 1;
        }
        let Some(level) = levels.get(attempt.level) else {
            continue;
        };
        let scale = (1u32 << attempt.level.min(16)) as f32;
        let mut threshold = Threshold::for_size(level.width, level.height, 4, attempt.inverted);
        threshold.radius = (level.width.min(level.height) / attempt.window_div).clamp(4, 64);
        threshold.smooth = attempt.smooth;
        let bitmap = binarize(level, threshold);
        let mut found = detector::find_in_bitmap(&bitmap);
        // rqrr's detector is the costly fallback: only while nothing was read
        // (not in the extra passes that look for a hallmark).
        if found.codes.is_empty() && result.codes.is_empty() && attempt.level + 1 == levels.len() {
            // rqrr's region-based detector finds some blurred or damaged
            // finders ours misses; keep our evidence where it has none.
            let fallback = rqrr_bitmap::find_in_bitmap(&bitmap);
            found = rqrr_bitmap::Found {
                located: found.located.max(fallback.located),
                region: found.region.or(fallback.region),
                codes: fallback.codes,
                ..found
            };
        }
        result.located = result.located.max(found.located);
        result.finders = result.finders.max(found.finders);
        if result.region.is_none() {
            result.region = found.region.map(|r| r.map(|v| v * f64::from(scale)));
        }
        if let Some(m) = found.smallest_module.map(|m| m * f64::from(scale)) {
            result.smallest_module = Some(result.smallest_module.map_or(m, |s| s.min(m)));
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
        if satisfied(&result.codes) {
            break;
        }
    }
    result.coarse_level = levels.len().saturating_sub(1);
    let coarse = levels.pop().unwrap_or(Plane {
        data: Vec::new(),
        width: 0,
        height: 0,
    });
    (result, coarse)
}
