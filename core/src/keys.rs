//! C2SP signed-note keys: verifier keys (`vkey`) and signer keys (`skey`), with
//! Ed25519 verification that is strict everywhere.
//!
//! A vkey is `<name>+<key id hex>+<base64(type || public key)>`; an skey is
//! `PRIVATE+KEY+<name>+<key id hex>+<base64(type || seed)>`
//! (<https://c2sp.org/signed-note#verifier-keys>). Like Go's `sumdb/note`, a vkey is
//! split on its first two `+` only, so the base64 part may itself contain `+`.

use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use sha2::{Digest, Sha256};
use std::fmt;

use crate::encoding::{b64_decode, b64_encode};

/// Why a key string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key name is empty, contains a space or a `+`, or is not UTF-8.
    #[error("invalid key name")]
    InvalidName,
    /// The key id is not eight hex digits.
    #[error("key id is not 8 hex digits")]
    InvalidKeyId,
    /// The key material is not valid base64.
    #[error("key material is not valid base64")]
    InvalidBase64,
    /// The signature type byte is not one Touchmark supports (0x01 or 0x04).
    #[error("unsupported signature type {0:#04x}")]
    UnsupportedType(u8),
    /// The key material has the wrong length for its type.
    #[error("key material has the wrong length")]
    InvalidLength,
    /// The key id does not match the name and key material.
    #[error("key id does not match the key")]
    KeyIdMismatch,
    /// The string does not have the vkey or skey shape at all.
    #[error("not a key string")]
    Malformed,
}

/// The signature algorithm a key is used with, by its C2SP type byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// `0x01`: Ed25519 note signatures (logs, issuers, trust roots).
    Ed25519,
    /// `0x04`: timestamped Ed25519 witness cosignatures (`cosignature/v1`).
    CosignatureV1,
}

impl KeyKind {
    /// The C2SP signature type identifier byte.
    pub fn type_byte(self) -> u8 {
        match self {
            KeyKind::Ed25519 => 0x01,
            KeyKind::CosignatureV1 => 0x04,
        }
    }

    fn from_type_byte(byte: u8) -> Result<Self, KeyError> {
        match byte {
            0x01 => Ok(KeyKind::Ed25519),
            0x04 => Ok(KeyKind::CosignatureV1),
            other => Err(KeyError::UnsupportedType(other)),
        }
    }
}

/// Returns true when `name` is a valid signed-note key name: non-empty, no Unicode
/// space and no `+`.
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('+') && !name.chars().any(char::is_whitespace)
}

/// Computes `SHA-256(name || 0x0A || type || public key)[:4]` as a big-endian u32.
pub fn key_id(name: &str, kind: KeyKind, public_key: &[u8; 32]) -> u32 {
    let digest: [u8; 32] = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update([b'\n', kind.type_byte()])
        .chain_update(public_key)
        .finalize()
        .into();
    let [a, b, c, d, ..] = digest;
    u32::from_be_bytes([a, b, c, d])
}

/// How an Ed25519 signature failed, so a verdict can tell forgery from malleability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureFault {
    /// The signature does not verify.
    Invalid,
    /// The signature is non-canonical (S ≥ L), or the key or R point has small order:
    /// some lax libraries would accept it, Touchmark never does.
    NonCanonical,
}

/// The group order L of Ed25519, little-endian.
const ED25519_ORDER_LE: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
];

fn scalar_is_canonical(s: &[u8]) -> bool {
    // Compare little-endian numbers from the most significant byte down.
    for (byte, order) in s.iter().rev().zip(ED25519_ORDER_LE.iter().rev()) {
        if byte != order {
            return byte < order;
        }
    }
    false
}

/// Verifies an Ed25519 signature with `verify_strict` semantics and explains a failure.
pub fn ed25519_verify(
    key: &VerifyingKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureFault> {
    let Ok(bytes) = <[u8; 64]>::try_from(signature) else {
        return Err(SignatureFault::Invalid);
    };
    let signature = Signature::from_bytes(&bytes);
    if key.verify_strict(message, &signature).is_ok() {
        return Ok(());
    }
    let lax_accepts = key.verify(message, &signature).is_ok();
    if !scalar_is_canonical(&bytes[32..]) || key.is_weak() || lax_accepts {
        Err(SignatureFault::NonCanonical)
    } else {
        Err(SignatureFault::Invalid)
    }
}

/// A public key with its name and key id, parsed from or printed as a C2SP vkey.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key_id: u32,
    kind: KeyKind,
    public_key: [u8; 32],
}

impl VerifierKey {
    /// Builds a verifier key from its parts, computing the standard key id.
    pub fn new(name: &str, kind: KeyKind, public_key: [u8; 32]) -> Result<Self, KeyError> {
        if !is_valid_key_name(name) {
            return Err(KeyError::InvalidName);
        }
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, kind, &public_key),
            kind,
            public_key,
        })
    }

    /// Parses a vkey string, checking the name, the type, the length and the key id.
    pub fn parse(vkey: &str) -> Result<Self, KeyError> {
        let (name, rest) = vkey.split_once('+').ok_or(KeyError::Malformed)?;
        let (id_hex, key_b64) = rest.split_once('+').ok_or(KeyError::Malformed)?;
        let (kind, public_key) = parse_key_parts(name, id_hex, key_b64)?;
        let key = Self::new(name, kind, public_key)?;
        if Some(key.key_id) != parse_key_id(id_hex) {
            return Err(KeyError::KeyIdMismatch);
        }
        Ok(key)
    }

    /// The key name (for a log: its origin; for a witness: its name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 32-bit key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// Which signature algorithm the key is for.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The raw 32-byte Ed25519 public key.
    pub fn public_key(&self) -> &[u8; 32] {
        &self.public_key
    }

    /// The key id as 8 lowercase hex digits: the JWS `kid` of certificates.
    pub fn key_id_hex(&self) -> String {
        format!("{:08x}", self.key_id)
    }

    /// Verifies `signature` over `message` with Ed25519 `verify_strict`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SignatureFault> {
        // A 32-byte string that is not a curve point cannot verify anything.
        let key =
            VerifyingKey::from_bytes(&self.public_key).map_err(|_| SignatureFault::Invalid)?;
        ed25519_verify(&key, message, signature)
    }

    /// True when two keys wrap the same underlying public key (tlog-policy "duplicate").
    pub fn same_public_key(&self, other: &VerifierKey) -> bool {
        self.public_key == other.public_key
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut material = Vec::with_capacity(33);
        material.push(self.kind.type_byte());
        material.extend_from_slice(&self.public_key);
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            b64_encode(&material)
        )
    }
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifierKey({self})")
    }
}

impl std::str::FromStr for VerifierKey {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn parse_key_id(id_hex: &str) -> Option<u32> {
    if id_hex.len() != 8 || !id_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(id_hex, 16).ok()
}

fn parse_key_parts(
    name: &str,
    id_hex: &str,
    key_b64: &str,
) -> Result<(KeyKind, [u8; 32]), KeyError> {
    if !is_valid_key_name(name) {
        return Err(KeyError::InvalidName);
    }
    parse_key_id(id_hex).ok_or(KeyError::InvalidKeyId)?;
    let material = b64_decode(key_b64).ok_or(KeyError::InvalidBase64)?;
    let (&type_byte, key) = material.split_first().ok_or(KeyError::InvalidLength)?;
    let kind = KeyKind::from_type_byte(type_byte)?;
    let key: [u8; 32] = key.try_into().map_err(|_| KeyError::InvalidLength)?;
    Ok((kind, key))
}

/// A private key with its name and key id, parsed from or printed as a C2SP skey.
#[derive(Clone)]
pub struct SignerKey {
    verifier: VerifierKey,
    signing_key: SigningKey,
}

impl SignerKey {
    /// Builds a signer from a 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, kind: KeyKind, seed: [u8; 32]) -> Result<Self, KeyError> {
        let signing_key = SigningKey::from_bytes(&seed);
        let verifier = VerifierKey::new(name, kind, signing_key.verifying_key().to_bytes())?;
        Ok(Self {
            verifier,
            signing_key,
        })
    }

    /// Parses an skey string (`PRIVATE+KEY+name+id+base64`).
    pub fn parse(skey: &str) -> Result<Self, KeyError> {
        let rest = skey
            .strip_prefix("PRIVATE+KEY+")
            .ok_or(KeyError::Malformed)?;
        let (name, rest) = rest.split_once('+').ok_or(KeyError::Malformed)?;
        let (id_hex, key_b64) = rest.split_once('+').ok_or(KeyError::Malformed)?;
        let (kind, seed) = parse_key_parts(name, id_hex, key_b64)?;
        let signer = Self::from_seed(name, kind, seed)?;
        if Some(signer.verifier.key_id) != parse_key_id(id_hex) {
            return Err(KeyError::KeyIdMismatch);
        }
        Ok(signer)
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> &VerifierKey {
        &self.verifier
    }

    /// Signs `message` (deterministic Ed25519, RFC 8032).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing_key.sign(message).to_bytes()
    }

    /// Prints the skey string. Keep it secret.
    pub fn to_skey_string(&self) -> String {
        let mut material = Vec::with_capacity(33);
        material.push(self.verifier.kind.type_byte());
        material.extend_from_slice(self.signing_key.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.verifier.name,
            self.verifier.key_id,
            b64_encode(&material)
        )
    }
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignerKey({}, secret elided)", self.verifier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const PETER_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

    #[test]
    fn vkey_round_trips_and_matches_its_skey() {
        let vkey = VerifierKey::parse(PETER_VKEY).unwrap();
        assert_eq!(vkey.to_string(), PETER_VKEY);
        let skey = SignerKey::parse(PETER_SKEY).unwrap();
        assert_eq!(skey.verifier(), &vkey);
        assert_eq!(skey.to_skey_string(), PETER_SKEY);
    }

    #[test]
    fn vkey_rejects_every_single_byte_increment() {
        for i in 0..PETER_VKEY.len() {
            let mut bytes = PETER_VKEY.as_bytes().to_vec();
            bytes[i] = bytes[i].wrapping_add(1);
            if let Ok(text) = std::str::from_utf8(&bytes) {
                assert!(VerifierKey::parse(text).is_err(), "accepted {text}");
            }
        }
    }

    #[test]
    fn non_canonical_scalar_is_reported_as_such() {
        let signer = SignerKey::from_seed("t", KeyKind::Ed25519, [7; 32]).unwrap();
        let mut sig = signer.sign(b"m");
        assert!(signer.verifier().verify(b"m", &sig).is_ok());
        // S + L: what a lax verifier that reduces S mod L would accept.
        let mut carry = 0u16;
        for (s, l) in sig[32..].iter_mut().zip(ED25519_ORDER_LE) {
            let sum = u16::from(*s) + u16::from(l) + carry;
            *s = (sum & 0xff) as u8;
            carry = sum >> 8;
        }
        assert_eq!(
            signer.verifier().verify(b"m", &sig),
            Err(SignatureFault::NonCanonical)
        );
        sig[0] ^= 1;
        assert!(signer.verifier().verify(b"m", &sig).is_err());
    }

    #[test]
    fn small_order_key_never_verifies() {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let key = VerifierKey::new("weak", KeyKind::Ed25519, identity).unwrap();
        let mut sig = [0u8; 64];
        sig[0] = 1; // R = identity, S = 0
        assert_eq!(
            key.verify(b"anything", &sig),
            Err(SignatureFault::NonCanonical)
        );
    }
}
