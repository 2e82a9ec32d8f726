//! Codes with one finder pattern lost, typically under a glare spot: two
//! finders of one code still fix the third, as a square's corner. When they
//! lie on the diagonal, the top-left one is a quarter turn about their
//! midpoint; when they share a side, the third is a quarter turn about either
//! one. Each guess is a [`Triple`] like any other, kept only where the timing
//! patterns it implies stand well above chance, best first.
//!
//! Guessing assumes a square code (no strong perspective) and finder centres
//! good to a fraction of a module. For the thresholded readers the guess
//! stands as made; for the pixel model it is first snapped onto the most
//! finder-like place within a few modules (`blob_finder::snap`), which
//! reads codes whose perspective put the square guess 3–4 modules off
//! (three of a fresh 120-hallmark set, `scan-bench/RESULTS.md`).

use super::binarize::Bitmap;
use super::blob_finder::snap;
use super::finder::Finder;
use super::grid::{implied_version, nearby_sizes, timing_score_within, triple, Triple};
use super::plane::Plane;

/// The member index a guessed finder stands for (no candidate: it marks no
/// real finder as used).
const GUESSED: usize = usize::MAX;

/// Finder candidates whose pairs are tried (candidates come strongest first;
/// measured in the hunt beside the 40 synthetic certificates, with a wide
/// size band: 24 cost 11 % more instructions, 12 cost 6 %, same reads; with
/// the narrow band of [`standing_sizes`], 12 cost 1 %).
const MAX_PAIRED: usize = 12;

/// Module sizes of two finders of one code differ by at most this ratio
/// (perspective and blur; `grid::triple` allows 1.6 across all three).
const MAX_MODULE_RATIO: f64 = 1.35;

/// The least standing of a guess's timing fit above chance, `(fit − ½)·√n`
/// for `n` timing modules (a coin-flip fit's standard deviation is ½): 2
/// asks 29 of a version-4 code's 34 timing modules, 59 of a version-10
/// code's 82. Chance guesses on certificates' paper stood under 0.8; the
/// guessed hallmarks read stood 2.4.
const MIN_STANDING: f64 = 2.0;

/// Finders confirmed by at least this many scan lines pair up for blurred
/// guesses (chance finder-like runs in texture are mostly confirmed once).
const MIN_BLURRED_HITS: u32 = 2;

/// How guesses are made and judged.
#[derive(Debug, Clone, Copy)]
pub enum Guessing<'a> {
    /// For reading thresholded grids: kept when the timing patterns stand
    /// out (see [`MIN_STANDING`]); the two best sizes.
    Sharp,
    /// For the pixel model (`model_read`), which judges placements itself:
    /// blur flattens timing patterns, so only well-confirmed finders pair
    /// up, each guess is snapped to the most finder-like place within
    /// [`SNAP_REACH`] modules of the luma `plane` (perspective puts it
    /// modules off) and judged by its radial profile (`blob_finder`), or
    /// where none is, by a dark centre stone inside a lighter ring of the
    /// bitmap (what a finder keeps under blur); every size near the one the
    /// finders imply is kept.
    Blurred {
        /// The luma the bitmap was made from.
        plane: &'a Plane,
        /// Light modules on a dark ground.
        inverted: bool,
    },
}

/// How far (modules) a guessed finder is looked for around its guess.
const SNAP_REACH: f64 = 4.0;

/// Where the third finder of a code lies if `a` and `b` are two of its
/// finders: the two diagonal guesses, then the four along a side.
fn third_finder_guesses(a: &Finder, b: &Finder) -> [[f64; 2]; 6] {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let mid = [(a.x + b.x) / 2.0, (a.y + b.y) / 2.0];
    [
        [mid[0] - dy / 2.0, mid[1] + dx / 2.0],
        [mid[0] + dy / 2.0, mid[1] - dx / 2.0],
        [a.x - dy, a.y + dx],
        [a.x + dy, a.y - dx],
        [b.x - dy, b.y + dx],
        [b.x + dy, b.y - dx],
    ]
}

/// The best two sizes of a guessed triple by their timing fit alone
/// (counting timing modules from a guessed corner drifts), with how far the
/// best fit stands above chance for its number of modules; None when none
/// stands [`MIN_STANDING`]. Only the version the finder spacing implies and
/// its two neighbours are tried (glare leaves the other two finders sharp,
/// so their module size holds; the detector's wider band cost 5 % of a
/// certificate's scan), each given up on once too many modules miss (most
/// guesses are chance).
fn standing_sizes(bitmap: &Bitmap, t: &Triple) -> Option<(f64, Vec<usize>)> {
    let version = implied_version(t).max(2);
    let mut scored: Vec<(f64, usize)> = (version - 1..=version + 1)
        .filter(|v| (2..=40).contains(v))
        .map(|v| 17 + 4 * v)
        .filter_map(|size| {
            let modules = 2.0 * (size as f64 - 16.0);
            let least_fit = 0.5 + MIN_STANDING / modules.sqrt();
            let max_misses = (modules * (1.0 - least_fit)).floor() as u32;
            let fit = timing_score_within(bitmap, t, size, max_misses)?;
            Some(((fit - 0.5) * modules.sqrt(), size))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let &(standing, _) = scored.first()?;
    Some((standing, scored.iter().take(2).map(|&(_, s)| s).collect()))
}

/// How much darker a finder's centre stone (3 modules across) is than the
/// light ring around it (to 5 modules across) at `centre`, as shares of
/// dark bitmap pixels: near 1 for a sharp finder, still clearly positive
/// under blur that has merged the rings, around 0 for texture.
fn stone_contrast(bitmap: &Bitmap, centre: [f64; 2], module: f64) -> f64 {
    let (mut stone, mut stone_all, mut ring, mut ring_all) = (0u32, 0u32, 0u32, 0u32);
    let reach = (2.5 * module).ceil() as i64;
    let (cx, cy) = (centre[0].round() as i64, centre[1].round() as i64);
    for dy in -reach..=reach {
        for dx in -reach..=reach {
            let r = ((dx * dx + dy * dy) as f64).sqrt() / module;
            let (x, y) = (cx + dx, cy + dy);
            if x < 0 || y < 0 || x as usize >= bitmap.width || y as usize >= bitmap.height {
                continue;
            }
            let dark = u32::from(bitmap.get(x as usize, y as usize));
            if r <= 1.5 {
                stone += dark;
                stone_all += 1;
            } else if r <= 2.5 {
                ring += dark;
                ring_all += 1;
            }
        }
    }
    if stone_all == 0 || ring_all == 0 {
        return 0.0;
    }
    f64::from(stone) / f64::from(stone_all) - f64::from(ring) / f64::from(ring_all)
}

/// Up to `keep` triples completed from two finder candidates with a guessed
/// third, best timing fit first, each with its candidate sizes. Pairs with a
/// finder already `used` by a code are skipped.
pub fn inferred_triples(
    bitmap: &Bitmap,
    finders: &[Finder],
    used: &[bool],
    keep: usize,
    guessing: Guessing,
) -> Vec<(Triple, Vec<usize>)> {
    let n = finders.len().min(MAX_PAIRED);
    let strong = |k: usize| finders.get(k).is_some_and(|f| f.hits >= MIN_BLURRED_HITS);
    let mut out: Vec<(f64, Triple, Vec<usize>)> = Vec::new();
    let blurred = matches!(guessing, Guessing::Blurred { .. });
    let is_used = |k: usize| used.get(k).copied().unwrap_or(false) || (blurred && !strong(k));
    for i in (0..n).filter(|&i| !is_used(i)) {
        for j in (i + 1..n).filter(|&j| !is_used(j)) {
            let (Some(a), Some(b)) = (finders.get(i), finders.get(j)) else {
                continue;
            };
            let ratio = a.module.max(b.module) / a.module.min(b.module).max(f64::MIN_POSITIVE);
            if ratio.is_nan() || ratio > MAX_MODULE_RATIO {
                continue;
            }
            let module = (a.module + b.module) / 2.0;
            for guess in third_finder_guesses(a, b) {
                let snapped = match guessing {
                    Guessing::Blurred { plane, inverted } => {
                        snap(plane, inverted, guess, module, SNAP_REACH)
                    }
                    Guessing::Sharp => None,
                };
                let [x, y] = snapped.map_or(guess, |s| s.1);
                let guessed = Finder {
                    x,
                    y,
                    module,
                    hits: 0,
                };
                let three = [*a, *b, guessed];
                let Some(mut t) = triple(&three, [0, 1, 2]) else {
                    continue;
                };
                t.members = t.members.map(|m| match m {
                    0 => i,
                    1 => j,
                    _ => GUESSED,
                });
                let judged = match (guessing, snapped) {
                    (Guessing::Sharp, _) => standing_sizes(bitmap, &t),
                    // Profiles score up to 1, stones up to 1 less: a snapped
                    // guess first.
                    (Guessing::Blurred { .. }, Some((score, _))) => {
                        Some((1.0 + score, nearby_sizes(&t)))
                    }
                    (Guessing::Blurred { .. }, None) => {
                        let contrast = stone_contrast(bitmap, [x, y], module);
                        (contrast > 0.0).then(|| (contrast, nearby_sizes(&t)))
                    }
                };
                if let Some((standing, sizes)) = judged {
                    out.push((standing, t, sizes));
                }
            }
        }
    }
    out.sort_by(|a, b| b.0.total_cmp(&a.0));
    out.truncate(keep);
    out.into_iter().map(|(_, t, s)| (t, s)).collect()
}

#[cfg(test)]
mod tests {
    use super::third_finder_guesses;
    use crate::scan::finder::Finder;

    fn at(x: f64, y: f64) -> Finder {
        Finder {
            x,
            y,
            module: 3.0,
            hits: 1,
        }
    }

    #[test]
    fn guesses_complete_the_square() {
        // A code's finders at (0,0) top-left, (10,0) top-right, (0,10) bottom-left.
        let (tl, tr, bl) = ([0.0, 0.0], at(10.0, 0.0), at(0.0, 10.0));
        let near = |g: &[[f64; 2]; 6], p: [f64; 2]| {
            g.iter()
                .any(|q| (q[0] - p[0]).abs() < 1e-9 && (q[1] - p[1]).abs() < 1e-9)
        };
        // The diagonal pair guesses the top-left.
        assert!(near(&third_finder_guesses(&tr, &bl), tl));
        // A side pair guesses the third corner from either end.
        assert!(near(&third_finder_guesses(&at(0.0, 0.0), &tr), [0.0, 10.0]));
        assert!(near(&third_finder_guesses(&tr, &at(0.0, 0.0)), [0.0, 10.0]));
        assert!(near(&third_finder_guesses(&at(0.0, 0.0), &bl), [10.0, 0.0]));
    }
}
