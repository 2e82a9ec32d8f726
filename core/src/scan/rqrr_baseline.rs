//! The baseline engine: rqrr's own thresholding, detector and decoder over the
//! luma plane, with rqrr panics contained (upstream issue #54). Kept as the
//! benchmark's reference row.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::decode::code_from_bytes;
use super::{LumaFrame, ScannedCode};

/// Finds and decodes codes; also returns how many code locations were found, so a
/// caller can tell "nothing there" from "found but unreadable".
pub fn find_codes(frame: &LumaFrame<'_>) -> (Vec<ScannedCode>, usize) {
    let width = frame.width as usize;
    let height = frame.height as usize;
    let stride = frame.stride as usize;
    let data = frame.data;
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
            data.get(y * stride + x).copied().unwrap_or(255)
        });
        let grids = prepared.detect_grids();
        let located = grids.len();
        let codes = grids
            .iter()
            .filter_map(|grid| {
                let mut bytes = Vec::new();
                grid.decode_to(&mut bytes).ok()?;
                let corners = grid.bounds.map(|p| [p.x as f32, p.y as f32]);
                Some(code_from_bytes(bytes, corners))
            })
            .collect::<Vec<_>>();
        (codes, located)
    }));
    result.unwrap_or((Vec::new(), 1))
}
