//! Sampling bent codes through every alignment pattern. From version 7 on, a
//! code carries a grid of alignment patterns; on a curved page or a warped
//! print one homography for the whole code drifts by a module or more in the
//! middle, while a homography per cell of the alignment grid stays on the
//! modules. Each alignment pattern is looked for near where its neighbours
//! say it is, so the drift is followed across the code.

use super::binarize::Bitmap;
use super::grid::locate_alignment;
use super::homography::{Homography, ModuleMap, Pt};

/// The smallest version with more than one alignment pattern.
const MIN_VERSION: usize = 7;
/// How far from its predicted place an alignment pattern is looked for, in
/// modules.
const SEARCH_MODULES: f64 = 2.5;

/// Module coordinates of the alignment pattern centres' rows and columns for
/// a version (ISO/IEC 18004 Annex E: first at 6, last at size − 7, the rest
/// evenly spaced by an even step counted back from the last).
pub fn alignment_positions(version: usize) -> Vec<usize> {
    if version < 2 {
        return Vec::new();
    }
    let size = 17 + 4 * version;
    let count = version / 7 + 2;
    let step = if version == 32 {
        26
    } else {
        (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
    };
    let mut positions = vec![6];
    let mut rest: Vec<usize> = (0..count - 1)
        .map(|k| (size - 7).saturating_sub(k * step))
        .collect();
    rest.reverse();
    positions.extend(rest);
    positions
}

/// A module-to-pixel map made of one homography per cell of the alignment
/// grid; modules outside the grid use the nearest cell.
#[derive(Debug, Clone)]
pub struct Piecewise {
    /// Alignment rows / columns, in module coordinates of their centres.
    positions: Vec<f64>,
    /// (n−1)² cell homographies, row after row.
    cells: Vec<Homography>,
}

impl Piecewise {
    /// The cell index along one axis for module coordinate `c`.
    fn cell(&self, c: f64) -> usize {
        let last = self.positions.len().saturating_sub(2);
        self.positions
            .iter()
            .skip(1)
            .position(|&p| c < p)
            .unwrap_or(last)
            .min(last)
    }
}

impl ModuleMap for Piecewise {
    fn map(&self, p: Pt) -> Pt {
        let n = self.positions.len().saturating_sub(1);
        let (i, j) = (self.cell(p[0]), self.cell(p[1]));
        match self.cells.get(j * n + i) {
            Some(h) => h.map(p),
            None => [f64::NAN, f64::NAN],
        }
    }
}

/// Builds the piecewise map of a code of `size` modules from its whole-code
/// homography `global`; None below version 7 or when a cell degenerates.
pub fn piecewise(bitmap: &Bitmap, global: &Homography, size: usize) -> Option<Piecewise> {
    let version = size.checked_sub(17)? / 4;
    if version < MIN_VERSION {
        return None;
    }
    let positions: Vec<f64> = alignment_positions(version)
        .into_iter()
        .map(|p| p as f64 + 0.5)
        .collect();
    let n = positions.len();
    // Displacement of each found anchor from the global prediction.
    let mut anchors: Vec<Pt> = Vec::with_capacity(n * n);
    let mut shifts: Vec<Pt> = Vec::with_capacity(n * n);
    for (j, &row) in positions.iter().enumerate() {
        for (i, &col) in positions.iter().enumerate() {
            let predicted = global.map([col, row]);
            // The three corners next to the finders hold no alignment pattern;
            // the finders pin the global homography there.
            let finder_corner =
                matches!((i, j), (0, 0)) || (i == n - 1 && j == 0) || (i == 0 && j == n - 1);
            if finder_corner {
                anchors.push(predicted);
                shifts.push([0.0, 0.0]);
                continue;
            }
            // Follow the drift of the neighbours already placed.
            let neighbours: Vec<Pt> = [
                (i > 0).then(|| j * n + i - 1),
                (j > 0).then(|| (j - 1) * n + i),
            ]
            .into_iter()
            .flatten()
            .filter_map(|k| shifts.get(k).copied())
            .collect();
            let drift = if neighbours.is_empty() {
                [0.0, 0.0]
            } else {
                let k = neighbours.len() as f64;
                [
                    neighbours.iter().map(|d| d[0]).sum::<f64>() / k,
                    neighbours.iter().map(|d| d[1]).sum::<f64>() / k,
                ]
            };
            let guess = [predicted[0] + drift[0], predicted[1] + drift[1]];
            let origin = global.map([col, row]);
            let right = global.map([col + 1.0, row]);
            let down = global.map([col, row + 1.0]);
            let u = [right[0] - origin[0], right[1] - origin[1]];
            let v = [down[0] - origin[0], down[1] - origin[1]];
            let module = (u[0].hypot(u[1]) + v[0].hypot(v[1])) / 2.0;
            if !module.is_finite() || module <= 0.0 {
                return None;
            }
            let found = locate_alignment(bitmap, guess, module * SEARCH_MODULES, module, u, v);
            let anchor = found.unwrap_or(guess);
            anchors.push(anchor);
            shifts.push([anchor[0] - predicted[0], anchor[1] - predicted[1]]);
        }
    }
    let mut cells = Vec::with_capacity((n - 1) * (n - 1));
    for j in 0..n - 1 {
        for i in 0..n - 1 {
            let at = |a: usize, b: usize| anchors.get(b * n + a).copied();
            let from = [
                [*positions.get(i)?, *positions.get(j)?],
                [*positions.get(i + 1)?, *positions.get(j)?],
                [*positions.get(i + 1)?, *positions.get(j + 1)?],
                [*positions.get(i)?, *positions.get(j + 1)?],
            ];
            let to = [at(i, j)?, at(i + 1, j)?, at(i + 1, j + 1)?, at(i, j + 1)?];
            cells.push(Homography::between(from, to)?);
        }
    }
    Some(Piecewise { positions, cells })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_positions_match_the_standard_table() {
        assert_eq!(alignment_positions(1), Vec::<usize>::new());
        assert_eq!(alignment_positions(2), vec![6, 18]);
        assert_eq!(alignment_positions(7), vec![6, 22, 38]);
        assert_eq!(alignment_positions(14), vec![6, 26, 46, 66]);
        assert_eq!(alignment_positions(32), vec![6, 34, 60, 86, 112, 138]);
        assert_eq!(alignment_positions(36), vec![6, 24, 50, 76, 102, 128, 154]);
        assert_eq!(alignment_positions(40), vec![6, 30, 58, 86, 114, 142, 170]);
    }

    #[test]
    fn cells_cover_the_code_and_agree_with_a_flat_map() {
        // With no bitmap evidence every anchor is the global prediction, so
        // the piecewise map must equal the global one everywhere.
        let size = 45;
        let s = size as f64;
        let global = Homography::between(
            [[0.0, 0.0], [s, 0.0], [s, s], [0.0, s]],
            [[10.0, 20.0], [190.0, 30.0], [200.0, 215.0], [5.0, 200.0]],
        )
        .unwrap();
        let blank = Bitmap {
            bits: vec![0; 256 * 256],
            width: 256,
            height: 256,
        };
        let map = piecewise(&blank, &global, size).unwrap();
        for p in [
            [0.0, 0.0],
            [3.5, 40.0],
            [22.5, 22.5],
            [44.9, 44.9],
            [30.0, 7.0],
        ] {
            let (a, b) = (map.map(p), global.map(p));
            assert!(
                (a[0] - b[0]).abs() < 1e-6 && (a[1] - b[1]).abs() < 1e-6,
                "{p:?}"
            );
        }
        assert!(piecewise(&blank, &global, 41).is_none());
    }
}
