//! The issuer toolkit end to end: a ledger directory across tile boundaries,
//! proofs from it verified against a policy, witness cosigning, and issuing.
#![cfg(feature = "issuer")]

use std::path::PathBuf;

use touchmark::issuer::witness::cosign;
use touchmark::issuer::LedgerDir;
use touchmark::keys::{KeyKind, SignerKey};
use touchmark::tlog::merkle::{consistency_proof, leaf_hash, root_from_leaves, verify_consistency};
use touchmark::tlog::tiles::tile_path;
use touchmark::tlog::{Policy, TlogProof};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("touchmark-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn ledger_crosses_tile_boundaries_and_proves_every_entry() {
    let dir = scratch("ledger");
    let log = SignerKey::from_seed("test.example/log", KeyKind::Ed25519, [1; 32]).unwrap();
    let witness = SignerKey::from_seed("w.example", KeyKind::CosignatureV1, [2; 32]).unwrap();
    let mut ledger = LedgerDir::init(&dir, &log).unwrap();
    let entries: Vec<Vec<u8>> = (0..600u32)
        .map(|i| format!("entry {i}").into_bytes())
        .collect();
    // Uneven batches so partial tiles are extended, completed and overtaken.
    let mut sizes = vec![];
    for batch in entries.chunks(97) {
        ledger.append(batch, &log).unwrap();
        sizes.push(ledger.checkpoint().size);
    }
    assert_eq!(ledger.checkpoint().size, 600);
    for rel in [
        tile_path(0, 0, None),
        tile_path(0, 1, None),
        tile_path(0, 2, Some(88)),
        tile_path(1, 0, Some(2)),
    ] {
        assert!(dir.join(&rel).is_file(), "missing {rel}");
    }
    assert_eq!(
        std::fs::read(dir.join(tile_path(1, 0, Some(2))))
            .unwrap()
            .len(),
        64
    );

    let reopened = LedgerDir::open(&dir).unwrap();
    let leaves: Vec<_> = entries.iter().map(|e| leaf_hash(e)).collect();
    assert_eq!(reopened.checkpoint().root_hash, root_from_leaves(&leaves));
    let consistency = consistency_proof(&leaves, 97).unwrap();
    verify_consistency(
        97,
        600,
        &consistency,
        &root_from_leaves(&leaves[..97]),
        &reopened.checkpoint().root_hash,
    )
    .unwrap();

    let note = cosign(
        reopened.checkpoint_note().unwrap().to_text().as_bytes(),
        log.verifier(),
        &witness,
        1_800_000_000,
    )
    .unwrap();
    reopened.store_cosigned(&note).unwrap();
    let policy = Policy::parse(
        format!(
            "log {}\nwitness w {}\nquorum w\n",
            log.verifier(),
            witness.verifier()
        )
        .as_bytes(),
    )
    .unwrap();
    for index in [0u64, 255, 256, 511, 599] {
        let text = reopened.proof(index).unwrap().to_text();
        let proof = TlogProof::parse(text.as_bytes()).unwrap();
        let report = proof.verify(&policy, &leaves[index as usize]).unwrap();
        assert!(
            report.quorum_met && report.inclusion.is_ok(),
            "index {index}"
        );
        assert!(proof
            .verify(&policy, &leaves[(index as usize + 1) % 600])
            .unwrap()
            .inclusion
            .is_err());
    }
    assert!(reopened.proof(600).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ledger_refuses_a_foreign_log_key_and_a_corrupted_tile() {
    let dir = scratch("ledger-corrupt");
    let log = SignerKey::from_seed("test.example/log", KeyKind::Ed25519, [1; 32]).unwrap();
    let other = SignerKey::from_seed("other.example/log", KeyKind::Ed25519, [3; 32]).unwrap();
    let mut ledger = LedgerDir::init(&dir, &log).unwrap();
    assert!(ledger.append(&[b"x".to_vec()], &other).is_err());
    ledger
        .append(&[b"x".to_vec(), b"y".to_vec()], &log)
        .unwrap();
    std::fs::write(dir.join(tile_path(0, 0, Some(2))), [0u8; 64]).unwrap();
    assert!(LedgerDir::open(&dir).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}
