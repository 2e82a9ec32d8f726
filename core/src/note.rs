//! C2SP signed notes (<https://c2sp.org/signed-note>), with the strictness of Go's
//! `golang.org/x/mod/sumdb/note`: a malformed signature line rejects the whole note,
//! even when it names an unknown key, and a known key's bad signature rejects it too.

use crate::encoding::{b64_decode, b64_encode};
use crate::keys::{KeyKind, SignatureFault, SignerKey, VerifierKey};

/// The most bytes a note may have; larger input is rejected before parsing.
pub const MAX_NOTE_BYTES: usize = 128 * 1024;
/// The most signature lines a note may carry (Go's limit; C2SP requires at least 16).
pub const MAX_SIGNATURES: usize = 100;

const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// Why a note was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The note is larger than [`MAX_NOTE_BYTES`].
    #[error("note is larger than {MAX_NOTE_BYTES} bytes")]
    TooLarge,
    /// The note has more than [`MAX_SIGNATURES`] signature lines.
    #[error("note has more than {MAX_SIGNATURES} signatures")]
    TooManySignatures,
    /// The note is not valid UTF-8, has a control character, lacks the blank line
    /// before its signatures, or has a malformed signature line.
    #[error("malformed note: {0}")]
    Malformed(&'static str),
    /// A signature from a known key failed to verify.
    #[error("invalid signature from known key {name}")]
    InvalidSignature {
        /// The key name.
        name: String,
        /// How it failed.
        fault: SignatureFault,
    },
    /// No signature from any known key.
    #[error("no signature from a known key")]
    NoKnownSignature,
}

/// One signature line: key name, key id and the signature bytes after the key id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name on the line.
    pub name: String,
    /// The 32-bit key id (first four bytes of the decoded signature).
    pub key_id: u32,
    /// The signature bytes that follow the key id.
    pub signature: Vec<u8>,
    /// The original line without its prefix, for exact re-serialization.
    line: String,
}

/// A parsed, not yet verified, signed note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    text: String,
    signatures: Vec<NoteSignature>,
}

/// A signature that verified against a known key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// The key that verified it.
    pub key: VerifierKey,
    /// For a cosignature/v1: the POSIX time at which the witness signed.
    pub timestamp: Option<u64>,
}

/// A note whose signatures from known keys all verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedNote {
    /// The note text, ending in a newline.
    pub text: String,
    /// The signatures from known keys, in note order, duplicates dropped.
    pub verified: Vec<VerifiedSignature>,
    /// Signatures from keys the verifier does not know (ignored, as the spec requires).
    pub unknown: Vec<(String, u32)>,
}

impl Note {
    /// Parses a signed note, checking its structure and every signature line.
    pub fn parse(bytes: &[u8]) -> Result<Self, NoteError> {
        if bytes.len() > MAX_NOTE_BYTES {
            return Err(NoteError::TooLarge);
        }
        let message = std::str::from_utf8(bytes).map_err(|_| NoteError::Malformed("not UTF-8"))?;
        if message.chars().any(|c| c < ' ' && c != '\n') {
            return Err(NoteError::Malformed("control character"));
        }
        let split = message
            .rfind("\n\n")
            .ok_or(NoteError::Malformed("no blank line before signatures"))?;
        let (text, signature_block) = (&message[..=split], &message[split + 2..]);
        let body = signature_block
            .strip_suffix('\n')
            .ok_or(NoteError::Malformed(
                "signature block must end in a newline",
            ))?;
        let mut signatures = Vec::new();
        for line in body.split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(NoteError::TooManySignatures);
            }
            signatures.push(parse_signature_line(line)?);
        }
        Ok(Self {
            text: text.to_owned(),
            signatures,
        })
    }

    /// The note text, including its final newline.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// All signature lines, known or not.
    pub fn signatures(&self) -> &[NoteSignature] {
        &self.signatures
    }

    /// Verifies the note against `known` keys.
    ///
    /// Signatures from unknown keys (name and id not both matching) are ignored; a
    /// failing signature from a known key rejects the note; at least one known
    /// signature must verify.
    pub fn verify(&self, known: &[VerifierKey]) -> Result<VerifiedNote, NoteError> {
        let mut verified: Vec<VerifiedSignature> = Vec::new();
        let mut unknown: Vec<(String, u32)> = Vec::new();
        for sig in &self.signatures {
            let Some(key) = known
                .iter()
                .find(|k| k.name() == sig.name && k.key_id() == sig.key_id)
            else {
                if !unknown
                    .iter()
                    .any(|(n, id)| *n == sig.name && *id == sig.key_id)
                {
                    unknown.push((sig.name.clone(), sig.key_id));
                }
                continue;
            };
            if verified.iter().any(|v| v.key == *key) {
                continue;
            }
            let timestamp = verify_one(&self.text, key, &sig.signature).map_err(|fault| {
                NoteError::InvalidSignature {
                    name: sig.name.clone(),
                    fault,
                }
            })?;
            verified.push(VerifiedSignature {
                key: key.clone(),
                timestamp,
            });
        }
        if verified.is_empty() {
            return Err(NoteError::NoKnownSignature);
        }
        Ok(VerifiedNote {
            text: self.text.clone(),
            verified,
            unknown,
        })
    }

    /// Serializes the note exactly as parsed (or as built).
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 1 + self.signatures.len() * 100);
        out.push_str(&self.text);
        out.push('\n');
        for sig in &self.signatures {
            out.push_str(SIGNATURE_PREFIX);
            out.push_str(&sig.line);
            out.push('\n');
        }
        out
    }

    /// Starts an unsigned note; `text` must end in a newline and have no control
    /// characters other than newline.
    pub fn unsigned(text: &str) -> Result<Self, NoteError> {
        if !text.ends_with('\n') {
            return Err(NoteError::Malformed("text must end in a newline"));
        }
        if text.chars().any(|c| c < ' ' && c != '\n') {
            return Err(NoteError::Malformed("control character"));
        }
        Ok(Self {
            text: text.to_owned(),
            signatures: Vec::new(),
        })
    }

    /// Adds a signature by `signer`. For a cosignature key, `timestamp` is the POSIX
    /// time to sign (ignored for plain Ed25519 keys).
    pub fn add_signature(&mut self, signer: &SignerKey, timestamp: u64) {
        let key = signer.verifier();
        let mut bytes = key.key_id().to_be_bytes().to_vec();
        match key.kind() {
            KeyKind::Ed25519 => bytes.extend_from_slice(&signer.sign(self.text.as_bytes())),
            KeyKind::CosignatureV1 => {
                let message = cosignature_message(&self.text, timestamp);
                bytes.extend_from_slice(&timestamp.to_be_bytes());
                bytes.extend_from_slice(&signer.sign(message.as_bytes()));
            }
        }
        let signature = bytes.split_off(4);
        let line = format!(
            "{} {}",
            key.name(),
            b64_encode(&[&bytes[..], &signature].concat())
        );
        self.signatures.push(NoteSignature {
            name: key.name().to_owned(),
            key_id: key.key_id(),
            signature,
            line,
        });
    }
}

/// The message an Ed25519 cosignature/v1 signs (<https://c2sp.org/tlog-cosignature>).
pub fn cosignature_message(text: &str, timestamp: u64) -> String {
    format!("cosignature/v1\ntime {timestamp}\n{text}")
}

fn verify_one(
    text: &str,
    key: &VerifierKey,
    signature: &[u8],
) -> Result<Option<u64>, SignatureFault> {
    match key.kind() {
        KeyKind::Ed25519 => key.verify(text.as_bytes(), signature).map(|()| None),
        KeyKind::CosignatureV1 => {
            let (time, sig) = signature
                .split_at_checked(8)
                .ok_or(SignatureFault::Invalid)?;
            let timestamp =
                u64::from_be_bytes(time.try_into().map_err(|_| SignatureFault::Invalid)?);
            if timestamp > i64::MAX as u64 {
                return Err(SignatureFault::Invalid);
            }
            key.verify(cosignature_message(text, timestamp).as_bytes(), sig)
                .map(|()| Some(timestamp))
        }
    }
}

fn parse_signature_line(line: &str) -> Result<NoteSignature, NoteError> {
    let rest = line
        .strip_prefix(SIGNATURE_PREFIX)
        .ok_or(NoteError::Malformed(
            "signature line must start with an em dash and a space",
        ))?;
    let (name, b64) = rest.split_once(' ').unwrap_or((rest, ""));
    if !crate::keys::is_valid_key_name(name) {
        return Err(NoteError::Malformed("invalid key name on signature line"));
    }
    let decoded = b64_decode(b64).ok_or(NoteError::Malformed("signature is not base64"))?;
    let Some((id, signature)) = decoded
        .split_first_chunk::<4>()
        .filter(|(_, s)| !s.is_empty())
    else {
        return Err(NoteError::Malformed("signature too short"));
    };
    Ok(NoteSignature {
        name: name.to_owned(),
        key_id: u32::from_be_bytes(*id),
        signature: signature.to_vec(),
        line: rest.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const PETER_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const SIGNED: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    #[test]
    fn signing_reproduces_go_byte_for_byte() {
        let signer = SignerKey::parse(PETER_SKEY).unwrap();
        let mut note = Note::unsigned(TEXT).unwrap();
        note.add_signature(&signer, 0);
        assert_eq!(note.to_text(), SIGNED);
        let verified = Note::parse(SIGNED.as_bytes())
            .unwrap()
            .verify(&[signer.verifier().clone()])
            .unwrap();
        assert_eq!(verified.text, TEXT);
    }

    #[test]
    fn malformed_line_from_unknown_key_rejects() {
        let bad = format!("{SIGNED}\u{2014} Unknown !!!\n");
        assert!(matches!(
            Note::parse(bad.as_bytes()),
            Err(NoteError::Malformed(_))
        ));
    }

    #[test]
    fn cosignature_round_trip() {
        let witness = SignerKey::from_seed("w.example", KeyKind::CosignatureV1, [3; 32]).unwrap();
        let mut note =
            Note::unsigned("log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n").unwrap();
        note.add_signature(&witness, 1_700_000_000);
        let verified = Note::parse(note.to_text().as_bytes())
            .unwrap()
            .verify(&[witness.verifier().clone()])
            .unwrap();
        assert_eq!(verified.verified[0].timestamp, Some(1_700_000_000));
    }
}
