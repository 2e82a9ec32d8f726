//! Full offline verification (certificate + tlog-proof with three witness
//! cosignatures) against the bare cost of the same cryptography in the same run:
//! five Ed25519 `verify_strict` calls (issuer, log, three witnesses), SHA-256 of the
//! JWS, the leaf hash and the inclusion-proof node hashes.
//!
//! Run: `cargo bench -p touchmark --bench verify --features issuer`. Besides
//! criterion's report it prints an interleaved median ratio `full / bare`.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::{criterion_group, Criterion};
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};
use touchmark::certificate::{qr_text, CompactJws};
use touchmark::keys::VerifierKey;
use touchmark::note::cosignature_message;
use touchmark::tlog::merkle::{leaf_hash, node_hash};
use touchmark::tlog::TlogProof;
use touchmark::trust::TrustBundle;
use touchmark::{Overall, Verifier};

struct Fixture {
    verifier: Verifier,
    texts: [String; 2],
    bare: Bare,
}

/// Pre-parsed keys, messages and signatures: the irreducible work.
struct Bare {
    checks: Vec<(VerifyingKey, Vec<u8>, Signature)>,
    jws: String,
    leaf_prefix: Vec<u8>,
    path: Vec<[u8; 32]>,
}

fn fixture() -> Fixture {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors");
    let read = |rel: &str| std::fs::read_to_string(dir.join(rel)).expect("test-vectors");
    let root = VerifierKey::parse(read("keys/root.vkey").trim()).expect("root");
    let bundle = TrustBundle::load(
        read("trust/bundle-v3.note").as_bytes(),
        &[root],
        0,
        1_795_000_000,
    )
    .expect("bundle");
    let cert = read("cases/valid-text/certificate.txt").trim().to_owned();
    let proof_text = read("cases/valid-text/proof.tlog-proof");

    let jws = CompactJws::parse(&qr_text::decode(&cert).expect("qr")).expect("jws");
    let proof = TlogProof::parse(proof_text.as_bytes()).expect("proof");
    let issuer_key = &bundle.issuers[0].keys[1].key;
    let mut checks = vec![(
        VerifyingKey::from_bytes(issuer_key.public_key()).expect("key"),
        jws.signing_input().to_vec(),
        Signature::from_slice(jws.signature()).expect("sig"),
    )];
    let text = proof.note.text().to_owned();
    for sig in proof.note.signatures() {
        let key = bundle
            .policy
            .known_keys()
            .into_iter()
            .find(|k| k.name() == sig.name)
            .expect("known");
        let vk = VerifyingKey::from_bytes(key.public_key()).expect("key");
        let (message, signature) = match sig.signature.len() {
            64 => (text.clone().into_bytes(), sig.signature.clone()),
            _ => {
                let time = u64::from_be_bytes(sig.signature[..8].try_into().expect("time"));
                (
                    cosignature_message(&text, time).into_bytes(),
                    sig.signature[8..].to_vec(),
                )
            }
        };
        checks.push((vk, message, Signature::from_slice(&signature).expect("sig")));
    }
    assert_eq!(checks.len(), 5, "issuer + log + three witnesses");
    let bare = Bare {
        checks,
        jws: jws.as_str().to_owned(),
        leaf_prefix: b"touchmark/event/v1 issue\nserial AUR-2026-0042\ncertificate ".to_vec(),
        path: proof.inclusion.clone(),
    };
    Fixture {
        verifier: Verifier::new(bundle),
        texts: [cert, proof_text],
        bare,
    }
}

fn full(f: &Fixture) -> Overall {
    f.verifier.verify_texts(black_box(&f.texts)).verdict
}

fn bare(b: &Bare) -> bool {
    let mut ok = true;
    for (key, message, signature) in &b.checks {
        ok &= key.verify_strict(black_box(message), signature).is_ok();
    }
    let digest = Sha256::digest(b.jws.as_bytes());
    let mut leaf = leaf_hash(&[&b.leaf_prefix[..], &digest[..]].concat());
    for sibling in &b.path {
        leaf = node_hash(&leaf, sibling);
    }
    ok && black_box(leaf) != [0; 32]
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    assert_eq!(full(&f), Overall::Authentic);
    assert!(bare(&f.bare));
    let mut group = c.benchmark_group("offline-verification");
    group.bench_function("touchmark full verify", |b| b.iter(|| full(&f)));
    group.bench_function("bare crypto (5 verify_strict + hashes)", |b| {
        b.iter(|| bare(&f.bare))
    });
    group.finish();
}

/// Interleaves the two workloads and reports the median of per-round ratios, so
/// machine noise hits both sides alike.
fn ratio() {
    let f = fixture();
    let mut ratios = Vec::new();
    for _ in 0..60 {
        let start = Instant::now();
        for _ in 0..20 {
            black_box(full(&f));
        }
        let full_time = start.elapsed().as_secs_f64();
        let start = Instant::now();
        for _ in 0..20 {
            black_box(bare(&f.bare));
        }
        ratios.push(full_time / start.elapsed().as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "ratio full/bare (median of 60 interleaved rounds): {:.3}x",
        ratios[ratios.len() / 2]
    );
}

criterion_group!(group, benches);

fn main() {
    group();
    Criterion::default().configure_from_args().final_summary();
    ratio();
}
