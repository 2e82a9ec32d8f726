//! Small codes on curved metal. A hallmark etched on a ring wraps around a
//! cylinder: seen off-axis, the module rows (or columns) across the axis bend
//! into arcs, so a homography through the finders drifts by up to a module in
//! the middle. Codes below version 7 have at most one alignment pattern, too
//! few anchors to follow the bend; instead a bow of a few candidate depths is
//! added to the homography along either axis, and the timing patterns and
//! Reed-Solomon decide which fits.

use super::homography::{Homography, ModuleMap, Pt};

/// Bow depths tried, in modules at the code's middle, both signs.
pub const DEPTHS: [f64; 4] = [0.3, 0.6, 1.0, 1.5];

/// A homography plus a parabolic bow that is zero on the finder centres' rows
/// (or columns) and `depth` modules midway between them.
#[derive(Debug, Clone, Copy)]
pub struct Bowed {
    /// The whole-code homography through the finders.
    pub homography: Homography,
    /// Code size in modules.
    pub size: usize,
    /// Signed bow depth, modules.
    pub depth: f64,
    /// True: columns bow sideways as rows go down; false: rows bow.
    pub columns: bool,
}

impl ModuleMap for Bowed {
    fn map(&self, p: Pt) -> Pt {
        let s = self.size as f64;
        let half = (s - 7.0) / 2.0;
        // Zero at 3.5 and s − 3.5 (finder centres), one in the middle.
        let along = if self.columns { p[1] } else { p[0] };
        let t = (along - 3.5) * (s - 3.5 - along) / (half * half);
        let shift = self.depth * t;
        let q = if self.columns {
            [p[0] + shift, p[1]]
        } else {
            [p[0], p[1] + shift]
        };
        self.homography.map(q)
    }
}

/// A homography plus a bow along both axes (see [`Bowed`]): what the pixel
/// model fits to a curved code (`align`).
#[derive(Debug, Clone, Copy)]
pub struct Bent {
    /// The whole-code homography.
    pub homography: Homography,
    /// Code size in modules.
    pub size: usize,
    /// Signed bow of the columns (sideways as rows go down), modules.
    pub columns: f64,
    /// Signed bow of the rows, modules.
    pub rows: f64,
}

impl ModuleMap for Bent {
    fn map(&self, p: Pt) -> Pt {
        let s = self.size as f64;
        let half = (s - 7.0) / 2.0;
        let t = |along: f64| (along - 3.5) * (s - 3.5 - along) / (half * half);
        self.homography
            .map([p[0] + self.columns * t(p[1]), p[1] + self.rows * t(p[0])])
    }
}

/// The bowed variants of a placement worth trying, shallow first.
pub fn variants(homography: Homography, size: usize) -> impl Iterator<Item = Bowed> {
    DEPTHS.into_iter().flat_map(move |d| {
        [(d, true), (-d, true), (d, false), (-d, false)].map(|(depth, columns)| Bowed {
            homography,
            size,
            depth,
            columns,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finder_centres_stay_put_and_the_middle_moves() {
        let size = 25usize;
        let s = size as f64;
        let h = Homography::between(
            [[0.0, 0.0], [s, 0.0], [s, s], [0.0, s]],
            [[0.0, 0.0], [s, 0.0], [s, s], [0.0, s]],
        )
        .unwrap();
        let bow = Bowed {
            homography: h,
            size,
            depth: 1.0,
            columns: true,
        };
        for p in [[3.5, 3.5], [s - 3.5, 3.5], [3.5, s - 3.5]] {
            let m = bow.map(p);
            assert!((m[0] - p[0]).abs() < 1e-9 && (m[1] - p[1]).abs() < 1e-9);
        }
        let mid = bow.map([10.0, s / 2.0]);
        assert!((mid[0] - 11.0).abs() < 1e-9 && (mid[1] - s / 2.0).abs() < 1e-9);
        assert_eq!(variants(h, size).count(), DEPTHS.len() * 4);
    }
}
