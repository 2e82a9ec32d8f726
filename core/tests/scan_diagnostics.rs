//! Capture diagnostics a person can act on.
#![cfg(feature = "scan")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod scan_support;

use scan_support::{blur, damaged_hallmark, render, Look, HALLMARK};
use touchmark::scan::{scan_luma, CaptureProblem, LumaFrame, ScanLimits};

fn problem(data: &[u8], w: usize, h: usize) -> Option<CaptureProblem> {
    let frame = LumaFrame {
        data,
        width: w as u32,
        height: h as u32,
        stride: w as u32,
    };
    scan_luma(&frame, &ScanLimits::default()).unwrap().problem
}

#[test]
fn blank_image_has_no_code() {
    assert_eq!(
        problem(&vec![140u8; 200 * 150], 200, 150),
        Some(CaptureProblem::NoCodeFound)
    );
}

#[test]
fn foreign_code_is_not_touchmark() {
    let data = render("https://example.com/", 200, 200, Look::default());
    assert_eq!(problem(&data, 200, 200), Some(CaptureProblem::NotTouchmark));
}

#[test]
fn touchmark_code_has_no_problem() {
    let data = render(HALLMARK, 200, 200, Look::default());
    assert_eq!(problem(&data, 200, 200), None);
}

#[test]
fn heavy_blur_is_reported() {
    let (w, h) = (240, 240);
    let mut data = render(HALLMARK, w, h, Look::default());
    blur(&mut data, w, h, 4, 3);
    assert_eq!(problem(&data, w, h), Some(CaptureProblem::TooBlurred));
}

#[test]
fn damaged_code_is_unreadable() {
    let (w, h) = (240, 240);
    // A band through the data area wiped, the finders intact.
    let data = damaged_hallmark(w, h);
    assert_eq!(problem(&data, w, h), Some(CaptureProblem::Unreadable));
}

#[test]
fn glare_over_the_code_is_reported() {
    let (w, h) = (240, 240);
    let look = Look {
        dark: 60.0,
        light: 200.0,
        ..Look::default()
    };
    let mut data = render(HALLMARK, w, h, look);
    for y in 0..h {
        for x in 0..w {
            let d2 = (x as f64 - 120.0).powi(2) + (y as f64 - 115.0).powi(2);
            let v = f64::from(data[y * w + x]) + 400.0 * (-d2 / (2.0 * 18.0 * 18.0)).exp();
            data[y * w + x] = v.min(255.0) as u8;
        }
    }
    assert_eq!(problem(&data, w, h), Some(CaptureProblem::GlareSuspected));
}

#[test]
fn tiny_code_in_a_large_frame_is_too_small() {
    let (w, h) = (1200, 900);
    let look = Look {
        module: 1.3,
        ..Look::default()
    };
    let data = render(&scan_support::certificate_text(), w, h, look);
    assert_eq!(problem(&data, w, h), Some(CaptureProblem::TooSmall));
}

#[test]
fn committed_unreadable_images_get_their_problem() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/images/diagnostics");
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let images = manifest["images"].as_array().unwrap();
    assert!(!images.is_empty());
    for entry in images {
        let file = entry["file"].as_str().unwrap();
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let outcome = touchmark::scan::scan_image(&bytes, &ScanLimits::default()).unwrap();
        let got = serde_json::to_value(outcome.problem).unwrap();
        assert_eq!(got, entry["problem"], "{file}");
    }
}
