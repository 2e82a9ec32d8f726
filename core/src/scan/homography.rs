//! Perspective transforms between a code's module grid and image pixels.

/// A 2-D point in floating-point pixel or module coordinates.
pub type Pt = [f64; 2];

/// The distance between two points (a plain square root: `f64::hypot` is a
/// libm call, measurably slower in the triple search).
pub fn dist(a: Pt, b: Pt) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// A projective transform `(u, v) → (x, y)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Homography {
    m: [f64; 9],
}

impl Homography {
    /// The transform taking the unit square (0,0),(1,0),(1,1),(0,1) to the quad.
    fn square_to_quad(q: [Pt; 4]) -> Option<Self> {
        let [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q;
        let dx3 = x0 - x1 + x2 - x3;
        let dy3 = y0 - y1 + y2 - y3;
        if dx3.abs() < 1e-9 && dy3.abs() < 1e-9 {
            return Some(Self {
                m: [x1 - x0, x2 - x1, x0, y1 - y0, y2 - y1, y0, 0.0, 0.0, 1.0],
            });
        }
        let dx1 = x1 - x2;
        let dx2 = x3 - x2;
        let dy1 = y1 - y2;
        let dy2 = y3 - y2;
        let den = dx1 * dy2 - dx2 * dy1;
        if den.abs() < 1e-12 {
            return None;
        }
        let g = (dx3 * dy2 - dx2 * dy3) / den;
        let h = (dx1 * dy3 - dx3 * dy1) / den;
        Some(Self {
            m: [
                x1 - x0 + g * x1,
                x3 - x0 + h * x3,
                x0,
                y1 - y0 + g * y1,
                y3 - y0 + h * y3,
                y0,
                g,
                h,
                1.0,
            ],
        })
    }

    fn adjugate(&self) -> Self {
        let [a, b, c, d, e, f, g, h, i] = self.m;
        Self {
            m: [
                e * i - f * h,
                c * h - b * i,
                b * f - c * e,
                f * g - d * i,
                a * i - c * g,
                c * d - a * f,
                d * h - e * g,
                b * g - a * h,
                a * e - b * d,
            ],
        }
    }

    fn then(&self, next: &Self) -> Self {
        let a = &self.m;
        let b = &next.m;
        let mut m = [0.0; 9];
        for (k, slot) in m.iter_mut().enumerate() {
            let (r, c) = (k / 3, k % 3);
            *slot = (0..3)
                .map(|j| b.get(r * 3 + j).unwrap_or(&0.0) * a.get(j * 3 + c).unwrap_or(&0.0))
                .sum();
        }
        Self { m }
    }

    /// The transform taking quad `from` to quad `to` (corners in matching order).
    pub fn between(from: [Pt; 4], to: [Pt; 4]) -> Option<Self> {
        let s_from = Self::square_to_quad(from)?;
        let s_to = Self::square_to_quad(to)?;
        // from → square (inverse, up to scale, is the adjugate) → to.
        Some(s_from.adjugate().then(&s_to))
    }

    /// Maps a point.
    pub fn map(&self, p: Pt) -> Pt {
        let [a, b, c, d, e, f, g, h, i] = self.m;
        let w = g * p[0] + h * p[1] + i;
        if w.abs() < 1e-12 {
            return [f64::NAN, f64::NAN];
        }
        [(a * p[0] + b * p[1] + c) / w, (d * p[0] + e * p[1] + f) / w]
    }
}

/// Anything that maps module coordinates (column, row) to pixels.
pub trait ModuleMap {
    /// The pixel position of module coordinates `p`.
    fn map(&self, p: Pt) -> Pt;
}

impl ModuleMap for Homography {
    fn map(&self, p: Pt) -> Pt {
        Homography::map(self, p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_corners_to_corners() {
        let from = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
        let to = [[5.0, 7.0], [50.0, 3.0], [60.0, 55.0], [2.0, 40.0]];
        let h = Homography::between(from, to).unwrap();
        for (f, t) in from.iter().zip(to.iter()) {
            let m = h.map(*f);
            assert!(
                (m[0] - t[0]).abs() < 1e-6 && (m[1] - t[1]).abs() < 1e-6,
                "{m:?} {t:?}"
            );
        }
    }
}
