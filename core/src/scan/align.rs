//! Fitting a blurred code's placement and blur together to its pixels.
//! Finder centres found through blur are off by a pixel or two, and a
//! point-spread function ranked at a misplaced grid comes out too wide
//! (blur absorbs the misplacement); the pixel model, unlike thresholding,
//! feels both. Levenberg-Marquardt over eight ways of moving the corners
//! (shifts, stretches, turn, shear, keystones) and the blur's width and
//! direction: the model is rendered once per parameter, a little moved,
//! with the darkness of the last fit held, and each accepted step is
//! refitted.

use super::blur::Psf;
use super::bow::Bent;
use super::homography::{dist, Homography, ModuleMap, Pt};
use super::linear::solve;
use super::model_read::{cell_knowledge, corners_of};
use super::pixel_model::{Observations, Region, RING};
use super::plane::Plane;
use super::soft_decode::SoftDecoder;

/// Ways of moving the corners (see [`moved_by`]).
const MOVES: usize = 8;
/// Steps at most, and tries per step with a larger damping.
const ITERATIONS: usize = 8;
const TRIES: usize = 3;
/// Finite-difference steps: corners (pixels), bows (modules), blur width
/// (its share), turn (radians).
const CORNER_STEP: f64 = 0.5;
const BOW_STEP: f64 = 0.25;
/// A bow tried outright must cut the mean squared residual to this share
/// of the flat placement's (or the best bow's) to be taken.
const BOW_GAIN: f64 = 0.95;
/// Bows tried outright before the derivatives take over, modules (measured
/// on 160 hallmarks of two generated sets: six depths, ±0.4, ±0.8 and
/// ±1.2, read the same 137 as these two, in 6 % more time; none, one
/// fewer: the curved `hallmark-seed7-038`).
const BOW_DEPTHS: [f64; 2] = [-0.8, 0.8];
const WIDTH_STEP: f64 = 0.05;
const TURN_STEP: f64 = 0.15;
/// The derivatives are taken on every this-many-th pixel along each axis,
/// and the fits made on every this-many-th.
const JACOBIAN_STRIDE: usize = 2;
const FIT_STRIDE: usize = 2;
/// Alternations of light and darkness per bow tried outright.
const SCAN_ROUNDS: usize = 2;
/// Alternations of light and darkness in the first fit and after a step.
const FIRST_ROUNDS: usize = 3;
const STEP_ROUNDS: usize = 1;
/// Multiples of an accepted step tried further along it.
const STRETCHES: [f64; 2] = [2.0, 4.0];
/// Damping to start from (a share of the normal equations' diagonal).
const DAMPING: f64 = 0.01;
/// A step moving no corner by more than this (pixels) ends the search.
const SETTLED: f64 = 0.05;

/// A placement and blur being fitted.
#[derive(Debug, Clone)]
struct State {
    corners: [Pt; 4],
    /// Bows of the columns and of the rows, modules (see [`Bent`]).
    bows: [f64; 2],
    psf: Psf,
}

impl State {
    /// How many parameters: the moves, the bows and the blur's.
    fn parameters(&self) -> usize {
        MOVES + 2 + self.psf.parameters()
    }

    /// The placement of a code of `size` modules.
    fn map(&self, size: usize) -> Option<Bent> {
        Some(Bent {
            homography: placed(self.corners, size)?,
            size,
            columns: self.bows[0],
            rows: self.bows[1],
        })
    }

    /// The state with parameter `j` changed by `by` (pixels for moves, a
    /// share of the width, radians of turn).
    fn moved(&self, j: usize, by: f64) -> State {
        let mut out = self.clone();
        match j {
            j if j < MOVES => out.corners = moved_by(self.corners, j, by),
            j if j < MOVES + 2 => {
                if let Some(b) = out.bows.get_mut(j - MOVES) {
                    *b += by;
                }
            }
            j if j == MOVES + 2 => out.psf = self.psf.adjusted(1.0 + by, 0.0),
            _ => out.psf = self.psf.adjusted(1.0, by),
        }
        out
    }

    /// The finite-difference step of parameter `j`.
    fn step(j: usize) -> f64 {
        match j {
            j if j < MOVES => CORNER_STEP,
            j if j < MOVES + 2 => BOW_STEP,
            j if j == MOVES + 2 => WIDTH_STEP,
            _ => TURN_STEP,
        }
    }
}

/// Corners (top-left, top-right, bottom-right, bottom-left) moved by `by`
/// pixels (at the corners) in the `k`-th way: shifts along x and y,
/// stretches along the code's two axes, a turn, a shear and two keystones.
fn moved_by(c: [Pt; 4], k: usize, by: f64) -> [Pt; 4] {
    let [tl, tr, _, bl] = c;
    let unit = |a: Pt, b: Pt| {
        let d = dist(a, b).max(1e-9);
        [(b[0] - a[0]) / d, (b[1] - a[1]) / d]
    };
    let (u, v) = (unit(tl, tr), unit(tl, bl));
    let h = by / 2.0;
    // Per corner, multiples of u and of v to add.
    let (du, dv): ([f64; 4], [f64; 4]) = match k {
        0 => return c.map(|p| [p[0] + by, p[1]]),
        1 => return c.map(|p| [p[0], p[1] + by]),
        2 => ([-h, h, h, -h], [0.0; 4]),
        3 => ([0.0; 4], [-h, -h, h, h]),
        4 => ([h, h, -h, -h], [-h, h, h, -h]),
        5 => ([h, h, -h, -h], [0.0; 4]),
        6 => ([-h, h, -h, h], [0.0; 4]),
        _ => ([0.0; 4], [-h, h, -h, h]),
    };
    let mut out = c;
    for (p, (a, b)) in out.iter_mut().zip(du.into_iter().zip(dv)) {
        *p = [p[0] + a * u[0] + b * v[0], p[1] + a * u[1] + b * v[1]];
    }
    out
}

/// The placement of a code of `size` modules with these corners.
fn placed(corners: [Pt; 4], size: usize) -> Option<Homography> {
    let s = size as f64;
    Homography::between([[0.0, 0.0], [s, 0.0], [s, s], [0.0, s]], corners)
}

/// Fits the placement `h` of a code of `size` modules and its blur `psf`
/// to the pixels of `plane`; returns both, refined (or as given when no
/// step helps), or None when the code cannot be modelled.
pub fn align(
    plane: &Plane,
    inverted: bool,
    h: &Homography,
    size: usize,
    psf: &Psf,
) -> Option<(Bent, Psf)> {
    let decoder = SoftDecoder::new(size)?;
    let observe_every = |s: &State, stride: usize| -> Option<Observations> {
        let region = Region::new(plane, inverted, &s.map(size)?, size)?;
        Some(region.observe(&s.psf, stride, None))
    };
    // Fits (the darkness, and the costs compared) use a quarter of the
    // pixels; only the derivatives see them all.
    let sample = |s: &State| observe_every(s, FIT_STRIDE);
    let mut state = State {
        corners: corners_of(h, size),
        bows: [0.0; 2],
        psf: psf.clone(),
    };
    let known = cell_knowledge(&decoder, size + 2 * RING);
    let base = sample(&state)?;
    let mut darkness = base.fit(&known, None, FIRST_ROUNDS)?;
    let mut cost = mean_square(&base, &darkness)?;
    // Bows are too far from flat for derivatives to find: a few are tried
    // outright first.
    let mut scan_cost = sample(&state)
        .and_then(|seen| {
            let fit = seen.fit(&known, None, SCAN_ROUNDS)?;
            mean_square(&seen, &fit)
        })
        .unwrap_or(f64::INFINITY);
    let mut best_bows = state.bows;
    for depth in BOW_DEPTHS {
        for axis in 0..2 {
            let mut trial = state.clone();
            if let Some(b) = trial.bows.get_mut(axis) {
                *b = depth;
            }
            let Some(seen) = sample(&trial) else {
                continue;
            };
            let Some(fit) = seen.fit(&known, None, SCAN_ROUNDS) else {
                continue;
            };
            if let Some(c) = mean_square(&seen, &fit).filter(|&c| c < scan_cost * BOW_GAIN) {
                (best_bows, scan_cost) = (trial.bows, c);
            }
        }
    }
    if best_bows != state.bows {
        state.bows = best_bows;
        let seen = sample(&state)?;
        darkness = seen.fit(&known, None, FIRST_ROUNDS)?;
        cost = mean_square(&seen, &darkness)?;
    }
    let mut damping = DAMPING;
    for _ in 0..ITERATIONS {
        let Some(region) = state
            .map(size)
            .and_then(|m| Region::new(plane, inverted, &m, size))
        else {
            break;
        };
        let base = region.observe(&state.psf, 1, None);
        let Some((jtj, jtr)) = normal_equations(&region, &base, &state, size, &darkness) else {
            break;
        };
        let n = jtr.len();
        let mut accepted = false;
        for _ in 0..TRIES {
            // Damped on the diagonal, with a floor so that a parameter the
            // pixels do not feel stays put rather than making the system
            // singular.
            let floor = (0..n)
                .map(|a| jtj.get(a * n + a).copied().unwrap_or(0.0))
                .fold(0.0, f64::max)
                * 1e-6;
            let mut damped = jtj.clone();
            for a in 0..n {
                if let Some(v) = damped.get_mut(a * n + a) {
                    *v = *v * (1.0 + damping) + floor;
                }
            }
            let Some(delta) = solve(damped, jtr.iter().map(|v| -v).collect(), n) else {
                damping *= 4.0;
                continue;
            };
            // The step, then (held darkness makes Gauss-Newton timid: the
            // darkness refitted to a misplaced grid hides part of the
            // misplacement) twice and four times it while each does better.
            let try_at = |k: f64| -> Option<(State, Vec<f32>, f64)> {
                let trial = delta
                    .iter()
                    .enumerate()
                    .fold(state.clone(), |s, (j, &d)| s.moved(j, d * k));
                let seen = sample(&trial)?;
                let refit = seen.fit(&known, Some(&darkness), STEP_ROUNDS)?;
                let c = mean_square(&seen, &refit)?;
                Some((trial, refit, c))
            };
            let Some(mut best) = try_at(1.0).filter(|t| t.2 < cost) else {
                damping *= 4.0;
                continue;
            };
            for k in STRETCHES {
                match try_at(k) {
                    Some(t) if t.2 < best.2 => best = t,
                    _ => break,
                }
            }
            let moved = state
                .corners
                .iter()
                .zip(&best.0.corners)
                .map(|(a, b)| dist(*a, *b))
                .fold(0.0, f64::max);
            (state, darkness, cost) = best;
            damping = (damping / 3.0).max(DAMPING / 10.0);
            accepted = moved >= SETTLED;
            break;
        }
        if !accepted {
            break;
        }
    }
    Some((state.map(size)?, state.psf))
}

/// The mean squared residual of observations under `darkness`, the light
/// fitted.
fn mean_square(seen: &Observations, darkness: &[f32]) -> Option<f64> {
    let r = seen.residual(darkness);
    r.is_finite().then_some(r * r)
}

/// The Gauss-Newton normal equations (JᵀJ, Jᵀr) for all parameters, the
/// darkness held. Moving the grid by a small displacement D moves the
/// rendered image with it (z' ≈ z − ∇z·D), so the geometric parameters'
/// derivatives come from the rendering's own gradient and each parameter's
/// displacement at each pixel's module coordinates; only the blur's
/// parameters are rendered again. Every [`JACOBIAN_STRIDE`]-th pixel along
/// each axis contributes.
fn normal_equations(
    region: &Region,
    base: &Observations,
    state: &State,
    size: usize,
    darkness: &[f32],
) -> Option<(Vec<f64>, Vec<f64>)> {
    let z0 = base.blurred(darkness);
    let light = base.fit_light(&z0)?;
    let pixels = base.pixels();
    let (x0, y0) = pixels
        .iter()
        .fold((u32::MAX, u32::MAX), |(x, y), p| (x.min(p[0]), y.min(p[1])));
    let (x1, y1) = pixels
        .iter()
        .fold((0, 0), |(x, y), p| (x.max(p[0]), y.max(p[1])));
    let width = (x1.checked_sub(x0)? + 1) as usize;
    let height = (y1.checked_sub(y0)? + 1) as usize;
    let slot = |p: [u32; 2]| -> Option<usize> {
        (p[0] >= x0 && p[1] >= y0 && p[0] <= x1 && p[1] <= y1)
            .then(|| (p[1] - y0) as usize * width + (p[0] - x0) as usize)
    };
    // The rendering by place, for gradients and for matching the blur's
    // re-renderings.
    let mut rendered = vec![f32::NAN; width * height];
    for (p, &z) in pixels.iter().zip(&z0) {
        if let Some(v) = slot(*p).and_then(|i| rendered.get_mut(i)) {
            *v = z;
        }
    }
    let at = |x: i64, y: i64| -> Option<f64> {
        if x < 0 || y < 0 {
            return None;
        }
        let v = *rendered.get(slot([x as u32, y as u32])?)?;
        (!v.is_nan()).then_some(f64::from(v))
    };
    let map = state.map(size)?;
    let geometric = MOVES + 2;
    let moved: Vec<Bent> = (0..geometric)
        .map(|j| state.moved(j, State::step(j)).map(size))
        .collect::<Option<_>>()?;
    let blur_renders: Vec<Vec<f32>> = (geometric..state.parameters())
        .map(|j| {
            let psf = state.moved(j, State::step(j)).psf;
            let seen = region.observe(&psf, 1, None);
            let z = seen.blurred(darkness);
            let mut out = vec![f32::NAN; width * height];
            for (p, v) in seen.pixels().iter().zip(z) {
                if let Some(o) = slot(*p).and_then(|i| out.get_mut(i)) {
                    *o = v;
                }
            }
            out
        })
        .collect();
    let n = state.parameters();
    let mut jtj = vec![0.0f64; n * n];
    let mut jtr = vec![0.0f64; n];
    let mut row = vec![0.0f64; n];
    let stride = JACOBIAN_STRIDE as u32;
    for (k, p) in pixels.iter().enumerate() {
        if p[0] % stride != 0 || p[1] % stride != 0 {
            continue;
        }
        let (x, y) = (i64::from(p[0]), i64::from(p[1]));
        let (Some(xl), Some(xr), Some(yu), Some(yd)) =
            (at(x - 1, y), at(x + 1, y), at(x, y - 1), at(x, y + 1))
        else {
            continue;
        };
        let gradient = [(xr - xl) / 2.0, (yd - yu) / 2.0];
        let (Some(&(o, g)), Some(&z), Some(&luma), Some(&uv)) = (
            light.get(k),
            z0.get(k),
            base.luma().get(k),
            base.coords().get(k),
        ) else {
            continue;
        };
        let uv = [f64::from(uv[0]), f64::from(uv[1])];
        let here = map.map(uv);
        let g = f64::from(g);
        let mut complete = true;
        for (j, slot_j) in row.iter_mut().enumerate() {
            *slot_j = if j < geometric {
                let there = moved.get(j).map_or(here, |m| m.map(uv));
                let h = State::step(j);
                let d = [(there[0] - here[0]) / h, (there[1] - here[1]) / h];
                g * (gradient[0] * d[0] + gradient[1] * d[1])
            } else {
                let v = blur_renders
                    .get(j - geometric)
                    .and_then(|r| r.get(slot(*p).unwrap_or(usize::MAX)))
                    .copied()
                    .unwrap_or(f32::NAN);
                if v.is_nan() {
                    complete = false;
                    0.0
                } else {
                    -g * f64::from(v - z) / State::step(j)
                }
            };
        }
        if !complete {
            continue;
        }
        let r = f64::from(o - z * g as f32 - luma);
        for (a, &ja) in row.iter().enumerate() {
            if let Some(v) = jtr.get_mut(a) {
                *v += ja * r;
            }
            for (b, &jb) in row.iter().enumerate() {
                if let Some(v) = jtj.get_mut(a * n + b) {
                    *v += ja * jb;
                }
            }
        }
    }
    Some((jtj, jtr))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::test_render::{render_hallmark, HALLMARK as TEXT};

    #[test]
    fn finds_a_streaked_codes_placement_and_streak() {
        // A hallmark at 3 px per module streaked over 8 px (2.7 modules).
        let streak = Psf::motion(8.0, 0.0);
        let (size, _, image) = render_hallmark(3, 6, &streak, 40.0);
        let truth = corners_of(&image.map, size);
        // Placed one and a half pixels and more off (half a module), with a
        // streak a third too long.
        let off = [[1.8, -0.6], [-1.4, 0.8], [1.6, 1.2], [-1.0, -0.9]];
        let start: Vec<Pt> = truth
            .iter()
            .zip(off)
            .map(|(t, o)| [t[0] + o[0], t[1] + o[1]])
            .collect();
        let start = placed([start[0], start[1], start[2], start[3]], size).unwrap();
        let as_placed =
            crate::scan::model_read::prepare(&image.plane, false, &start, size).unwrap();
        assert_eq!(
            as_placed.read(),
            None,
            "read as placed: the test means nothing"
        );
        let (fitted, psf) =
            align(&image.plane, false, &start, size, &Psf::motion(10.7, 0.0)).unwrap();
        for (got, want) in corners_of(&fitted, size).iter().zip(truth) {
            assert!(dist(*got, want) < 0.5, "{got:?} vs {want:?}");
        }
        let width = psf.taps().iter().filter(|t| t.2 > 0.05).count();
        assert!((7..=9).contains(&width), "streak of {width} taps");
        // Placed there, the model reads it.
        let mut read =
            crate::scan::model_read::prepare(&image.plane, false, &fitted, size).unwrap();
        read.prefer(psf);
        assert_eq!(read.read().as_deref(), Some(TEXT.as_bytes()));
    }
}
