//! The `touchmark` command's contract: exit codes, JSON shapes, and the issuer
//! workflow end to end.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_touchmark"))
}

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run touchmark");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into(),
        String::from_utf8_lossy(&stderr).into(),
    )
}

fn verify(case: &str, files: &[&str], json: bool) -> (i32, String, String) {
    let v = vectors();
    let mut cmd = bin();
    cmd.arg("verify")
        .arg("--root")
        .arg(v.join("keys/root.vkey"))
        .arg("--trust")
        .arg(v.join("trust/bundle-v3.note"));
    cmd.args(["--now", "1795000000"]);
    if json {
        cmd.arg("--json");
    }
    for f in files {
        cmd.arg(v.join("cases").join(case).join(f));
    }
    run(&mut cmd)
}

#[test]
fn verify_exit_codes_follow_the_verdict() {
    assert_eq!(
        verify(
            "valid-image",
            &["certificate.png", "proof.tlog-proof"],
            false
        )
        .0,
        0
    );
    assert_eq!(
        verify(
            "tampered-claim",
            &["certificate.txt", "proof.tlog-proof"],
            false
        )
        .0,
        1
    );
    assert_eq!(
        verify(
            "quorum-not-met",
            &["certificate.txt", "proof.tlog-proof"],
            false
        )
        .0,
        2
    );
    let (code, _, err) = verify("valid-image", &["missing.png"], false);
    assert_eq!(code, 3);
    assert!(err.contains("missing.png"), "error names the file: {err}");
    assert_eq!(run(bin().args(["verify", "--no-such-flag"])).0, 3);
}

#[test]
fn trust_state_refuses_a_rolled_back_bundle() {
    let v = vectors();
    let state = std::env::temp_dir().join(format!("touchmark-trust-state-{}", std::process::id()));
    let _ = std::fs::remove_file(&state);
    let run_with = |bundle: &str| {
        let mut cmd = bin();
        cmd.arg("verify")
            .arg("--root")
            .arg(v.join("keys/root.vkey"))
            .arg("--trust")
            .arg(v.join("trust").join(bundle));
        cmd.args(["--now", "1795000000", "--json", "--trust-state"])
            .arg(&state);
        cmd.arg(v.join("cases/valid-text/certificate.txt"))
            .arg(v.join("cases/valid-text/proof.tlog-proof"));
        run(&mut cmd)
    };
    assert_eq!(run_with("bundle-v2.note").0, 0);
    assert_eq!(std::fs::read_to_string(&state).unwrap().trim(), "2");
    assert_eq!(run_with("bundle-v3.note").0, 0);
    assert_eq!(std::fs::read_to_string(&state).unwrap().trim(), "3");
    let (code, out, _) = run_with("bundle-v2.note");
    assert_eq!(code, 2);
    assert!(out.contains("trust_bundle_rollback"), "{out}");
    let _ = std::fs::remove_file(&state);
}

#[test]
fn verify_json_has_the_contract_fields() {
    let (code, out, _) = verify(
        "valid-images-both",
        &["certificate.png", "hallmark.png", "proof.tlog-proof"],
        true,
    );
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["verdict"], "authentic");
    assert_eq!(v["reasons"], serde_json::json!(["status_not_checked"]));
    for d in ["signature", "ledger", "witnesses", "status", "item_match"] {
        assert!(v["dimensions"][d]["state"].is_string(), "{d}");
    }
    assert_eq!(v["dimensions"]["witnesses"]["as_of"], 1_794_990_120);
    assert_eq!(v["certificate"]["claims"]["serial"], "AUR-2026-0042");
}

#[test]
fn scan_json_is_one_object_per_file() {
    let (code, out, _) = run(bin()
        .args(["scan", "--json"])
        .arg(vectors().join("cases/valid-images-both")));
    assert_eq!(code, 0);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for line in &lines {
        assert!(line["file"].is_string() && line["ms"].is_number());
        let codes = line["codes"].as_array().unwrap();
        assert_eq!(codes.len(), 1);
        assert_eq!(codes[0]["corners"].as_array().unwrap().len(), 4);
        assert!(line["problem"].is_null());
    }
    assert_eq!(lines[0]["codes"][0]["kind"], "certificate");
    assert_eq!(lines[1]["codes"][0]["kind"], "hallmark");
}

#[test]
fn scan_says_what_to_do_about_a_capture_problem() {
    let (code, out, _) = run(bin()
        .arg("scan")
        .arg(vectors().join("images/diagnostics/hallmark-seed9-091.png")));
    assert_eq!(code, 0);
    assert!(out.contains("problem: too_small (move closer)"), "{out}");
}

#[test]
fn note_and_proof_verify() {
    let v = vectors();
    let root = std::fs::read_to_string(v.join("keys/root.vkey")).unwrap();
    let note = v.join("trust/bundle-v3.note");
    assert_eq!(
        run(bin()
            .args(["note", "verify", "--key", root.trim()])
            .arg(&note))
        .0,
        0
    );
    let log = std::fs::read_to_string(v.join("keys/log.vkey")).unwrap();
    assert_eq!(
        run(bin()
            .args(["note", "verify", "--key", log.trim()])
            .arg(&note))
        .0,
        1
    );

    let proof = v.join("cases/valid-text/proof.tlog-proof");
    let policy = v.join("trust/ledger.policy");
    let leaf_dir = std::env::temp_dir().join(format!("touchmark-cli-leaf-{}", std::process::id()));
    std::fs::create_dir_all(&leaf_dir).unwrap();
    // Entry 0 of the vector ledger, from its entry bundle.
    let bundle = std::fs::read(v.join("ledger/tile/entries/000.p/14")).unwrap();
    let len = usize::from(u16::from_be_bytes([bundle[0], bundle[1]]));
    let leaf = leaf_dir.join("entry0");
    std::fs::write(&leaf, &bundle[2..2 + len]).unwrap();
    let ok = run(bin()
        .args(["proof", "verify", "--policy"])
        .arg(&policy)
        .arg("--leaf-data")
        .arg(&leaf)
        .arg(&proof));
    assert_eq!(ok.0, 0, "{}", ok.2);
    let wrong = run(bin()
        .args(["proof", "verify", "--policy"])
        .arg(&policy)
        .args(["--leaf-hash", &"00".repeat(32)])
        .arg(&proof));
    assert_eq!(wrong.0, 1);
    let one_witness = v.join("cases/quorum-not-met/proof.tlog-proof");
    assert_eq!(
        run(bin()
            .args(["proof", "verify", "--policy"])
            .arg(&policy)
            .arg("--leaf-data")
            .arg(&leaf)
            .arg(&one_witness))
        .0,
        1
    );
    let _ = std::fs::remove_dir_all(&leaf_dir);
}

#[test]
fn issuer_workflow_end_to_end() {
    let dir = std::env::temp_dir().join(format!("touchmark-cli-issuer-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let ok = |cmd: &mut Command| {
        let (code, out, err) = run(cmd.current_dir(&dir));
        assert_eq!(code, 0, "{out}\n{err}");
        out
    };
    ok(bin().args(["keygen", "--name", "maison.example", "--out", "issuer"]));
    ok(bin().args(["keygen", "--name", "maison.example/log", "--out", "log"]));
    ok(bin().args([
        "keygen",
        "--name",
        "w.example",
        "--witness",
        "--out",
        "witness",
    ]));
    ok(bin().args(["keygen", "--name", "maison.example/root", "--out", "root"]));
    ok(bin().args(["ledger", "init", "--key", "log.skey", "ledger"]));
    std::fs::write(
        dir.join("piece.json"),
        r#"{"serial":"MSN-1","edition":{"n":1,"of":1},"item":{"title":"Signet","metal":"silver","fineness":925,"maker":"Maison"},"issued":"2026-05-01"}"#,
    )
    .unwrap();
    ok(bin().args([
        "issue",
        "--key",
        "issuer.skey",
        "--piece",
        "piece.json",
        "--ledger",
        "ledger",
        "--log-key",
        "log.skey",
        "--out",
        "out",
    ]));
    ok(bin().args([
        "witness",
        "cosign",
        "--key",
        "witness.skey",
        "--log-key",
        "log.vkey",
        "--time",
        "1790000000",
        "--out",
        "ledger/checkpoint",
        "ledger/checkpoint",
    ]));
    ok(bin().args([
        "ledger",
        "proof",
        "--certificate",
        "out/certificate.txt",
        "--out",
        "out/proof.tlog-proof",
        "ledger",
    ]));
    let vkey = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .unwrap()
            .trim()
            .to_owned()
    };
    let body = serde_json::json!({
        "format": "touchmark-trust/v1", "version": 1,
        "issuers": [{"id": "maison.example", "name": "Maison", "keys": [{"vkey": vkey("issuer.vkey"), "valid_from": "2026-01-01"}]}],
        "ledger_policy": format!("log {}\nwitness w {}\nquorum w\n", vkey("log.vkey"), vkey("witness.vkey")),
    });
    std::fs::write(dir.join("body.json"), body.to_string()).unwrap();
    ok(bin().args([
        "trust",
        "sign",
        "--root-key",
        "root.skey",
        "--out",
        "trust.note",
        "body.json",
    ]));
    let out = ok(bin().args([
        "verify",
        "--root",
        "root.vkey",
        "--trust",
        "trust.note",
        "out/certificate.png",
        "out/hallmark.png",
        "out/proof.tlog-proof",
    ]));
    assert!(out.starts_with("AUTHENTIC"), "{out}");
    assert!(dir.join("out/certificate.svg").is_file() && dir.join("out/hallmark.svg").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}
