//! A camera stream's scanner (`FrameScanner`) reads within one cycle of
//! frames every committed image a full frame scan reads, and more, while a
//! single frame runs only part of the passes.
#![cfg(feature = "scan")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod scan_support;

use std::path::PathBuf;

use scan_support::{damaged_hallmark, render, Look, HALLMARK};
use touchmark::scan::{
    decode_to_luma, scan_luma, CaptureProblem, FrameScanner, LumaFrame, ScanLimits,
};

fn images_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/images")
}

/// Every committed image's file name, luma and expected texts.
fn committed() -> Vec<(String, image::GrayImage, Vec<String>)> {
    let manifest = std::fs::read_to_string(images_dir().join("manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    manifest["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let file = entry["file"].as_str().unwrap().to_string();
            let bytes = std::fs::read(images_dir().join(&file)).unwrap();
            let luma = decode_to_luma(&bytes, &ScanLimits::default()).unwrap();
            let expected = entry["expected"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_string())
                .collect();
            (file, luma, expected)
        })
        .collect()
}

fn frame(luma: &image::GrayImage) -> LumaFrame<'_> {
    LumaFrame {
        data: luma.as_raw(),
        width: luma.width(),
        height: luma.height(),
        stride: luma.width(),
    }
}

/// The texts of one scan, sorted.
fn texts(codes: &[touchmark::scan::ScannedCode]) -> Vec<String> {
    let mut texts: Vec<String> = codes.iter().map(|c| c.text.clone()).collect();
    texts.sort();
    texts
}

#[test]
fn a_stream_reads_what_a_full_frame_scan_reads_within_a_cycle() {
    let limits = ScanLimits::default();
    let mut scanner = FrameScanner::new(limits);
    let mut later = Vec::new();
    let mut only_streamed = Vec::new();
    let mut read = 0;
    for (file, luma, expected) in committed() {
        let full = texts(&scan_luma(&frame(&luma), &limits).unwrap().codes);
        // The turn carries on from the previous image, as it would when the
        // camera moves from one piece to the next.
        let frames = (1..=FrameScanner::CYCLE).find(|_| {
            let got = texts(&scanner.scan(&frame(&luma)).unwrap().codes);
            assert!(
                got.iter().all(|t| full.contains(t) || expected.contains(t)),
                "{file}: read {got:?}"
            );
            !got.is_empty()
        });
        match (frames, full.is_empty()) {
            (None, false) => panic!("{file}: not read within {} frames", FrameScanner::CYCLE),
            (None, true) => {}
            (Some(_), true) => only_streamed.push(file),
            (Some(n), false) => {
                read += 1;
                if n > 1 {
                    later.push(file);
                }
            }
        }
    }
    assert!(read >= 20, "only {read} committed images read as frames");
    // Some images read only in a later pass: a frame did not run them all.
    assert!(
        !later.is_empty(),
        "every image read in its first frame: the test means nothing"
    );
    // The cycle's look with the pixel model reads a hallmark that no pass
    // reads (`hallmark-seed8-013.jpg`).
    assert!(
        !only_streamed.is_empty(),
        "the stream read nothing a frame scan does not"
    );
}

/// How many frames of a new stream held on `luma` it takes to read a code,
/// within the deep look's window.
fn frames_to_read(mut scanner: FrameScanner, luma: &image::GrayImage) -> Option<usize> {
    (1..=FrameScanner::DEEP_LOOK_AFTER + 1)
        .find(|_| !scanner.scan(&frame(luma)).unwrap().codes.is_empty())
}

#[test]
fn a_code_held_in_view_gets_the_deep_look() {
    let limits = ScanLimits::default();
    let mut deep_only = Vec::new();
    for (file, luma, _) in committed() {
        let frames = frames_to_read(FrameScanner::new(limits), &luma);
        let Some(frames) = frames else {
            panic!("{file}: a stream held on it reads nothing");
        };
        if frames > FrameScanner::DEEP_LOOK_AFTER {
            // Read on the deep look's frame; without that look, never.
            let without = FrameScanner::new(limits).with_deep_look_after(None);
            assert_eq!(frames_to_read(without, &luma), None, "{file}");
            deep_only.push(file);
        }
    }
    // Every committed image reads in a stream held on it; the hallmarks
    // only a photo's last resort reads (nine, `hallmark-seed7-012.png`
    // among them) on the deep look's frame.
    assert!(
        deep_only.len() >= 5,
        "only {deep_only:?} needed the deep look: the test means little"
    );
}

#[test]
fn guidance_from_the_deep_look_holds_until_the_next() {
    // A hallmark only the deep look sees, too small for its blur: "move
    // closer" from that frame on, not only for the rest of a cycle.
    let bytes = std::fs::read(images_dir().join("diagnostics/hallmark-seed9-091.png")).unwrap();
    let luma = decode_to_luma(&bytes, &ScanLimits::default()).unwrap();
    let mut scanner = FrameScanner::default();
    let problems: Vec<_> = (0..2 * (FrameScanner::DEEP_LOOK_AFTER + 1) + 1)
        .map(|_| scanner.scan(&frame(&luma)).unwrap().problem)
        .collect();
    let first = FrameScanner::DEEP_LOOK_AFTER;
    assert!(problems[..first]
        .iter()
        .all(|p| *p == Some(CaptureProblem::NoCodeFound)));
    assert!(
        problems[first..]
            .iter()
            .all(|p| *p == Some(CaptureProblem::TooSmall)),
        "{problems:?}"
    );
}

#[test]
fn a_frame_refused_by_the_limits_is_an_error() {
    let mut scanner = FrameScanner::new(ScanLimits {
        max_pixels: 100,
        ..ScanLimits::default()
    });
    let data = vec![0u8; 64 * 64];
    let frame = LumaFrame {
        data: &data,
        width: 64,
        height: 64,
        stride: 64,
    };
    assert!(scanner.scan(&frame).is_err());
}

#[test]
fn guidance_holds_a_specific_problem_through_the_cycle() {
    use CaptureProblem::{NoCodeFound, Unreadable};
    let (w, h) = (240, 240);
    // A code located but never read, frames with nothing in view, a code.
    let damaged = damaged_hallmark(w, h);
    let blank = vec![140u8; w * h];
    let sharp = render(HALLMARK, w, h, Look::default());
    let mut scanner = FrameScanner::default();
    let mut expect = |data: &[u8], want: Option<CaptureProblem>, what: &str| {
        let frame = LumaFrame {
            data,
            width: w as u32,
            height: h as u32,
            stride: w as u32,
        };
        assert_eq!(scanner.scan(&frame).unwrap().problem, want, "{what}");
    };
    expect(&blank, Some(NoCodeFound), "blank first");
    expect(&damaged, Some(Unreadable), "damaged");
    // The rest of the cycle says so too; then "no code found".
    for k in 1..FrameScanner::CYCLE {
        expect(&blank, Some(Unreadable), &format!("blank frame {k}"));
    }
    expect(&blank, Some(NoCodeFound), "blank after the cycle");
    // A code read clears it.
    expect(&damaged, Some(Unreadable), "damaged again");
    expect(&sharp, None, "read");
    expect(&blank, Some(NoCodeFound), "blank after a read");
}

#[test]
fn degenerate_frames_never_panic_on_any_turn_or_the_deep_look() {
    // Every turn of the cycle (the model frame included) and the deep look,
    // on frames too small or too flat to hold a code, and on noise.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut noise = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 56) as u8
            })
            .collect()
    };
    let frames: Vec<(u32, u32, Vec<u8>)> = vec![
        (0, 0, vec![]),
        (1, 1, vec![0]),
        (2, 1, vec![0, 255]),
        (21, 21, noise(21 * 21)),
        (64, 3, noise(64 * 3)),
        (300, 200, noise(300 * 200)),
        (300, 200, vec![255; 300 * 200]),
    ];
    let mut scanner = FrameScanner::default();
    for (w, h, data) in &frames {
        for _ in 0..=FrameScanner::DEEP_LOOK_AFTER {
            let frame = LumaFrame {
                data,
                width: *w,
                height: *h,
                stride: *w,
            };
            // An empty frame may be refused; nothing may panic or read.
            if let Ok(outcome) = scanner.scan(&frame) {
                assert!(
                    outcome.codes.is_empty(),
                    "{w}x{h}: read {:?}",
                    outcome.codes
                );
            }
        }
    }
}
