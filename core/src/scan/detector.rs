//! Touchmark's own detector: finder patterns along scan lines, triples, grid
//! sampling, then rqrr's decoder through its `BitGrid` interface.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::binarize::Bitmap;
use super::decode::code_from_bytes;
use super::finder::find_finders;
use super::grid::{sample, sizes, triples};
use super::rqrr_bitmap::{bounding_box, Found};

/// At most this many finder candidates enter the triple search (n³ pairs).
const MAX_CANDIDATES: usize = 30;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::binarize::{binarize, Threshold};
    use crate::scan::plane::Plane;

    /// Prints what the detector sees in `TM_DEBUG_IMAGE`; run with --ignored --nocapture.
    #[test]
    #[ignore]
    fn debug_image() {
        let Some(path) = std::env::var_os("TM_DEBUG_IMAGE") else {
            return;
        };
        let bytes = std::fs::read(path).unwrap();
        let luma =
            crate::scan::decode_to_luma(&bytes, &crate::scan::ScanLimits::default()).unwrap();
        let (w, h) = luma.dimensions();
        let plane = Plane {
            data: luma.into_raw(),
            width: w as usize,
            height: h as usize,
        };
        for inverted in [false, true] {
            let bitmap = binarize(
                &plane,
                Threshold::for_size(plane.width, plane.height, 4, inverted),
            );
            if let Some(out) = std::env::var_os("TM_DEBUG_BITMAP") {
                let img = image::GrayImage::from_fn(w, h, |x, y| {
                    image::Luma([if bitmap.get(x as usize, y as usize) {
                        0
                    } else {
                        255
                    }])
                });
                img.save(format!("{}-{inverted}.png", out.to_string_lossy()))
                    .unwrap();
            }
            let finders = find_finders(&bitmap);
            println!("{w}x{h} inverted={inverted} finders={}", finders.len());
            for f in finders.iter().take(8) {
                println!("  {f:?}");
            }
            for t in triples(&finders, MAX_CANDIDATES).iter().take(3) {
                println!("  triple {t:?} sizes {:?}", sizes(&bitmap, t));
                for size in sizes(&bitmap, t) {
                    for grid in sample(&bitmap, t, size) {
                        let r = rqrr::Grid::new(grid.clone()).decode_to(Vec::new());
                        println!("    size {size} corners {:?} -> {r:?}", grid.corners);
                        if std::env::var_os("TM_DEBUG_GRID").is_some() {
                            use rqrr::BitGrid;
                            for y in 0..size {
                                let line: String = (0..size)
                                    .map(|x| if grid.bit(y, x) { '#' } else { '.' })
                                    .collect();
                                println!("      {line}");
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod survey {
    use super::*;
    use crate::scan::binarize::{binarize, Threshold};
    use crate::scan::plane::Plane;

    /// One line per file in `TM_SURVEY` (a file listing paths): finders,
    /// triples, and the best decode error. Run with --ignored --nocapture.
    #[test]
    #[ignore]
    fn survey() {
        let Some(list) = std::env::var_os("TM_SURVEY") else {
            return;
        };
        let list = std::fs::read_to_string(list).unwrap();
        for path in list.lines() {
            let bytes = std::fs::read(path).unwrap();
            let luma =
                crate::scan::decode_to_luma(&bytes, &crate::scan::ScanLimits::default()).unwrap();
            let (w, h) = luma.dimensions();
            let mut plane = Plane {
                data: luma.into_raw(),
                width: w as usize,
                height: h as usize,
            };
            while plane.width.max(plane.height) > 1024 {
                plane = plane.half();
            }
            let bitmap = binarize(
                &plane,
                Threshold::for_size(plane.width, plane.height, 4, false),
            );
            let finders = find_finders(&bitmap);
            let ts = triples(&finders, MAX_CANDIDATES);
            let mut errs = Vec::new();
            for t in ts.iter().take(3) {
                for size in sizes(&bitmap, t) {
                    for grid in sample(&bitmap, t, size) {
                        let r = rqrr::Grid::new(grid).decode_to(Vec::new());
                        errs.push(format!("{size}:{:?}", r.map(|_| ()).err()));
                    }
                }
            }
            println!(
                "{path} {}x{} finders={} triples={} {}",
                plane.width,
                plane.height,
                finders.len(),
                ts.len(),
                errs.join(" ")
            );
        }
    }
}
