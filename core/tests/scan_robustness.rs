//! Each robustness step has a test that the plain-rqrr baseline fails (so the
//! test can fail) and the scanner passes.
#![cfg(feature = "scan")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod scan_support;

use scan_support::{certificate_text, render, Look, HALLMARK};
use touchmark::scan::{
    scan_luma, scan_luma_rqrr_baseline, scan_luma_with, CodeKind, LumaFrame, ScanLimits,
    ScanOptions, ScanOutcome,
};

fn frame(data: &[u8], w: usize, h: usize) -> LumaFrame<'_> {
    LumaFrame {
        data,
        width: w as u32,
        height: h as u32,
        stride: w as u32,
    }
}

fn texts(outcome: &ScanOutcome) -> Vec<&str> {
    outcome.codes.iter().map(|c| c.text.as_str()).collect()
}

#[test]
fn inverted_light_on_dark_hallmark() {
    let (w, h) = (320, 240);
    let look = Look {
        dark: 200.0,
        light: 40.0,
        background: 40.0,
        ..Look::default()
    };
    let data = render(HALLMARK, w, h, look);
    let limits = ScanLimits::default();
    let baseline = scan_luma_rqrr_baseline(&frame(&data, w, h), &limits).unwrap();
    assert!(
        baseline.codes.is_empty(),
        "baseline should not read inverted codes"
    );
    let outcome = scan_luma(&frame(&data, w, h), &limits).unwrap();
    assert_eq!(texts(&outcome), vec![HALLMARK]);
    assert_eq!(outcome.codes[0].kind, CodeKind::Hallmark);
    assert_eq!(outcome.problem, None);
}

#[test]
fn bent_certificate_reads_through_its_alignment_grid() {
    // A certificate on a bent card: rows bow by 1.6 modules in the middle,
    // which one homography through the corners cannot follow.
    let (w, h) = (560, 560);
    let text = certificate_text();
    let look = Look {
        module: 5.0,
        bulge: 1.6,
        ..Look::default()
    };
    let data = render(&text, w, h, look);
    let limits = ScanLimits::default();
    let outcome = scan_luma(&frame(&data, w, h), &limits).unwrap();
    assert_eq!(texts(&outcome), vec![text.as_str()]);
}

#[test]
fn hallmark_on_a_curved_ring() {
    // A hallmark wrapped on a ring: rows bow by 1.6 modules in the middle,
    // rotated 20°. Too small for an alignment grid; read through a bow.
    let (w, h) = (320, 320);
    let look = Look {
        module: 5.0,
        bulge: 1.6,
        angle: 0.35,
        ..Look::default()
    };
    let data = render(HALLMARK, w, h, look);
    let outcome = scan_luma(&frame(&data, w, h), &ScanLimits::default()).unwrap();
    assert_eq!(texts(&outcome), vec![HALLMARK]);
}

#[test]
fn certificate_under_strong_perspective() {
    // Photographed at a slant: the far edge is half as wide as the near one,
    // so the bottom-right alignment pattern lies modules away from where a
    // parallelogram through the finders puts it.
    let (w, h) = (900, 900);
    let text = certificate_text();
    let look = Look {
        module: 5.0,
        tilt: 0.35,
        tilt_x: 0.35,
        angle: 0.3,
        ..Look::default()
    };
    let data = render(&text, w, h, look);
    let outcome = scan_luma(&frame(&data, w, h), &ScanLimits::default()).unwrap();
    assert_eq!(texts(&outcome), vec![text.as_str()]);
}

#[test]
fn low_contrast_under_uneven_light() {
    let (w, h) = (400, 300);
    let look = Look {
        dark: 172.0,
        light: 186.0,
        background: 180.0,
        ramp: 0.3,
        angle: 0.4,
        ..Look::default()
    };
    let data = render(HALLMARK, w, h, look);
    let limits = ScanLimits::default();
    let baseline = scan_luma_rqrr_baseline(&frame(&data, w, h), &limits).unwrap();
    assert!(
        baseline.codes.is_empty(),
        "baseline should fail under a steep ramp"
    );
    let outcome = scan_luma(&frame(&data, w, h), &limits).unwrap();
    assert_eq!(texts(&outcome), vec![HALLMARK]);
}

#[test]
fn rotated_codes_read_at_any_angle() {
    let (w, h) = (300, 300);
    for k in 0..8 {
        let look = Look {
            angle: f64::from(k) * 0.79,
            ..Look::default()
        };
        let data = render(HALLMARK, w, h, look);
        let outcome = scan_luma(&frame(&data, w, h), &ScanLimits::default()).unwrap();
        assert_eq!(texts(&outcome), vec![HALLMARK], "angle step {k}");
    }
}

#[test]
fn certificate_in_a_strided_1080p_frame() {
    let (w, h, stride) = (1920usize, 1080usize, 2048usize);
    let look = Look {
        module: 6.0,
        angle: 0.2,
        ..Look::default()
    };
    let text = certificate_text();
    let packed = render(&text, w, h, look);
    let mut data = vec![0u8; stride * h];
    for y in 0..h {
        data[y * stride..y * stride + w].copy_from_slice(&packed[y * w..(y + 1) * w]);
    }
    let f = LumaFrame {
        data: &data,
        width: w as u32,
        height: h as u32,
        stride: stride as u32,
    };
    let outcome = scan_luma(&f, &ScanLimits::default()).unwrap();
    assert_eq!(texts(&outcome), vec![text.as_str()]);
    assert_eq!(outcome.codes[0].kind, CodeKind::Certificate);
    // Corners are in frame pixels: the code's centre is near the frame's.
    let cx: f32 = outcome.codes[0].corners.iter().map(|c| c[0]).sum::<f32>() / 4.0;
    let cy: f32 = outcome.codes[0].corners.iter().map(|c| c[1]).sum::<f32>() / 4.0;
    assert!(
        (cx - 960.0).abs() < 20.0 && (cy - 540.0).abs() < 20.0,
        "{cx},{cy}"
    );
}

/// A 900×500 scene: a certificate at the left, and a light-on-dark hallmark
/// of [`SCENE_MODULE`] px modules rendered into the 300 px square at
/// [`SCENE_HALLMARK`].
fn certificate_and_hallmark_scene() -> (Vec<u8>, usize, usize) {
    let (w, h) = (900, 500);
    let cert = render(&certificate_text(), 500, 500, Look::default());
    let hall = render(
        HALLMARK,
        300,
        300,
        Look {
            dark: 200.0,
            light: 50.0,
            background: 50.0,
            module: SCENE_MODULE,
            ..Look::default()
        },
    );
    let mut data = vec![128u8; w * h];
    for y in 0..500 {
        data[y * w..y * w + 500].copy_from_slice(&cert[y * 500..(y + 1) * 500]);
    }
    let (left, top) = SCENE_HALLMARK;
    for y in 0..300 {
        data[(y + top) * w + left..(y + top) * w + left + 300]
            .copy_from_slice(&hall[y * 300..(y + 1) * 300]);
    }
    (data, w, h)
}

/// The hallmark's module size and square's top-left corner in the scene.
const SCENE_MODULE: f64 = 3.0;
const SCENE_HALLMARK: (usize, usize) = (560, 100);

#[test]
fn certificate_and_hallmark_in_one_image() {
    let (data, w, h) = certificate_and_hallmark_scene();
    let options = ScanOptions { all_codes: true };
    let outcome = scan_luma_with(&frame(&data, w, h), &ScanLimits::default(), &options).unwrap();
    let kinds: Vec<CodeKind> = outcome.codes.iter().map(|c| c.kind).collect();
    assert!(kinds.contains(&CodeKind::Certificate), "{kinds:?}");
    assert!(kinds.contains(&CodeKind::Hallmark), "{kinds:?}");
}

#[test]
fn faint_etched_hallmark_next_to_a_certificate() {
    // A light-on-dark hallmark of 22 levels' contrast with noise, on brushed
    // metal whose streaks are as dark as its background, beside a certificate:
    // found by the hallmark hunt's smoothed block mid-ranges, where the local
    // mean is dragged off by the streaks.
    let (w, h) = (900, 500);
    let cert = render(&certificate_text(), 500, 500, Look::default());
    let hall = render(
        HALLMARK,
        200,
        200,
        Look {
            dark: 138.0,
            light: 116.0,
            background: 116.0,
            module: 4.0,
            ..Look::default()
        },
    );
    let mut seed = 99u32;
    let mut noise = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        ((seed >> 16) % 33) as i32 - 16
    };
    let mut data: Vec<u8> = (0..w * h)
        .map(|i| if (i / w / 24) % 2 == 0 { 90 } else { 150 })
        .collect();
    for y in 0..500 {
        data[y * w..y * w + 500].copy_from_slice(&cert[y * 500..(y + 1) * 500]);
    }
    for y in 0..200 {
        for x in 0..200 {
            let v = i32::from(hall[y * 200 + x]) + noise();
            data[(y + 150) * w + 620 + x] = v.clamp(0, 255) as u8;
        }
    }
    let options = ScanOptions { all_codes: true };
    let outcome = scan_luma_with(&frame(&data, w, h), &ScanLimits::default(), &options).unwrap();
    let kinds: Vec<CodeKind> = outcome.codes.iter().map(|c| c.kind).collect();
    assert!(kinds.contains(&CodeKind::Certificate), "{kinds:?}");
    assert!(kinds.contains(&CodeKind::Hallmark), "{kinds:?}");
}

#[test]
fn glare_over_a_hallmark_finder_next_to_a_certificate() {
    // A light-on-dark hallmark beside a certificate, with a saturated glare
    // spot over its top-right finder: the hallmark hunt finds the other two
    // finders and completes the square (`lost_finder`).
    let (mut data, w, h) = certificate_and_hallmark_scene();
    let (module, (left, top)) = (SCENE_MODULE, SCENE_HALLMARK);
    // The code's first module's corner, as `render` centres it.
    let n = qrcode::QrCode::with_error_correction_level(HALLMARK.as_bytes(), qrcode::EcLevel::M)
        .unwrap()
        .width() as f64;
    let origin = 150.0 - (n + 8.0) * module / 2.0 + 4.0 * module;
    let (gx, gy) = (
        left as f64 + origin + (n - 3.5) * module,
        top as f64 + origin + 3.5 * module,
    );
    let radius = 5.0 * module;
    for y in 0..h {
        for x in 0..w {
            if (x as f64 + 0.5 - gx).hypot(y as f64 + 0.5 - gy) < radius {
                data[y * w + x] = 255;
            }
        }
    }
    let options = ScanOptions { all_codes: true };
    let outcome = scan_luma_with(&frame(&data, w, h), &ScanLimits::default(), &options).unwrap();
    assert!(texts(&outcome).contains(&HALLMARK), "{:?}", texts(&outcome));
    let baseline = scan_luma_rqrr_baseline(&frame(&data, w, h), &ScanLimits::default()).unwrap();
    assert!(!texts(&baseline).contains(&HALLMARK));
}
