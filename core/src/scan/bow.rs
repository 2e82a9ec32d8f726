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

/// A homography plus a parabolic bow along either axis or both, zero on
/// the finder centres' rows (or columns) and the given depth midway between
/// them: the thresholded reader tries one axis at a time ([`variants`]),
/// the pixel model fits both (`align`).
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
        // Zero at 3.5 and s − 3.5 (finder centres), one in the middle.
        let t = |along: f64| (along - 3.5) * (s - 3.5 - along) / (half * half);
        self.homography
            .map([p[0] + self.columns * t(p[1]), p[1] + self.rows * t(p[0])])
    }
}

/// The bowed variants of a placement worth trying, shallow first.
pub fn variants(homography: Homography, size: usize) -> impl Iterator<Item = Bent> {
    DEPTHS.into_iter().flat_map(move |d| {
        [(d, 0.0), (-d, 0.0), (0.0, d), (0.0, -d)].map(|(columns, rows)| Bent {
            homography,
            size,
            columns,
            rows,
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
        let bow = Bent {
            homography: h,
            size,
            columns: 1.0,
            rows: 0.0,
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
