//! Compact JWS (RFC 7515) with EdDSA over Ed25519 (RFC 8037): the certificate's
//! signature envelope.

use serde::{Deserialize, Serialize};

use crate::encoding::{b64url_decode, b64url_encode};

/// The largest compact JWS accepted, in bytes.
pub const MAX_JWS_BYTES: usize = 4096;

/// The protected header: exactly `alg` and `kid`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwsHeader {
    /// Must be `EdDSA`.
    pub alg: String,
    /// The issuer key's 32-bit key id as 8 lowercase hex digits (the second part of
    /// its vkey); the issuer itself is named by the claims' `iss`.
    pub kid: String,
}

/// Why a compact JWS did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    /// Longer than [`MAX_JWS_BYTES`].
    #[error("JWS is longer than {MAX_JWS_BYTES} bytes")]
    TooLarge,
    /// Not three base64url parts separated by dots.
    #[error("not a compact JWS")]
    Shape,
    /// The header is not JSON with exactly `alg` and `kid`.
    #[error("JWS header is not {{\"alg\",\"kid\"}} JSON")]
    Header,
    /// The signature is not 64 bytes.
    #[error("JWS signature is not 64 bytes")]
    SignatureLength,
}

/// A parsed compact JWS; the signature is not yet verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompactJws {
    compact: String,
    header: JwsHeader,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

impl CompactJws {
    /// Parses `header.payload.signature`.
    pub fn parse(compact: &str) -> Result<Self, JwsError> {
        if compact.len() > MAX_JWS_BYTES {
            return Err(JwsError::TooLarge);
        }
        let mut parts = compact.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwsError::Shape);
        };
        let header_bytes = b64url_decode(h).ok_or(JwsError::Shape)?;
        let payload = b64url_decode(p).ok_or(JwsError::Shape)?;
        let signature = b64url_decode(s).ok_or(JwsError::Shape)?;
        let header: JwsHeader =
            serde_json::from_slice(&header_bytes).map_err(|_| JwsError::Header)?;
        if signature.len() != 64 {
            return Err(JwsError::SignatureLength);
        }
        Ok(Self {
            compact: compact.to_owned(),
            header,
            payload,
            signature,
        })
    }

    /// Builds and signs a JWS with `sign`, which receives the signing input.
    pub fn sign(kid: &str, payload: &[u8], sign: impl FnOnce(&[u8]) -> [u8; 64]) -> Self {
        let header = JwsHeader {
            alg: "EdDSA".into(),
            kid: kid.into(),
        };
        // Serializing a struct of two strings cannot fail.
        let header_json = serde_json::to_vec(&header).unwrap_or_default();
        let input = format!("{}.{}", b64url_encode(&header_json), b64url_encode(payload));
        let signature = sign(input.as_bytes()).to_vec();
        let compact = format!("{input}.{}", b64url_encode(&signature));
        Self {
            compact,
            header,
            payload: payload.to_vec(),
            signature,
        }
    }

    /// The protected header.
    pub fn header(&self) -> &JwsHeader {
        &self.header
    }

    /// The decoded payload bytes.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The 64 signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The JWS signing input: `base64url(header) . base64url(payload)`.
    pub fn signing_input(&self) -> &[u8] {
        let input = self
            .compact
            .rsplit_once('.')
            .map_or(self.compact.as_str(), |(input, _)| input);
        input.as_bytes()
    }

    /// The compact serialization.
    pub fn as_str(&self) -> &str {
        &self.compact
    }
}
