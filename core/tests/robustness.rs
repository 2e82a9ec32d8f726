//! Untrusted input never panics and never turns into a wrong "authentic": every
//! single-byte change to a valid certificate code, and to a valid proof, is run
//! through the verifier; oversized inputs are refused by size.

use std::path::Path;

use touchmark::keys::VerifierKey;
use touchmark::note::{Note, NoteError, MAX_NOTE_BYTES};
use touchmark::tlog::proof::{ProofParseError, TlogProof};
use touchmark::trust::TrustBundle;
use touchmark::{Overall, Verifier};

fn read(rel: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../test-vectors")
            .join(rel),
    )
    .unwrap()
}

fn verifier() -> Verifier {
    let root = VerifierKey::parse(read("keys/root.vkey").trim()).unwrap();
    Verifier::new(
        TrustBundle::load(
            read("trust/bundle-v3.note").as_bytes(),
            &[root],
            0,
            1_795_000_000,
        )
        .unwrap(),
    )
}

#[test]
fn every_single_byte_change_to_a_certificate_is_caught() {
    let verifier = verifier();
    let cert = read("cases/valid-text/certificate.txt").trim().to_owned();
    let proof = read("cases/valid-text/proof.tlog-proof");
    assert_eq!(
        verifier
            .verify_texts(&[cert.as_str(), proof.as_str()])
            .verdict,
        Overall::Authentic
    );
    let mut checked = 0;
    for i in 0..cert.len() {
        let mut bytes = cert.clone().into_bytes();
        // The next digit (or, in the prefix, the next character).
        bytes[i] = if bytes[i].is_ascii_digit() {
            b'0' + (bytes[i] - b'0' + 1) % 10
        } else {
            bytes[i] + 1
        };
        let mutated = String::from_utf8(bytes).unwrap();
        let verdict = verifier.verify_texts(&[mutated.as_str(), proof.as_str()]);
        assert_ne!(verdict.verdict, Overall::Authentic, "byte {i}");
        checked += 1;
    }
    assert!(checked > 1000);
}

#[test]
fn proof_mutations_never_panic_and_never_prove_a_changed_root_path() {
    let verifier = verifier();
    let cert = read("cases/valid-text/certificate.txt").trim().to_owned();
    let proof = read("cases/valid-text/proof.tlog-proof");
    // The inclusion hashes and the checkpoint body (up to the blank line before the
    // signatures) are all bound: any change there must not verify.
    let bound_end = proof.find("\n\n\u{2014}").unwrap();
    for i in 0..proof.len() {
        let mut bytes = proof.clone().into_bytes();
        bytes[i] ^= 0x01;
        let Ok(mutated) = String::from_utf8(bytes) else {
            continue;
        };
        let verdict = verifier.verify_texts(&[cert.as_str(), mutated.as_str()]);
        if i < bound_end && !proof[..i].ends_with("index ") {
            assert_ne!(verdict.verdict, Overall::Authentic, "byte {i}");
        }
    }
}

#[test]
fn oversized_inputs_are_refused_by_size() {
    let huge = vec![b'a'; MAX_NOTE_BYTES + 1];
    assert_eq!(Note::parse(&huge), Err(NoteError::TooLarge));
    let huge_proof = format!("c2sp.org/tlog-proof@v1\nindex 0\n{}", "A".repeat(200_000));
    assert_eq!(
        TlogProof::parse(huge_proof.as_bytes()),
        Err(ProofParseError::TooLarge)
    );
    let many_hashes = format!(
        "c2sp.org/tlog-proof@v1\nindex 0\n{}\nx\n",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n".repeat(129)
    );
    assert!(matches!(
        TlogProof::parse(many_hashes.as_bytes()),
        Err(ProofParseError::Malformed(_))
    ));
    let verdict = verifier().verify_texts(&["TM1:/".to_owned() + &"1".repeat(20_000)]);
    assert_eq!(verdict.verdict, Overall::Inconclusive);
}
