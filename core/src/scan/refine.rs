//! Registering a small code by its own contrast. Finder centres found on a
//! blurred, noisy bitmap are off by a pixel or two, and at three pixels per
//! module that misplaces the far side of the grid by a whole module. Each of
//! the four anchors of the placement is nudged in turn, keeping a nudge when
//! the modules' patches stand further from their neighbourhood means (see
//! [`contrast`]): on the modules the grid is sharp, between them it blurs.

use super::homography::{dist, Homography, Pt};
use super::plane::Plane;
use super::resample::{contrast, PatchSums};

/// Nudge sizes, in modules, coarse to fine (a third, finer step of 1/16
/// module read nothing more on the benchmark sets and cost 5 % of the
/// hallmark scans' instructions).
const STEPS: [f64; 2] = [0.25, 0.125];
/// How far an anchor may move from where it started, in modules: the
/// contrast repeats every module, so a longer move could land on a neighbour.
const REACH: f64 = 0.5;
/// Rounds over the four anchors per step size.
const ROUNDS: usize = 4;

/// Patch sums over the part of the plane any nudged placement can sample:
/// the anchors as first placed (`pitch` pixels per module) widened by the
/// code's margin beyond them, the reach of a nudge and a patch.
fn region_sums<'a>(plane: &'a Plane, to: &[Pt; 4], pitch: f64) -> Option<PatchSums<'a>> {
    // The code's corners lie 3.5 modules beyond the finder centres, and the
    // alignment anchor is nearer still: a margin of 4 modules plus the
    // reach and a patch of up to 3 px covers every module centre.
    let margin = (4.0 + REACH) * pitch * 2.0 + 4.0;
    let xs = to.map(|p| p[0]);
    let ys = to.map(|p| p[1]);
    let lo = |v: [f64; 4]| (v.iter().copied().fold(f64::INFINITY, f64::min) - margin).max(0.0);
    let hi = |v: [f64; 4]| (v.iter().copied().fold(f64::NEG_INFINITY, f64::max) + margin).max(0.0);
    PatchSums::new(
        plane,
        lo(xs) as usize,
        lo(ys) as usize,
        hi(xs) as usize + 1,
        hi(ys) as usize + 1,
    )
}

/// The placement through `to` (pixels of the module-space points `from`)
/// whose anchors, nudged, give the sharpest grid of `size` modules; None when
/// no placement maps the code inside the plane.
pub fn refine(plane: &Plane, from: [Pt; 4], to: [Pt; 4], size: usize) -> Option<Homography> {
    // The module pitch in pixels, from the top edge's anchors.
    let [a, b, ..] = to;
    let [fa, fb, ..] = from;
    let pitch = dist(a, b) / (fb[0] - fa[0]).abs().max(1.0);
    // Every nudge scores the whole grid again: patch sums come from one
    // summed-area table (measured: refining was a quarter of a first-pass
    // hallmark's scan).
    let sums = region_sums(plane, &to, pitch)?;
    let score = |to: &[Pt; 4]| {
        Homography::between(from, *to).and_then(|h| Some((contrast(&sums, &h, size)?, h)))
    };
    let (mut best, mut best_h) = score(&to)?;
    let start = to;
    let mut to = to;
    for step in STEPS.map(|s| s * pitch) {
        for _ in 0..ROUNDS {
            let mut moved = false;
            // Each anchor alone (0..4), then all four together (4).
            for i in 0..5 {
                for (dx, dy) in [(step, 0.0), (-step, 0.0), (0.0, step), (0.0, -step)] {
                    let mut candidate = to;
                    for (j, p) in candidate.iter_mut().enumerate() {
                        if i == j || i == 4 {
                            *p = [p[0] + dx, p[1] + dy];
                        }
                    }
                    let within = candidate
                        .iter()
                        .zip(&start)
                        .all(|(p, q)| dist(*p, *q) <= REACH * pitch);
                    if !within {
                        continue;
                    }
                    if let Some((c, h)) = score(&candidate) {
                        if c > best {
                            (best, best_h, to, moved) = (c, h, candidate, true);
                        }
                    }
                }
            }
            if !moved {
                break;
            }
        }
    }
    Some(best_h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_grid_from_displaced_anchors() {
        // A random 25×25 pattern at 4 px per module; anchors start 1.5 px off.
        let (size, px) = (25usize, 4.0f64);
        let side = 120usize;
        let mut seed = 5u32;
        let bits: Vec<bool> = (0..size * size)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (seed >> 16) & 1 == 1
            })
            .collect();
        let offset = 10.0;
        let data: Vec<u8> = (0..side * side)
            .map(|i| {
                let (x, y) = ((i % side) as f64, (i / side) as f64);
                let (c, r) = ((x - offset) / px, (y - offset) / px);
                let inside = c >= 0.0 && r >= 0.0 && c < size as f64 && r < size as f64;
                if inside && bits[r as usize * size + c as usize] {
                    40
                } else {
                    200
                }
            })
            .collect();
        let plane = Plane {
            data,
            width: side,
            height: side,
        };
        let s = size as f64;
        let from = [
            [3.5, 3.5],
            [s - 3.5, 3.5],
            [s - 3.5, s - 3.5],
            [3.5, s - 3.5],
        ];
        let exact = from.map(|[c, r]| [offset + c * px, offset + r * px]);
        let off = [
            [exact[0][0] + 1.5, exact[0][1]],
            [exact[1][0], exact[1][1] - 1.5],
            [exact[2][0] - 1.5, exact[2][1] + 1.5],
            [exact[3][0], exact[3][1] + 1.5],
        ];
        let before = Homography::between(from, off).unwrap();
        let after = refine(&plane, from, off, size).unwrap();
        let error = |h: &Homography| {
            from.iter()
                .zip(&exact)
                .map(|(f, e)| {
                    let m = h.map(*f);
                    (m[0] - e[0]).hypot(m[1] - e[1])
                })
                .fold(0.0f64, f64::max)
        };
        assert!(error(&before) > 1.4);
        // Within a quarter module: on sharp edges the contrast is flat there.
        assert!(error(&after) < 1.0, "{}", error(&after));
    }
}
