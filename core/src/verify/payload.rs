//! Classifying scanned or pasted text: certificate, hallmark, ledger proof, a
//! damaged Touchmark code, or something else entirely.

use crate::certificate::{qr_text, CompactJws};
use crate::hallmark::{Hallmark, HallmarkError};
use crate::tlog::proof::{TlogProof, PROOF_HEADER};

/// One classified input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// A certificate code, decoded to its (unverified) compact JWS.
    Certificate(CompactJws),
    /// A hallmark code.
    Hallmark(Hallmark),
    /// A C2SP tlog-proof.
    Proof(Box<TlogProof>),
    /// A Touchmark code whose content is damaged.
    Malformed,
    /// A tlog-proof that does not parse.
    MalformedProof,
    /// Text that is not a Touchmark code.
    Foreign,
}

impl Payload {
    /// Classifies one scanned payload or file's text.
    pub fn classify(text: &str) -> Self {
        let trimmed = text.trim_end_matches(['\n', '\r']);
        if text.starts_with(PROOF_HEADER) {
            return match TlogProof::parse(text.as_bytes()) {
                Ok(proof) => Payload::Proof(Box::new(proof)),
                Err(_) => Payload::MalformedProof,
            };
        }
        if trimmed.starts_with(qr_text::CERTIFICATE_PREFIX) {
            return qr_text::decode(trimmed)
                .ok()
                .and_then(|jws| CompactJws::parse(&jws).ok())
                .map_or(Payload::Malformed, Payload::Certificate);
        }
        match Hallmark::parse(trimmed) {
            Ok(h) => Payload::Hallmark(h),
            Err(HallmarkError::Malformed) => Payload::Malformed,
            Err(HallmarkError::Prefix) => Payload::Foreign,
        }
    }

    /// Splits a text file into payloads: a tlog-proof file is one payload, anything
    /// else is one payload per non-empty line.
    pub fn classify_file(text: &str) -> Vec<Self> {
        if text.starts_with(PROOF_HEADER) {
            return vec![Self::classify(text)];
        }
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| Self::classify(l.trim()))
            .collect()
    }
}
