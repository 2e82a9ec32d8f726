//! A small, deterministic set of fixtures in the `test-vectors/manifest.json`
//! format, built with the core issuer toolkit: a trust bundle, a certificate with
//! its hallmark and ledger proof, as text, PNG and raw luma frame, plus a
//! cosigned checkpoint for the online refresh. Used by the FFI crate's Rust tests
//! and, through `examples/dev_vectors.rs`, to develop the Kotlin and Swift suites
//! before (or besides) the conformance vectors.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;

use serde_json::{json, Value};
use touchmark::certificate::{Edition, Item};
use touchmark::issuer::ledger_dir::LedgerDir;
use touchmark::issuer::render;
use touchmark::issuer::trust_bundle::sign_bundle;
use touchmark::issuer::witness::cosign;
use touchmark::issuer::{issue_certificate, PieceDescription};
use touchmark::keys::{KeyKind, SignerKey};
use touchmark::scan::ScanLimits;
use touchmark::trust::{BundleBody, IssuerEntry, IssuerKeyEntry, TrustBundle, BUNDLE_FORMAT};
use touchmark::verify::{gather, trust_error_reason, Input};
use touchmark::{Verdict, Verifier};

/// The fixed "now" of the fixtures.
pub const NOW: u64 = 1_790_000_000;
/// The ledger origin.
pub const ORIGIN: &str = "ledger.touchmark.example/aurora";
/// The URL the policy gives the ledger.
pub const LEDGER_URL: &str = "https://ledger.touchmark.example/aurora";

fn key(name: &str, kind: KeyKind, seed: u8) -> SignerKey {
    SignerKey::from_seed(name, kind, [seed; 32]).unwrap()
}

/// What the fixture builder wrote.
pub struct Fixture {
    /// The root vkey.
    pub root_vkey: String,
    /// The trust bundle file.
    pub trust: Vec<u8>,
    /// A cosigned checkpoint note of the ledger.
    pub checkpoint: Vec<u8>,
    /// The certificate QR text.
    pub certificate: String,
    /// The hallmark text.
    pub hallmark: String,
    /// The tlog-proof text.
    pub proof: String,
    /// The certificate as PNG.
    pub png: Vec<u8>,
}

/// Builds the fixtures in `dir` and writes `dir/manifest.json`.
pub fn build(dir: &Path) -> Fixture {
    fs::create_dir_all(dir).unwrap();
    let root = key("touchmark.example/root", KeyKind::Ed25519, 1);
    let issuer = key("aurora-jewels", KeyKind::Ed25519, 2);
    let log = key(ORIGIN, KeyKind::Ed25519, 3);
    let witness = key("witness.example/w1", KeyKind::CosignatureV1, 4);

    let policy = format!(
        "log {} {LEDGER_URL}\nwitness w1 {}\nquorum w1\n",
        log.verifier(),
        witness.verifier()
    );
    let body = |version: u64, expires_at: Option<u64>| BundleBody {
        format: BUNDLE_FORMAT.into(),
        version,
        expires_at,
        issuers: vec![IssuerEntry {
            id: "aurora".into(),
            name: "Aurora Jewels".into(),
            keys: vec![IssuerKeyEntry {
                vkey: issuer.verifier().to_string(),
                valid_from: "2024-01-01".into(),
                retired_from: None,
                revoked: false,
            }],
        }],
        ledger_policy: policy.clone(),
    };
    let trust = sign_bundle(&body(3, Some(NOW + 86_400)), &[&root]).unwrap();
    let expired = sign_bundle(&body(4, Some(NOW - 1)), &[&root]).unwrap();

    let piece = PieceDescription {
        serial: "AUR-0001".into(),
        edition: Edition { n: 1, of: 1 },
        item: Item {
            title: "Aurora ring".into(),
            metal: "gold".into(),
            fineness: 750,
            stones: vec![],
            maker: "Atelier Nord".into(),
        },
        issued: "2025-06-01".into(),
    };
    let issued = issue_certificate(&issuer, "aurora", ORIGIN, &piece, [7; 16]).unwrap();
    let other = issue_certificate(&issuer, "aurora", ORIGIN, &piece, [8; 16]).unwrap();

    let ledger_root = dir.join("ledger");
    let _ = fs::remove_dir_all(&ledger_root);
    let mut ledger = LedgerDir::init(&ledger_root, &log).unwrap();
    let index = ledger.append(&[issued.event.encode()], &log).unwrap();
    let note = ledger.checkpoint_note().unwrap().to_text();
    let cosigned = cosign(note.as_bytes(), log.verifier(), &witness, NOW - 60).unwrap();
    ledger.store_cosigned(&cosigned).unwrap();
    let proof = ledger.proof(index).unwrap().to_text();

    let png = render::to_png(
        &render::encode(&issued.qr_text, render::CERTIFICATE).unwrap(),
        4,
    )
    .unwrap();
    let luma = touchmark::scan::decode_to_luma(&png, &ScanLimits::default()).unwrap();
    let (w, h) = luma.dimensions();
    // A frame with padding at the end of each row, as cameras deliver it.
    let stride = w + 16;
    let mut frame = vec![0x80u8; (stride * h) as usize];
    for (y, row) in luma.as_raw().chunks(w as usize).enumerate() {
        let start = y * stride as usize;
        frame[start..start + w as usize].copy_from_slice(row);
    }

    let (hallmark_text, other_text) = (issued.hallmark.to_text(), other.hallmark.to_text());
    let files: [(&str, &[u8]); 10] = [
        ("trust.note", trust.as_bytes()),
        ("trust-expired.note", expired.as_bytes()),
        ("garbage.note", b"not a note\n"),
        ("cert.txt", issued.qr_text.as_bytes()),
        ("hallmark.txt", hallmark_text.as_bytes()),
        ("other-hallmark.txt", other_text.as_bytes()),
        ("proof.tlog", proof.as_bytes()),
        ("cert.png", &png),
        ("cert.y", &frame),
        ("foreign.txt", b"https://example.com/not-touchmark\n"),
    ];
    for (name, bytes) in files {
        fs::write(dir.join(name), bytes).unwrap();
    }
    fs::write(dir.join("checkpoint"), cosigned.to_text()).unwrap();

    let roots = vec![root.verifier().clone()];
    let text = |f: &str| json!({"kind": "text", "file": f});
    let frame_input =
        json!({"kind": "frame", "file": "cert.y", "width": w, "height": h, "stride": stride});
    let cases = vec![
        ("no_trust", Value::Null, 0, vec![text("cert.txt")]),
        (
            "garbage_trust",
            json!("garbage.note"),
            0,
            vec![text("cert.txt")],
        ),
        (
            "expired_trust",
            json!("trust-expired.note"),
            0,
            vec![text("cert.txt")],
        ),
        ("rollback", json!("trust.note"), 9, vec![text("cert.txt")]),
        (
            "full_text",
            json!("trust.note"),
            0,
            vec![text("cert.txt"), text("hallmark.txt"), text("proof.tlog")],
        ),
        ("no_proof", json!("trust.note"), 0, vec![text("cert.txt")]),
        (
            "wrong_hallmark",
            json!("trust.note"),
            0,
            vec![
                text("cert.txt"),
                text("other-hallmark.txt"),
                text("proof.tlog"),
            ],
        ),
        ("foreign", json!("trust.note"), 0, vec![text("foreign.txt")]),
        (
            "image",
            json!("trust.note"),
            0,
            vec![
                json!({"kind": "image", "file": "cert.png"}),
                text("proof.tlog"),
            ],
        ),
        (
            "frame",
            json!("trust.note"),
            2,
            vec![frame_input, text("hallmark.txt"), text("proof.tlog")],
        ),
    ];
    let cases: Vec<Value> = cases
        .into_iter()
        .map(|(name, trust_file, min, inputs)| {
            let verdict = expected(dir, &roots, &trust_file, min, &inputs);
            json!({
                "name": name,
                "description": format!("dev fixture {name}"),
                "trust": trust_file,
                "min_trust_version": min,
                "inputs": inputs,
                "expect": {
                    "verdict": verdict.verdict.as_str(),
                    "reasons": verdict.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                    "dimensions": {
                        "signature": state(verdict.dimensions.signature.state),
                        "ledger": state(verdict.dimensions.ledger.state),
                        "witnesses": state(verdict.dimensions.witnesses.state),
                        "status": state(verdict.dimensions.status.state),
                        "item_match": state(verdict.dimensions.item_match.state),
                    }
                }
            })
        })
        .collect();
    let manifest = json!({
        "format": "touchmark-vectors/v1",
        "root_vkeys": [root.verifier().to_string()],
        "now": NOW,
        "cases": cases,
    });
    fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();
    Fixture {
        root_vkey: root.verifier().to_string(),
        trust: trust.into_bytes(),
        checkpoint: cosigned.to_text().into_bytes(),
        certificate: issued.qr_text,
        hallmark: issued.hallmark.to_text(),
        proof,
        png,
    }
}

fn state(state: touchmark::verdict::DimensionState) -> String {
    serde_json::to_value(state)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

/// The manifest semantics, computed with the core directly.
fn expected(
    dir: &Path,
    roots: &[touchmark::keys::VerifierKey],
    trust: &Value,
    min_version: u64,
    inputs: &[Value],
) -> Verdict {
    let Some(trust) = trust.as_str() else {
        return Verdict::inconclusive(touchmark::ReasonCode::TrustBundleMissing);
    };
    let bundle =
        match TrustBundle::load(&fs::read(dir.join(trust)).unwrap(), roots, min_version, NOW) {
            Ok(bundle) => bundle,
            Err(e) => return Verdict::inconclusive(trust_error_reason(&e)),
        };
    let data: Vec<(Value, Vec<u8>)> = inputs
        .iter()
        .map(|i| {
            (
                i.clone(),
                fs::read(dir.join(i["file"].as_str().unwrap())).unwrap(),
            )
        })
        .collect();
    let core_inputs: Vec<Input<'_>> = data
        .iter()
        .map(|(i, bytes)| match i["kind"].as_str().unwrap() {
            "text" => Input::Text(std::str::from_utf8(bytes).unwrap()),
            "image" => Input::Image(bytes),
            _ => Input::Frame(touchmark::scan::LumaFrame {
                data: bytes,
                width: i["width"].as_u64().unwrap() as u32,
                height: i["height"].as_u64().unwrap() as u32,
                stride: i["stride"].as_u64().unwrap() as u32,
            }),
        })
        .collect();
    let gathered = gather(&core_inputs, &ScanLimits::default()).unwrap();
    Verifier::new(bundle).verify_gathered(&gathered)
}
