//! Every committed synthetic image in `test-vectors/images/` decodes to its
//! expected texts, with the right kinds and no capture problem.
#![cfg(feature = "scan")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::PathBuf;

use touchmark::scan::{scan_image, CodeKind, ScanLimits};

fn images_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/images")
}

#[test]
fn committed_images_decode() {
    let manifest = std::fs::read_to_string(images_dir().join("manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let images = manifest["images"].as_array().unwrap();
    assert!(images.len() >= 10, "the committed set shrank");
    let mut failures = Vec::new();
    for entry in images {
        let file = entry["file"].as_str().unwrap();
        let bytes = std::fs::read(images_dir().join(file)).unwrap();
        let outcome = scan_image(&bytes, &ScanLimits::default()).unwrap();
        for want in entry["expected"].as_array().unwrap() {
            let want = want.as_str().unwrap();
            match outcome.codes.iter().find(|c| c.text == want) {
                None => failures.push(format!("{file}: missing {}…", &want[..12])),
                Some(code) => {
                    let kind = if want.starts_with("TMH1:") {
                        CodeKind::Hallmark
                    } else {
                        CodeKind::Certificate
                    };
                    if code.kind != kind {
                        failures.push(format!("{file}: kind {:?}", code.kind));
                    }
                }
            }
        }
        if outcome.problem.is_some() {
            failures.push(format!("{file}: problem {:?}", outcome.problem));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
