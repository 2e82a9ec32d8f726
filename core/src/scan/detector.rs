//! Touchmark's own detector: finder patterns along scan lines, triples, grid
//! sampling, then rqrr's decoder through its `BitGrid` interface.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::binarize::Bitmap;
use super::decode::code_from_bytes;
use super::finder::find_finders;
use super::grid::{sample, sizes, triples};
use super::rqrr_bitmap::{bounding_box, Found};

/// At most this many finder candidates enter the triple search (n³ triples,
/// each a few distance checks). Dense version-40 codes at one pixel per
/// module hold dozens of chance finder-like runs: 30 missed their real ones.
const MAX_CANDIDATES: usize = 60;
/// At most this many triples are sampled and decoded per bitmap.
const MAX_TRIPLES: usize = 12;

/// Detects and decodes all codes in the bitmap.
pub fn find_in_bitmap(bitmap: &Bitmap) -> Found {
    let finders = find_finders(bitmap);
    let mut used = vec![false; finders.len()];
    let mut found = Found {
        finders: finders.len(),
        smallest_module: None,
        ..Found::default()
    };
    for t in triples(&finders, MAX_CANDIDATES).iter().take(MAX_TRIPLES) {
        if t.members
            .iter()
            .any(|&m| used.get(m).copied().unwrap_or(true))
        {
            continue;
        }
        found.located += 1;
        if found.region.is_none() {
            let m = t.module * 4.0;
            found.region =
                bounding_box(&t.centres).map(|b| [b[0] - m, b[1] - m, b[2] + m, b[3] + m]);
        }
        found.smallest_module = Some(found.smallest_module.map_or(t.module, |m| m.min(t.module)));
        'sizes: for size in sizes(bitmap, t) {
            for grid in sample(bitmap, t, size) {
                if !grid.plausible() {
                    continue;
                }
                let corners = grid.corners.map(|p| [p[0] as f32, p[1] as f32]);
                let mut bytes = Vec::new();
                let ok = catch_unwind(AssertUnwindSafe(|| {
                    rqrr::Grid::new(grid).decode_to(&mut bytes).is_ok()
                }))
                .unwrap_or(false);
                if ok {
                    for &m in &t.members {
                        if let Some(u) = used.get_mut(m) {
                            *u = true;
                        }
                    }
                    found.codes.push(code_from_bytes(bytes, corners));
                    break 'sizes;
                }
            }
        }
    }
    found
}
