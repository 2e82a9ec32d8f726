//! Public interop vectors from `../shared/vectors/` (transparency-dev Merkle probes,
//! Go `sumdb/note` notes, C2SP and sigsum cosignatures, tile paths). These files are
//! not part of the project: each test says so and passes when the folder is absent.

use std::path::{Path, PathBuf};

use serde_json::Value;
use touchmark::encoding::{b64_decode, hex_decode};
use touchmark::keys::{SignerKey, VerifierKey};
use touchmark::note::{Note, NoteError};
use touchmark::tlog::merkle::{leaf_hash, verify_consistency, verify_inclusion, Hash};
use touchmark::tlog::tiles::{entries_path_for, tile_path};

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "SKIPPED: {} is absent (public interop vectors are not part of the repo)",
            dir.display()
        );
        None
    }
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// Decodes a base64 hash; `None` for anything that is not exactly 32 bytes.
fn hash(v: &Value) -> Option<Hash> {
    b64_decode(v.as_str()?)?.try_into().ok()
}

fn hashes(v: &Value) -> Option<Vec<Hash>> {
    v.as_array()
        .map_or(Some(vec![]), |a| a.iter().map(hash).collect())
}

fn probes(kind: &str) -> Vec<(PathBuf, Value)> {
    let Some(dir) = shared() else { return vec![] };
    let mut files = Vec::new();
    json_files(
        &dir.join("transparency-dev-merkle/testdata").join(kind),
        &mut files,
    );
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let v = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            (f, v)
        })
        .collect()
}

#[test]
fn transparency_dev_inclusion_probes() {
    let probes = probes("inclusion");
    let mut checked = 0;
    for (file, p) in &probes {
        let want_err = p["wantErr"].as_bool().unwrap_or(false);
        let result = (|| {
            let (leaf, root, proof) = (
                hash(&p["leafHash"])?,
                hash(&p["root"])?,
                hashes(&p["proof"])?,
            );
            let (index, size) = (p["leafIdx"].as_u64()?, p["treeSize"].as_u64()?);
            verify_inclusion(&leaf, index, size, &proof, &root).ok()
        })();
        assert_eq!(result.is_none(), want_err, "{}", file.display());
        checked += 1;
    }
    println!("inclusion probes: {checked} checked");
    assert!(probes.is_empty() || checked >= 90);
}

#[test]
fn transparency_dev_consistency_probes() {
    let probes = probes("consistency");
    let mut unrepresentable = 0;
    for (file, p) in &probes {
        let want_err = p["wantErr"].as_bool().unwrap_or(false);
        // Equal sizes with equal, non-hash "roots" are fine to transparency-dev (it
        // compares bytes); Touchmark's API only has 32-byte hashes, so such input is
        // refused before verification. Count those cases instead of hiding them.
        if !want_err && p["size1"] == p["size2"] && hash(&p["root1"]).is_none() {
            assert_eq!(p["root1"], p["root2"], "{}", file.display());
            unrepresentable += 1;
            continue;
        }
        let result = (|| {
            let (root1, root2, proof) =
                (hash(&p["root1"])?, hash(&p["root2"])?, hashes(&p["proof"])?);
            let (size1, size2) = (p["size1"].as_u64()?, p["size2"].as_u64()?);
            verify_consistency(size1, size2, &proof, &root1, &root2).ok()
        })();
        assert_eq!(result.is_none(), want_err, "{}", file.display());
    }
    println!("consistency probes: {} checked, {unrepresentable} with non-32-byte roots not representable", probes.len() - unrepresentable);
    assert!(unrepresentable <= 2);
}

fn signed_notes() -> Option<Value> {
    let dir = shared()?;
    Some(
        serde_json::from_str(&std::fs::read_to_string(dir.join("signed-notes.json")).unwrap())
            .unwrap(),
    )
}

#[test]
fn go_note_vectors() {
    let Some(v) = signed_notes() else { return };
    for vkey in v["vkeys_valid"].as_array().unwrap() {
        let text = vkey.as_str().unwrap();
        assert_eq!(VerifierKey::parse(text).unwrap().to_string(), text);
    }
    for bad in v["vkeys_invalid"].as_array().unwrap() {
        assert!(
            VerifierKey::parse(bad["vkey"].as_str().unwrap()).is_err(),
            "{}",
            bad["why"]
        );
    }
    let mut rejected = 0;
    for case in v["notes"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let bytes = match case["note"].as_str() {
            Some(text) => text.as_bytes().to_vec(),
            None => hex_decode(case["note_hex"].as_str().unwrap()).unwrap(),
        };
        let keys: Vec<VerifierKey> = case["vkeys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| VerifierKey::parse(k.as_str().unwrap()).unwrap())
            .collect();
        let result = Note::parse(&bytes).and_then(|n| n.verify(&keys));
        let expect = case["expect"].as_str().unwrap();
        if expect == "valid" {
            let verified = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            if let Some(text) = case["text"].as_str() {
                assert_eq!(verified.text, text, "{name}");
            }
            let names: Vec<&str> = verified.verified.iter().map(|s| s.key.name()).collect();
            let want: Vec<&str> = case["verified"]
                .as_array()
                .map_or(vec![], |a| a.iter().filter_map(Value::as_str).collect());
            if !want.is_empty() {
                assert_eq!(names, want, "{name}");
            }
        } else {
            let error = result.expect_err(name);
            if expect.contains("malformed") {
                assert!(
                    matches!(error, NoteError::Malformed(_)),
                    "{name}: {error:?}"
                );
            }
            rejected += 1;
        }
    }
    println!("go notes: {rejected} rejected as expected");
}

#[test]
fn deterministic_signing_matches_go() {
    let Some(v) = signed_notes() else { return };
    let case = &v["sign_determinism"];
    let signer = SignerKey::parse(case["skey"].as_str().unwrap()).unwrap();
    let mut note = Note::unsigned(case["text"].as_str().unwrap()).unwrap();
    note.add_signature(&signer, 0);
    assert_eq!(
        note.to_text(),
        case["expected_signed_note"].as_str().unwrap()
    );
}

#[test]
fn cosignature_v1_vectors() {
    let Some(v) = signed_notes() else { return };
    for case in v["cosignatures_v1"].as_array().unwrap() {
        let key = VerifierKey::parse(case["witness_vkey"].as_str().unwrap()).unwrap();
        let text = format!(
            "{}\n{}\n",
            case["checkpoint_body"].as_str().unwrap(),
            case["line"].as_str().unwrap()
        );
        let result =
            Note::parse(text.as_bytes()).and_then(|n| n.verify(std::slice::from_ref(&key)));
        let name = case["name"].as_str().unwrap();
        if case["expect"] == "valid" {
            let verified = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                verified.verified[0].timestamp,
                case["timestamp"].as_u64(),
                "{name}"
            );
        } else {
            // Ignored: the key is unknown for this line, so no known signature remains.
            assert_eq!(result.unwrap_err(), NoteError::NoKnownSignature, "{name}");
        }
    }
}

#[test]
fn leaf_hashes_and_tile_paths() {
    let Some(v) = signed_notes() else { return };
    for case in v["leaf_hash"].as_array().unwrap() {
        let data = match case["input_utf8"].as_str() {
            Some(t) => t.as_bytes().to_vec(),
            None => hex_decode(case["input_hex"].as_str().unwrap()).unwrap(),
        };
        let want = match case["rfc6962_leaf_hash_b64"].as_str() {
            Some(b) => b64_decode(b).unwrap(),
            None => hex_decode(case["rfc6962_leaf_hash_hex"].as_str().unwrap()).unwrap(),
        };
        assert_eq!(leaf_hash(&data).to_vec(), want);
    }
    for t in v["tile_paths_c2sp"]["tile"].as_array().unwrap() {
        let p = t["p"].as_u64().unwrap() as u8;
        let path = tile_path(
            t["level"].as_u64().unwrap() as u8,
            t["index"].as_u64().unwrap(),
            Some(p),
        );
        assert_eq!(path, t["path"].as_str().unwrap());
    }
    for e in v["tile_paths_c2sp"]["entries_for_log_index"]
        .as_array()
        .unwrap()
    {
        assert_eq!(
            entries_path_for(e["seq"].as_u64().unwrap(), e["logSize"].as_u64().unwrap()),
            e["path"].as_str().unwrap()
        );
    }
}
