//! The fixed world of the vectors: keys, trust bundles, certificates, the ledger
//! and its checkpoint variants.

use std::collections::BTreeMap;

use serde_json::json;
use sha2::{Digest, Sha256};
use touchmark::certificate::{qr_text, CompactJws, Edition, Item, Stone};
use touchmark::encoding::{b64_decode, b64_encode, b64url_encode};
use touchmark::hallmark::Hallmark;
use touchmark::issuer::trust_bundle::sign_bundle;
use touchmark::issuer::witness::cosign;
use touchmark::issuer::{issue_certificate, LedgerDir, PieceDescription};
use touchmark::keys::{KeyKind, SignerKey, VerifierKey};
use touchmark::ledger::{LedgerEvent, PieceStatus};
use touchmark::note::Note;
use touchmark::tlog::merkle::Hash;
use touchmark::trust::{BundleBody, IssuerEntry, IssuerKeyEntry, BUNDLE_FORMAT};

use super::writer::VectorWriter;

/// The verification time of every case: 2026-11-18T11:06:40Z.
pub const NOW: u64 = 1_795_000_000;
/// Witness cosignature times.
pub const COSIGN_TIMES: [u64; 3] = [1_794_990_000, 1_794_990_060, 1_794_990_120];
/// The main ledger's origin.
pub const LEDGER: &str = "aurum.example/log";
/// A ledger the policy does not trust.
pub const OTHER_LEDGER: &str = "other.example/log";
/// The version of the current trust bundle.
pub const TRUST_VERSION: u64 = 3;

/// 32 bytes derived from a label: every secret in the vectors comes from here.
pub fn seed(label: &str) -> [u8; 32] {
    Sha256::digest(format!("touchmark-vectors/{label}")).into()
}

fn signer(name: &str, kind: KeyKind, label: &str) -> Result<SignerKey, String> {
    SignerKey::from_seed(name, kind, seed(label)).map_err(|e| e.to_string())
}

fn secret(label: &str) -> [u8; 16] {
    let s = seed(&format!("hallmark/{label}"));
    let mut out = [0u8; 16];
    out.copy_from_slice(&s[..16]);
    out
}

/// A certificate in the vectors, by name.
#[derive(Clone)]
pub struct Cert {
    /// The compact JWS.
    pub jws: String,
    /// Its hallmark (for certificates issued normally).
    pub hallmark: Hallmark,
    /// The serial, as far as the ledger is concerned.
    pub serial: String,
}

impl Cert {
    /// The certificate's QR text.
    pub fn qr(&self) -> String {
        qr_text::encode(&self.jws)
    }
}

/// A checkpoint note variant: its text, as a proof would embed it.
pub struct Checkpoints {
    /// Log + three witnesses.
    pub full: String,
    /// Log + one witness (quorum is two).
    pub one_witness: String,
    /// Log only.
    pub log_only: String,
    /// Second cosignature corrupted.
    pub bad_cosignature: String,
    /// Log signature corrupted.
    pub bad_log_signature: String,
    /// A log-signed, fully cosigned checkpoint that claims twice as many leaves as the tree has (one more could still verify for some indexes: the root, not the size, binds the tree).
    pub wrong_size: String,
    /// Full, plus a cosignature from a witness the policy does not know.
    pub with_stranger: String,
}

/// Everything the cases draw on.
pub struct World {
    /// Trust bundle file paths by variant.
    pub trust: BTreeMap<&'static str, String>,
    /// Certificates by name.
    pub certs: BTreeMap<&'static str, Cert>,
    /// Main-ledger index of recorded certificates.
    pub index: BTreeMap<&'static str, u64>,
    /// Leaf hashes of the main ledger.
    pub leaves: Vec<Hash>,
    /// Checkpoint variants of the main ledger.
    pub checkpoints: Checkpoints,
    /// A full proof for the certificate on the untrusted ledger.
    pub other_ledger_proof: String,
}

fn piece(serial: &str, issued: &str, n: u32) -> PieceDescription {
    PieceDescription {
        serial: serial.into(),
        edition: Edition { n, of: 25 },
        item: Item {
            title: "Aurora ring".into(),
            metal: "gold".into(),
            fineness: 750,
            stones: vec![Stone {
                kind: "diamond".into(),
                count: 1,
                carat: Some("0.25".into()),
            }],
            maker: "Atelier Aurum".into(),
        },
        issued: issued.into(),
    }
}

fn issue(
    key: &SignerKey,
    iss: &str,
    ledger: &str,
    piece: &PieceDescription,
    label: &str,
) -> Result<Cert, String> {
    let issued =
        issue_certificate(key, iss, ledger, piece, secret(label)).map_err(|e| e.to_string())?;
    Ok(Cert {
        jws: issued.jws.as_str().to_owned(),
        hallmark: issued.hallmark,
        serial: piece.serial.clone(),
    })
}

/// Signs arbitrary claims JSON with `key`, announcing `kid`.
fn sign_raw(key: &SignerKey, kid: &str, claims: &serde_json::Value) -> String {
    let payload = serde_json::to_vec(claims).unwrap_or_default();
    CompactJws::sign(kid, &payload, |input| key.sign(input))
        .as_str()
        .to_owned()
}

/// The same JWS with a replaced signature.
fn with_signature(jws: &str, signature: &[u8]) -> String {
    let input = &jws[..jws.rfind('.').unwrap_or(jws.len())];
    format!("{input}.{}", b64url_encode(signature))
}

/// Adds the group order L to the S half of an Ed25519 signature (little-endian).
fn add_order(signature: &[u8]) -> Vec<u8> {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut out = signature.to_vec();
    let mut carry = 0u16;
    for (s, l) in out[32..].iter_mut().zip(L) {
        let sum = u16::from(*s) + u16::from(l) + carry;
        *s = (sum & 0xff) as u8;
        carry = sum >> 8;
    }
    out
}

/// Flips one bit in the signature bytes (after the key id) of the signature line
/// by `name` in a note.
pub fn corrupt_signature(note: &str, name: &str) -> String {
    note.lines()
        .map(|line| {
            let prefix = format!("\u{2014} {name} ");
            match line.strip_prefix(&prefix).and_then(b64_decode) {
                Some(mut bytes) => {
                    let last = bytes.len() - 1;
                    bytes[last] ^= 0x01;
                    format!("{prefix}{}", b64_encode(&bytes))
                }
                None => line.to_owned(),
            }
        })
        .map(|l| l + "\n")
        .collect()
}

impl World {
    /// Builds keys, bundles, certificates, the ledger directory and checkpoint variants.
    pub fn build(out: &mut VectorWriter) -> Result<World, String> {
        let root = signer("touchmark.example/root", KeyKind::Ed25519, "root")?;
        let evil_root = signer("touchmark.example/root", KeyKind::Ed25519, "evil-root")?;
        let a1 = signer("aurum.example", KeyKind::Ed25519, "aurum-2026")?;
        let a0 = signer("aurum.example", KeyKind::Ed25519, "aurum-2025")?;
        let revoked = signer("aurum.example", KeyKind::Ed25519, "aurum-leaked")?;
        let future = signer("aurum.example", KeyKind::Ed25519, "aurum-2027")?;
        let unlisted = signer("aurum.example", KeyKind::Ed25519, "aurum-unlisted")?;
        let forger = signer("forger.example", KeyKind::Ed25519, "forger")?;
        let log = signer(LEDGER, KeyKind::Ed25519, "log")?;
        let other_log = signer(OTHER_LEDGER, KeyKind::Ed25519, "other-log")?;
        let witnesses = [
            signer("witness1.example", KeyKind::CosignatureV1, "w1")?,
            signer("witness2.example", KeyKind::CosignatureV1, "w2")?,
            signer("witness3.example", KeyKind::CosignatureV1, "w3")?,
        ];
        let stranger = signer("stranger.example", KeyKind::CosignatureV1, "stranger")?;
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = VerifierKey::new("weak.example", KeyKind::Ed25519, identity)
            .map_err(|e| e.to_string())?;

        out.file(
            "keys/root.vkey",
            format!("{}\n", root.verifier()).as_bytes(),
        )?;
        out.file("keys/log.vkey", format!("{}\n", log.verifier()).as_bytes())?;
        for (i, w) in witnesses.iter().enumerate() {
            out.file(
                &format!("keys/witness{}.vkey", i + 1),
                format!("{}\n", w.verifier()).as_bytes(),
            )?;
        }
        let policy = format!(
            "# Touchmark vectors: one log, three witnesses, any two of them.\nlog {}\nwitness w1 {}\nwitness w2 {}\nwitness w3 {}\ngroup witnesses 2 w1 w2 w3\nquorum witnesses\n",
            log.verifier(),
            witnesses[0].verifier(),
            witnesses[1].verifier(),
            witnesses[2].verifier()
        );
        out.file("trust/ledger.policy", policy.as_bytes())?;
        out.header("root_vkeys", json!([root.verifier().to_string()]));
        out.header("now", json!(NOW));

        let key_entry =
            |k: &SignerKey, from: &str, retired: Option<&str>, revoked: bool| IssuerKeyEntry {
                vkey: k.verifier().to_string(),
                valid_from: from.into(),
                retired_from: retired.map(Into::into),
                revoked,
            };
        let body = |version: u64, expires_at: Option<u64>| BundleBody {
            format: BUNDLE_FORMAT.into(),
            version,
            expires_at,
            issuers: vec![
                IssuerEntry {
                    id: "aurum.example".into(),
                    name: "Maison Aurum".into(),
                    keys: vec![
                        key_entry(&a0, "2025-01-01", Some("2026-02-01"), false),
                        key_entry(&a1, "2026-01-01", None, false),
                        key_entry(&revoked, "2026-01-01", None, true),
                        key_entry(&future, "2027-01-01", None, false),
                    ],
                },
                IssuerEntry {
                    id: "weak.example".into(),
                    name: "Weak Key Jewellers".into(),
                    keys: vec![IssuerKeyEntry {
                        vkey: weak.to_string(),
                        valid_from: "2026-01-01".into(),
                        retired_from: None,
                        revoked: false,
                    }],
                },
            ],
            ledger_policy: policy.clone(),
        };
        let signed =
            |b: &BundleBody, k: &SignerKey| sign_bundle(b, &[k]).map_err(|e| e.to_string());
        let current = signed(&body(TRUST_VERSION, Some(NOW + 180 * 86_400)), &root)?;
        let mut trust = BTreeMap::new();
        trust.insert(
            "current",
            out.file("trust/bundle-v3.note", current.as_bytes())?,
        );
        let old = signed(&body(2, None), &root)?;
        trust.insert("v2", out.file("trust/bundle-v2.note", old.as_bytes())?);
        trust.insert(
            "evil",
            out.file(
                "trust/bundle-wrong-root.note",
                signed(&body(TRUST_VERSION, None), &evil_root)?.as_bytes(),
            )?,
        );
        trust.insert(
            "expired",
            out.file(
                "trust/bundle-expired.note",
                signed(&body(TRUST_VERSION, Some(NOW - 86_400)), &root)?.as_bytes(),
            )?,
        );
        let tampered = current.replacen("Maison Aurum", "Maison Aurvm", 1);
        trust.insert(
            "tampered",
            out.file("trust/bundle-tampered.note", tampered.as_bytes())?,
        );

        let mut certs = BTreeMap::new();
        let p = piece("AUR-2026-0042", "2026-03-01", 3);
        certs.insert("valid", issue(&a1, "aurum.example", LEDGER, &p, "valid")?);
        certs.insert(
            "second",
            issue(
                &a1,
                "aurum.example",
                LEDGER,
                &piece("AUR-2026-0043", "2026-03-01", 4),
                "second",
            )?,
        );
        certs.insert(
            "retired-after",
            issue(
                &a0,
                "aurum.example",
                LEDGER,
                &piece("AUR-2026-0050", "2026-03-01", 5),
                "r1",
            )?,
        );
        certs.insert(
            "retired-before",
            issue(
                &a0,
                "aurum.example",
                LEDGER,
                &piece("AUR-2026-0051", "2026-01-15", 6),
                "r2",
            )?,
        );
        certs.insert(
            "revoked",
            issue(
                &revoked,
                "aurum.example",
                LEDGER,
                &piece("AUR-2026-0052", "2026-03-01", 7),
                "rv",
            )?,
        );
        certs.insert(
            "not-yet-valid",
            issue(
                &future,
                "aurum.example",
                LEDGER,
                &piece("AUR-2026-0053", "2026-03-01", 8),
                "fu",
            )?,
        );
        certs.insert(
            "unknown-key",
            issue(
                &unlisted,
                "aurum.example",
                LEDGER,
                &piece("AUR-2026-0054", "2026-03-01", 9),
                "uk",
            )?,
        );
        certs.insert(
            "unknown-issuer",
            issue(
                &forger,
                "forger.example",
                LEDGER,
                &piece("FRG-0001", "2026-03-01", 1),
                "fg",
            )?,
        );
        certs.insert(
            "other-ledger",
            issue(
                &a1,
                "aurum.example",
                OTHER_LEDGER,
                &piece("AUR-2026-0044", "2026-03-01", 10),
                "ol",
            )?,
        );
        // Signed by an unlisted key while announcing the current key's id.
        let wrong = issue(
            &unlisted,
            "aurum.example",
            LEDGER,
            &piece("AUR-2026-0055", "2026-03-01", 11),
            "wk",
        )?;
        let claims_json = |c: &Cert| -> Result<serde_json::Value, String> {
            let jws = CompactJws::parse(&c.jws).map_err(|e| e.to_string())?;
            serde_json::from_slice(jws.payload()).map_err(|e| e.to_string())
        };
        let wrong_jws = sign_raw(
            &unlisted,
            &a1.verifier().key_id_hex(),
            &claims_json(&wrong)?,
        );
        certs.insert(
            "wrong-key",
            Cert {
                jws: wrong_jws,
                ..wrong
            },
        );
        let valid = certs["valid"].clone();
        let valid_sig = CompactJws::parse(&valid.jws)
            .map_err(|e| e.to_string())?
            .signature()
            .to_vec();
        certs.insert(
            "noncanonical",
            Cert {
                jws: with_signature(&valid.jws, &add_order(&valid_sig)),
                ..valid.clone()
            },
        );
        // Tampered: the same signature over a claim with another edition number.
        let mut tampered_claims = claims_json(&valid)?;
        tampered_claims["edition"]["n"] = json!(1);
        let tampered_jws = sign_raw(&a1, &a1.verifier().key_id_hex(), &tampered_claims);
        certs.insert(
            "tampered-claim",
            Cert {
                jws: with_signature(&tampered_jws, &valid_sig),
                ..valid.clone()
            },
        );
        let mut flipped = valid_sig.clone();
        flipped[10] ^= 0x04;
        certs.insert(
            "tampered-signature",
            Cert {
                jws: with_signature(&valid.jws, &flipped),
                ..valid.clone()
            },
        );
        // A small-order key and the (R = identity, S = 0) signature lax verifiers accept.
        let mut weak_claims = claims_json(&valid)?;
        weak_claims["iss"] = json!("weak.example");
        weak_claims["serial"] = json!("WEAK-0001");
        let mut weak_sig = [0u8; 64];
        weak_sig[0] = 1;
        let weak_jws = with_signature(&sign_raw(&a1, &weak.key_id_hex(), &weak_claims), &weak_sig);
        certs.insert(
            "small-order",
            Cert {
                jws: weak_jws,
                serial: "WEAK-0001".into(),
                ..valid.clone()
            },
        );
        // alg "none": a classic JWS downgrade.
        let none_header = b64url_encode(br#"{"alg":"none","kid":"00000000"}"#);
        let none_payload =
            &valid.jws[valid.jws.find('.').unwrap_or(0)..valid.jws.rfind('.').unwrap_or(0)];
        let none_jws = format!("{none_header}{none_payload}.{}", b64url_encode(&[0u8; 64]));
        certs.insert(
            "alg-none",
            Cert {
                jws: none_jws,
                ..valid.clone()
            },
        );
        let mut bad_edition = claims_json(&valid)?;
        bad_edition["edition"]["n"] = json!(0);
        certs.insert(
            "claims-invalid",
            Cert {
                jws: sign_raw(&a1, &a1.verifier().key_id_hex(), &bad_edition),
                ..valid.clone()
            },
        );
        let mut extra_field = claims_json(&valid)?;
        extra_field["v"] = json!(1);
        certs.insert(
            "claims-extra-field",
            Cert {
                jws: sign_raw(&a1, &a1.verifier().key_id_hex(), &extra_field),
                ..valid.clone()
            },
        );

        // The main ledger: recorded certificates interleaved with other events.
        let recorded = [
            "valid",
            "second",
            "retired-after",
            "retired-before",
            "revoked",
            "not-yet-valid",
            "unknown-key",
            "unknown-issuer",
            "wrong-key",
            "noncanonical",
            "small-order",
            "alg-none",
        ];
        let ledger_dir = out.root().join("ledger");
        let mut ledger = LedgerDir::init(&ledger_dir, &log).map_err(|e| e.to_string())?;
        let mut index = BTreeMap::new();
        let mut records = Vec::new();
        for (i, name) in recorded.iter().enumerate() {
            let cert = &certs[name];
            index.insert(*name, records.len() as u64);
            records.push(LedgerEvent::issue(&cert.serial, &cert.jws).encode());
            if i == 1 {
                records.push(
                    LedgerEvent::Status {
                        serial: "AUR-2026-0043".into(),
                        status: PieceStatus::Active,
                    }
                    .encode(),
                );
                records.push(
                    LedgerEvent::Service {
                        serial: "AUR-2026-0042".into(),
                        note: "resized to 54".into(),
                    }
                    .encode(),
                );
            }
        }
        ledger.append(&records, &log).map_err(|e| e.to_string())?;
        let leaves = records
            .iter()
            .map(|r| touchmark::tlog::merkle::leaf_hash(r))
            .collect();
        let log_only = ledger
            .checkpoint_note()
            .map_err(|e| e.to_string())?
            .to_text();
        let mut note_bytes = log_only.clone().into_bytes();
        let mut after_first = String::new();
        for (i, (w, t)) in witnesses.iter().zip(COSIGN_TIMES).enumerate() {
            let note = cosign(&note_bytes, log.verifier(), w, t).map_err(|e| e.to_string())?;
            note_bytes = note.to_text().into_bytes();
            if i == 0 {
                after_first = note.to_text();
            }
        }
        let full_note = Note::parse(&note_bytes).map_err(|e| e.to_string())?;
        ledger
            .store_cosigned(&full_note)
            .map_err(|e| e.to_string())?;
        let full = full_note.to_text();

        let size = ledger.checkpoint().size;
        let wrong_text = ledger.checkpoint().to_text().replacen(
            &format!("\n{size}\n"),
            &format!("\n{}\n", size * 2),
            1,
        );
        let mut wrong_note = Note::unsigned(&wrong_text).map_err(|e| e.to_string())?;
        wrong_note.add_signature(&log, 0);
        for (w, t) in witnesses.iter().zip(COSIGN_TIMES) {
            wrong_note.add_signature(w, t);
        }
        let mut with_stranger = full_note.clone();
        with_stranger.add_signature(&stranger, COSIGN_TIMES[0]);

        // The untrusted ledger, kept in the case that uses it.
        let other_dir = out.root().join("cases/ledger-unknown/ledger");
        let mut other = LedgerDir::init(&other_dir, &other_log).map_err(|e| e.to_string())?;
        let other_cert = &certs["other-ledger"];
        let other_index = other
            .append(
                &[LedgerEvent::issue(&other_cert.serial, &other_cert.jws).encode()],
                &other_log,
            )
            .map_err(|e| e.to_string())?;
        let other_ledger_proof = other
            .proof(other_index)
            .map_err(|e| e.to_string())?
            .to_text();

        Ok(World {
            trust,
            certs,
            index,
            leaves,
            checkpoints: Checkpoints {
                bad_cosignature: corrupt_signature(&full, "witness2.example"),
                bad_log_signature: corrupt_signature(&full, LEDGER),
                one_witness: after_first,
                log_only,
                wrong_size: wrong_note.to_text(),
                with_stranger: with_stranger.to_text(),
                full,
            },
            other_ledger_proof,
        })
    }

    /// A tlog-proof for leaf `index` with the given checkpoint note text.
    pub fn proof(&self, index: u64, note: &str, extra: Option<&[u8]>) -> String {
        let inclusion = touchmark::tlog::merkle::inclusion_proof(&self.leaves, index as usize)
            .unwrap_or_default();
        let mut text = String::from("c2sp.org/tlog-proof@v1\n");
        if let Some(extra) = extra {
            text += &format!("extra {}\n", b64_encode(extra));
        }
        text += &format!("index {index}\n");
        for hash in inclusion {
            text += &b64_encode(&hash);
            text.push('\n');
        }
        text.push('\n');
        text + note
    }

    /// The full proof for a recorded certificate.
    pub fn full_proof(&self, name: &str) -> String {
        self.proof(
            self.index.get(name).copied().unwrap_or(0),
            &self.checkpoints.full,
            None,
        )
    }
}
