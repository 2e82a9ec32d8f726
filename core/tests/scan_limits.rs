//! Limits and malformed input: huge images fail fast with TooLarge, truncated
//! and corrupt files with a typed error, bad frames with BadFrame.
#![cfg(feature = "scan")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod scan_support;

use std::time::{Duration, Instant};

use touchmark::scan::{scan_image, scan_luma, LumaFrame, ScanError, ScanLimits};

/// A PNG chunk with its CRC.
fn chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as u32).to_be_bytes().to_vec();
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(body);
    out.extend_from_slice(&crc_input);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG header claiming 20000×20000 grey pixels, with a tiny IDAT.
fn huge_png() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&20_000u32.to_be_bytes());
    ihdr.extend_from_slice(&20_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    out.extend(chunk(b"IHDR", &ihdr));
    out.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    out.extend(chunk(b"IEND", &[]));
    out
}

#[test]
fn huge_dimensions_are_refused_fast() {
    let start = Instant::now();
    let err = scan_image(&huge_png(), &ScanLimits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ScanError::TooLarge {
                width: 20_000,
                height: 20_000,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(start.elapsed() < Duration::from_millis(200));
}

#[test]
fn pixel_limit_is_configurable() {
    let w = 200;
    let data = scan_support::render(scan_support::HALLMARK, w, w, Default::default());
    let png = scan_support::png(&data, w, w);
    let tight = ScanLimits {
        max_pixels: 10_000,
        ..ScanLimits::default()
    };
    assert!(matches!(
        scan_image(&png, &tight),
        Err(ScanError::TooLarge { .. })
    ));
    assert!(scan_image(&png, &ScanLimits::default()).is_ok());
}

#[test]
fn truncated_png_is_corrupt() {
    let w = 120;
    let data = scan_support::render(scan_support::HALLMARK, w, w, Default::default());
    let png = scan_support::png(&data, w, w);
    let cut = &png[..png.len() / 2];
    let err = scan_image(cut, &ScanLimits::default()).unwrap_err();
    assert!(matches!(err, ScanError::Corrupt(_)), "{err:?}");
}

#[test]
fn garbage_is_unsupported() {
    let err = scan_image(b"definitely not an image", &ScanLimits::default()).unwrap_err();
    assert_eq!(err, ScanError::UnsupportedFormat);
}

#[test]
fn short_frame_buffer_is_bad_frame() {
    let data = vec![0u8; 100];
    let frame = LumaFrame {
        data: &data,
        width: 20,
        height: 10,
        stride: 20,
    };
    assert!(matches!(
        scan_luma(&frame, &ScanLimits::default()),
        Err(ScanError::BadFrame { .. })
    ));
    let narrow = LumaFrame {
        data: &data,
        width: 20,
        height: 2,
        stride: 10,
    };
    assert!(matches!(
        scan_luma(&narrow, &ScanLimits::default()),
        Err(ScanError::BadFrame { .. })
    ));
}

#[test]
fn rqrr_panic_input_is_contained() {
    let path = std::path::Path::new("/work/shared/qr/zxing/qrcode-6/7.png");
    let Ok(bytes) = std::fs::read(path) else {
        println!("skipping: {} is absent", path.display());
        return;
    };
    // Must return, not panic (rqrr upstream issue #54).
    let _ = scan_image(&bytes, &ScanLimits::default());
}
