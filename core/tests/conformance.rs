//! Runs every case of `test-vectors/manifest.json` through the verifier and
//! compares verdict, reason codes and dimension states with the hand-written
//! expectations. The Kotlin and Swift suites run the same manifest.

use std::path::{Path, PathBuf};

use serde_json::Value;
use touchmark::keys::VerifierKey;
use touchmark::scan::{LumaFrame, ScanLimits};
use touchmark::trust::TrustBundle;
use touchmark::verdict::{DimensionState, ReasonCode};
use touchmark::verify::{gather, trust_error_reason, Input};
use touchmark::{Verdict, Verifier};

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(vectors_dir().join("manifest.json")).expect("read manifest");
    serde_json::from_str(&text).expect("parse manifest")
}

fn state(s: DimensionState) -> &'static str {
    match s {
        DimensionState::Verified => "verified",
        DimensionState::Failed => "failed",
        DimensionState::Unknown => "unknown",
        DimensionState::NotChecked => "not_checked",
    }
}

/// Runs one case the way every binding must.
fn run_case(case: &Value, roots: &[VerifierKey], now: u64) -> Verdict {
    let dir = vectors_dir();
    let Some(trust) = case["trust"].as_str() else {
        return Verdict::inconclusive(ReasonCode::TrustBundleMissing);
    };
    let bytes = std::fs::read(dir.join(trust)).expect("read trust bundle");
    let min_version = case["min_trust_version"].as_u64().unwrap_or(0);
    let verifier = match TrustBundle::load(&bytes, roots, min_version, now) {
        Ok(bundle) => Verifier::new(bundle),
        Err(e) => return Verdict::inconclusive(trust_error_reason(&e)),
    };
    let files: Vec<(Value, Vec<u8>)> = case["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| {
            (
                i.clone(),
                std::fs::read(dir.join(i["file"].as_str().expect("file"))).expect("read input"),
            )
        })
        .collect();
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|(spec, bytes)| match spec["kind"].as_str() {
            Some("text") => Input::Text(std::str::from_utf8(bytes).expect("utf-8")),
            Some("image") => Input::Image(bytes),
            Some("frame") => Input::Frame(LumaFrame {
                data: bytes,
                width: spec["width"].as_u64().expect("width") as u32,
                height: spec["height"].as_u64().expect("height") as u32,
                stride: spec["stride"].as_u64().expect("stride") as u32,
            }),
            other => panic!("unknown input kind {other:?}"),
        })
        .collect();
    let gathered = gather(&inputs, &ScanLimits::default()).expect("scan inputs");
    verifier.verify_gathered(&gathered)
}

#[test]
fn every_case_matches_its_expectation() {
    let manifest = manifest();
    assert_eq!(manifest["format"], "touchmark-vectors/v1");
    let roots: Vec<VerifierKey> = manifest["root_vkeys"]
        .as_array()
        .expect("root_vkeys")
        .iter()
        .map(|k| VerifierKey::parse(k.as_str().expect("vkey")).expect("root vkey"))
        .collect();
    let now = manifest["now"].as_u64().expect("now");
    let cases = manifest["cases"].as_array().expect("cases");
    assert!(cases.len() >= 40, "the suite needs at least 40 cases");
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let verdict = run_case(case, &roots, now);
        let expect = &case["expect"];
        let reasons: Vec<&str> = verdict.reasons.iter().map(|r| r.as_str()).collect();
        let want_reasons: Vec<&str> = expect["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let d = &verdict.dimensions;
        let dims = [
            ("signature", d.signature.state),
            ("ledger", d.ledger.state),
            ("witnesses", d.witnesses.state),
            ("status", d.status.state),
            ("item_match", d.item_match.state),
        ];
        let dims_ok = dims
            .iter()
            .all(|(k, s)| expect["dimensions"][k] == state(*s));
        if verdict.verdict.as_str() != expect["verdict"] || reasons != want_reasons || !dims_ok {
            failures.push(format!(
                "{name}: got {} {reasons:?} {:?}, want {} {want_reasons:?} {}",
                verdict.verdict.as_str(),
                dims.map(|(_, s)| state(s)),
                expect["verdict"],
                expect["dimensions"]
            ));
        }
    }
    println!(
        "{} passed, {} failed",
        cases.len() - failures.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "conformance failures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_reason_code_is_covered_by_a_case() {
    let manifest = manifest();
    let text = manifest.to_string();
    let missing: Vec<&str> = ReasonCode::ALL
        .iter()
        .map(|r| r.as_str())
        .filter(|r| !text.contains(&format!("\"{r}\"")))
        .collect();
    assert!(
        missing.is_empty(),
        "reason codes without a case: {missing:?}"
    );
}
