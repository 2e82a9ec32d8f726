//! Point-spread functions: how a camera spreads one point of the scene over
//! neighbouring pixels. The pixel-model reader (`model_read`) tries a small
//! family on a blurred code and keeps the one its pixels fit best: none, out
//! of focus (Gaussian) at five widths, and a shaken hand (a straight,
//! uniform streak) at four lengths in eight directions, all sized in modules
//! of the code at hand.

use std::f64::consts::PI;

/// The widest spread modelled, in pixels from the centre.
const MAX_RADIUS: i32 = 14;
/// Taps lighter than this share of the whole are dropped.
const MIN_TAP: f64 = 3e-3;
/// Defocus widths (Gaussian σ) tried, in modules.
const DEFOCUS_MODULES: [f64; 5] = [0.25, 0.4, 0.55, 0.7, 0.85];
/// Motion streak lengths tried, in modules.
const MOTION_MODULES: [f64; 4] = [1.5, 2.5, 3.5, 4.5];
/// Motion directions tried (half turns divided this many ways).
const MOTION_DIRECTIONS: usize = 8;
/// Widths tried around the best candidate, as its multiples.
const REFINE_SCALES: [f64; 4] = [0.82, 0.91, 1.1, 1.2];

/// What made a point-spread function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// No blur.
    Sharp,
    /// Out of focus: a Gaussian of this σ, pixels.
    Defocus(f64),
    /// A streak of this length (pixels) at this angle (radians).
    Motion(f64, f64),
}

/// A point-spread function: weights over pixel offsets, summing to 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Psf {
    /// Non-zero taps: x offset, y offset, weight.
    taps: Vec<(i32, i32, f32)>,
    /// The largest offset along either axis.
    radius: i32,
    /// What it models.
    shape: Shape,
}

impl Psf {
    /// No blur.
    pub fn sharp() -> Self {
        Self {
            taps: vec![(0, 0, 1.0)],
            radius: 0,
            shape: Shape::Sharp,
        }
    }

    /// Normalises raw weights over a square of half-side `radius` (row
    /// after row) into taps, dropping negligible ones (fewer taps, faster
    /// models).
    fn from_weights(weights: &[f64], radius: i32, shape: Shape) -> Self {
        let side = (2 * radius + 1) as usize;
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return Self::sharp();
        }
        let kept: f64 = weights.iter().filter(|&&w| w / total > MIN_TAP).sum();
        let mut taps = Vec::new();
        for (i, &w) in weights.iter().enumerate() {
            if w / total > MIN_TAP {
                let (y, x) = ((i / side) as i32 - radius, (i % side) as i32 - radius);
                taps.push((x, y, (w / kept) as f32));
            }
        }
        let radius = taps
            .iter()
            .map(|&(x, y, _)| x.abs().max(y.abs()))
            .max()
            .unwrap_or(0);
        Self {
            taps,
            radius,
            shape,
        }
    }

    /// Defocus: a Gaussian of standard deviation `sigma` pixels, cut at 2.5 σ.
    pub fn gaussian(sigma: f64) -> Self {
        if sigma < 0.2 {
            return Self::sharp();
        }
        let radius = ((2.5 * sigma).ceil() as i32).clamp(1, MAX_RADIUS);
        let side = (2 * radius + 1) as usize;
        let weights: Vec<f64> = (0..side * side)
            .map(|i| {
                let (y, x) = (
                    (i / side) as f64 - f64::from(radius),
                    (i % side) as f64 - f64::from(radius),
                );
                (-(x * x + y * y) / (2.0 * sigma * sigma)).exp()
            })
            .collect();
        Self::from_weights(&weights, radius, Shape::Defocus(sigma))
    }

    /// Motion: a uniform streak `length` pixels long at `angle` radians from
    /// the x axis, centred.
    pub fn motion(length: f64, angle: f64) -> Self {
        if length <= 1.0 {
            return Self::sharp();
        }
        let length = length.min(f64::from(2 * MAX_RADIUS - 1));
        let radius = ((length / 2.0).ceil() as i32 + 1).min(MAX_RADIUS);
        let side = (2 * radius + 1) as usize;
        let mut weights = vec![0.0f64; side * side];
        let (dx, dy) = (angle.cos(), angle.sin());
        // Each pixel gets the length of streak crossing it: dense points
        // along the streak, each to the pixel it falls in.
        let steps = (16.0 * length).ceil() as usize;
        for k in 0..steps {
            let t = -length / 2.0 + (k as f64 + 0.5) * length / steps as f64;
            let (x, y) = (
                (t * dx).round() as i64 + i64::from(radius),
                (t * dy).round() as i64 + i64::from(radius),
            );
            if (0..side as i64).contains(&x) && (0..side as i64).contains(&y) {
                if let Some(slot) = weights.get_mut(y as usize * side + x as usize) {
                    *slot += 1.0;
                }
            }
        }
        Self::from_weights(&weights, radius, Shape::Motion(length, angle))
    }

    /// The non-zero taps: x offset, y offset, weight.
    pub fn taps(&self) -> &[(i32, i32, f32)] {
        &self.taps
    }

    /// The largest offset along either axis, pixels.
    pub fn radius(&self) -> i32 {
        self.radius
    }

    /// The same kind of blur `factor` times as wide and, for motion, turned
    /// by `turn` radians.
    pub fn adjusted(&self, factor: f64, turn: f64) -> Psf {
        match self.shape {
            Shape::Sharp => Psf::sharp(),
            Shape::Defocus(sigma) => Psf::gaussian(sigma * factor),
            Shape::Motion(length, angle) => Psf::motion(length * factor, angle + turn),
        }
    }

    /// How many shape parameters it has: width, and for motion the angle.
    pub fn parameters(&self) -> usize {
        match self.shape {
            Shape::Sharp => 0,
            Shape::Defocus(_) => 1,
            Shape::Motion(..) => 2,
        }
    }

    /// Functions of the same kind a little narrower and wider (and, for
    /// motion, turned a little either way): the candidates' grid is coarse,
    /// and the model is sensitive to a blur's exact width.
    pub fn neighbours(&self) -> Vec<Psf> {
        match self.shape {
            Shape::Sharp => Vec::new(),
            Shape::Defocus(sigma) => REFINE_SCALES
                .iter()
                .map(|k| Psf::gaussian(sigma * k))
                .collect(),
            Shape::Motion(length, angle) => {
                let turn = PI / (2 * MOTION_DIRECTIONS) as f64;
                let mut out: Vec<Psf> = REFINE_SCALES
                    .iter()
                    .map(|k| Psf::motion(length * k, angle))
                    .collect();
                out.push(Psf::motion(length, angle - turn));
                out.push(Psf::motion(length, angle + turn));
                out
            }
        }
    }
}

/// The candidates for a code of `module` pixels per module: sharp, then
/// defocus, then motion, each from the mildest. With `coarse`, every other
/// width, length and direction (11 of 38: enough to tell a code from
/// texture); without, the other 27.
pub fn candidates(module: f64, coarse: bool) -> Vec<Psf> {
    let keep = |i: usize| (i % 2 == 1) == coarse;
    let mut out = Vec::new();
    if coarse {
        out.push(Psf::sharp());
    }
    out.extend(
        DEFOCUS_MODULES
            .iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(_, m)| Psf::gaussian(m * module)),
    );
    for (i, length) in MOTION_MODULES.iter().enumerate() {
        for k in 0..MOTION_DIRECTIONS {
            if keep(i) && k % 2 == 0 || !coarse && k % 2 == 1 {
                let angle = PI * k as f64 / MOTION_DIRECTIONS as f64;
                out.push(Psf::motion(length * module, angle));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(p: &Psf) -> f32 {
        p.taps().iter().map(|t| t.2).sum()
    }

    #[test]
    fn kernels_sum_to_one_and_stay_centred() {
        let all: Vec<Psf> = candidates(2.5, true)
            .into_iter()
            .chain(candidates(2.5, false))
            .collect();
        for p in all {
            assert!((total(&p) - 1.0).abs() < 1e-4, "{p:?}");
            let (mx, my): (f32, f32) = p.taps().iter().fold((0.0, 0.0), |(sx, sy), &(x, y, w)| {
                (sx + x as f32 * w, sy + y as f32 * w)
            });
            assert!(mx.abs() < 1e-3 && my.abs() < 1e-3, "off centre: {p:?}");
            assert!(p.radius() <= MAX_RADIUS);
        }
        assert_eq!(candidates(3.0, true).len(), 11);
        assert_eq!(candidates(3.0, false).len(), 5 + 4 * 8 - 10);
    }

    #[test]
    fn a_level_streak_of_nine_is_a_nine_pixel_box() {
        let p = Psf::motion(9.0, 0.0);
        assert_eq!(p.taps().len(), 9);
        for &(x, y, w) in p.taps() {
            assert_eq!(y, 0);
            assert!(x.abs() <= 4);
            assert!((w - 1.0 / 9.0).abs() < 0.02, "{w}");
        }
        // Upright streaks spread along y only.
        assert!(Psf::motion(6.0, PI / 2.0).taps().iter().all(|t| t.0 == 0));
        assert_eq!(Psf::motion(0.5, 1.0), Psf::sharp());
        assert_eq!(Psf::gaussian(0.1), Psf::sharp());
    }
}
