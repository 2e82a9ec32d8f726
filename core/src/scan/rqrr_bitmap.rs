//! rqrr's finder-pattern detector runs over our own binarized bitmap instead of
//! rqrr's row-wise threshold; its grids go to our grid decoder. Panics inside
//! rqrr are contained.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::binarize::Bitmap;
use super::decode::code_from_bytes;
use super::detector::Unread;
use super::grid_decode::decode_bits;
use super::ScannedCode;

/// Codes read from one bitmap, plus the number of code locations found.
#[derive(Debug, Default)]
pub struct Found {
    /// Decoded codes, corners in bitmap coordinates.
    pub codes: Vec<ScannedCode>,
    /// Code locations (three finder patterns that fit together), read or not.
    pub located: usize,
    /// Code locations of more than version 6 (41 modules) that were not
    /// read, and whose timing patterns fit like a code's: a certificate may
    /// be there.
    pub unread_large: usize,
    /// Finder-pattern candidates seen.
    pub finders: usize,
    /// The module size of the first code located, in bitmap pixels (our
    /// detector's; rqrr's does not report one).
    pub module: Option<f64>,
    /// Bounding box (x0, y0, x1, y1) of the first code located, in bitmap pixels.
    pub region: Option<[f64; 4]>,
    /// Small codes located by our detector and not read, in bitmap pixels.
    pub unread: Vec<Unread>,
}

/// The bounding box of some points.
pub fn bounding_box(points: &[[f64; 2]]) -> Option<[f64; 4]> {
    let first = points.first()?;
    Some(
        points
            .iter()
            .fold([first[0], first[1], first[0], first[1]], |b, p| {
                [
                    b[0].min(p[0]),
                    b[1].min(p[1]),
                    b[2].max(p[0]),
                    b[3].max(p[1]),
                ]
            }),
    )
}

/// Detects and decodes all codes in the bitmap.
pub fn find_in_bitmap(bitmap: &Bitmap) -> Found {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut prepared =
            rqrr::PreparedImage::prepare_from_bitmap(bitmap.width, bitmap.height, |x, y| {
                bitmap.get(x, y)
            });
        let grids = prepared.detect_grids();
        let located = grids.len();
        let region = grids
            .first()
            .and_then(|g| bounding_box(&g.bounds.map(|p| [f64::from(p.x), f64::from(p.y)])));
        let codes = grids
            .iter()
            .filter_map(|grid| {
                let size = rqrr::BitGrid::size(&grid.grid);
                let bytes = decode_bits(size, |y, x| rqrr::BitGrid::bit(&grid.grid, y, x))?;
                let corners = grid.bounds.map(|p| [p.x as f32, p.y as f32]);
                Some(code_from_bytes(bytes, corners))
            })
            .collect::<Vec<_>>();
        Found {
            codes,
            located,
            region,
            ..Found::default()
        }
    }));
    result.unwrap_or(Found {
        located: 1,
        ..Found::default()
    })
}
