//! The scanner's last resort for a photo where nothing was read: among the
//! small codes located but unread (by the passes, completed from two
//! finders, or found by their finders' radial profile), the most code-like
//! is modelled pixel by pixel (`model_read`) as placed, and then with its
//! placement, bow and blur fitted to its pixels (`align`).

use super::align::align;
use super::decode::code_from_bytes;
use super::detector::Unread;
use super::homography::{dist, Pt};
use super::model_read::{corners_of, prepare, Prepared, MAX_SCORE};
use super::plane::Plane;
use super::ScannedCode;

/// At most this many placements are looked at, and this many prepared
/// (their point-spread functions ranked: a few milliseconds each).
const MAX_TRIED: usize = 24;
const MAX_PREPARED: usize = 4;

/// A located code: its pyramid level, polarity and placement in that
/// level's pixels.
pub type Candidate = (usize, bool, Unread);

/// Reads the most code-like of `candidates` (in the order given, the most
/// promising first) from the pyramid `levels`; its corners in input pixels.
pub fn read_most_code_like(levels: &[Plane], candidates: Vec<Candidate>) -> Option<ScannedCode> {
    let mut prepared = prepare_distinct(levels, candidates);
    prepared.sort_by(|a, b| a.2.score.total_cmp(&b.2.score));
    let (level, u, p) = prepared
        .into_iter()
        .next()
        .filter(|p| p.2.score <= MAX_SCORE)?;
    let plane = levels.get(level)?;
    let (corners, bytes) = match p.read() {
        Some(bytes) => (corners_of(&u.homography, u.size), bytes),
        None => {
            // Costly (a few hundred milliseconds), and only here.
            let (bent, psf) = align(plane, p.inverted(), &u.homography, u.size, p.best_psf()?)?;
            let mut again = prepare(plane, p.inverted(), &bent, u.size)?;
            again.prefer(psf);
            (corners_of(&bent, u.size), again.read()?)
        }
    };
    Some(code_from_bytes(bytes, in_input_pixels(corners, level)))
}

/// The candidates prepared for the pixel model, each place and size once,
/// at most [`MAX_PREPARED`] of them.
fn prepare_distinct(
    levels: &[Plane],
    candidates: Vec<Candidate>,
) -> Vec<(usize, Unread, Prepared)> {
    let mut tried: Vec<(usize, Pt, f64, usize)> = Vec::new();
    let mut prepared = Vec::new();
    for (level, inverted, u) in candidates {
        if prepared.len() >= MAX_PREPARED || tried.len() >= MAX_TRIED {
            break;
        }
        let s = u.size as f64;
        let centre = u.homography.map([s / 2.0, s / 2.0]);
        let module = dist(u.homography.map([0.0, 0.0]), u.homography.map([s, 0.0])) / s;
        let seen = tried
            .iter()
            .any(|t| t.0 == level && t.3 == u.size && dist(t.1, centre) < 2.0 * t.2.max(module));
        if seen {
            continue;
        }
        tried.push((level, centre, module, u.size));
        let Some(plane) = levels.get(level) else {
            continue;
        };
        if let Some(p) = prepare(plane, inverted, &u.homography, u.size) {
            prepared.push((level, u, p));
        }
    }
    prepared
}

/// Corners in a pyramid level's pixels to input pixels.
fn in_input_pixels(corners: [Pt; 4], level: usize) -> [[f32; 2]; 4] {
    let scale = f64::from(1u32 << level.min(16));
    corners.map(|[x, y]| [(x * scale) as f32, (y * scale) as f32])
}
