//! Hallmark codes: the small code etched on the piece. It names the serial and carries
//! a 128-bit secret whose salted SHA-256 commitment is signed inside the certificate,
//! so a verifier can tell "this piece carries the code this certificate was issued
//! for" separately from "this certificate is authentic".
//!
//! Text form (QR alphanumeric mode, fits version 4 at level M):
//! `TMH1:<SERIAL>:<base32 secret, 26 characters>`.
//!
//! Threat model: the code is visible on the piece, so anyone holding the piece can
//! copy it onto a counterfeit. A match therefore proves only that the scanned code is
//! the one committed to in the certificate, never that the metal is genuine. What it
//! does stop: pairing a genuine certificate (photographed online) with a fake piece
//! whose maker never saw the original's code.

use sha2::{Digest, Sha256};

use crate::certificate::claims::is_valid_serial;
use crate::encoding::{b32_decode, b32_encode, b64url_encode};

/// The scheme prefix of a hallmark code.
pub const HALLMARK_PREFIX: &str = "TMH1:";
/// Bytes of hallmark secret.
pub const SECRET_LEN: usize = 16;
/// Bytes of the commitment stored in the certificate.
pub const COMMITMENT_LEN: usize = 16;

/// Why hallmark text was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HallmarkError {
    /// Not starting with [`HALLMARK_PREFIX`].
    #[error("not a Touchmark hallmark code")]
    Prefix,
    /// Wrong shape, serial or secret encoding.
    #[error("hallmark code is malformed")]
    Malformed,
}

/// A parsed hallmark code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hallmark {
    /// The piece's serial number.
    pub serial: String,
    /// The etched secret.
    pub secret: [u8; SECRET_LEN],
}

impl Hallmark {
    /// Parses hallmark text.
    pub fn parse(text: &str) -> Result<Self, HallmarkError> {
        let body = text
            .strip_prefix(HALLMARK_PREFIX)
            .ok_or(HallmarkError::Prefix)?;
        let (serial, secret) = body.split_once(':').ok_or(HallmarkError::Malformed)?;
        if !is_valid_serial(serial) {
            return Err(HallmarkError::Malformed);
        }
        let secret = b32_decode(secret)
            .and_then(|s| <[u8; SECRET_LEN]>::try_from(s).ok())
            .ok_or(HallmarkError::Malformed)?;
        Ok(Self {
            serial: serial.to_owned(),
            secret,
        })
    }

    /// The hallmark's text form.
    pub fn to_text(&self) -> String {
        format!(
            "{HALLMARK_PREFIX}{}:{}",
            self.serial,
            b32_encode(&self.secret)
        )
    }

    /// The commitment stored in the certificate: the first 16 bytes of
    /// `SHA-256("touchmark/hallmark/v1\n" || serial || "\n" || secret)`, base64url
    /// (22 characters). 128 bits keep a forger from finding another secret that
    /// matches, and keep the certificate small enough for QR version 16.
    pub fn commitment(&self) -> String {
        let digest = Sha256::new()
            .chain_update(b"touchmark/hallmark/v1\n")
            .chain_update(self.serial.as_bytes())
            .chain_update(b"\n")
            .chain_update(self.secret)
            .finalize();
        b64url_encode(digest.get(..COMMITMENT_LEN).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_malformed() {
        let h = Hallmark {
            serial: "AUR-1".into(),
            secret: [9; SECRET_LEN],
        };
        let text = h.to_text();
        assert_eq!(text.len(), 5 + 5 + 1 + 26);
        assert_eq!(Hallmark::parse(&text).unwrap(), h);
        assert_eq!(Hallmark::parse("TMH1:AUR-1"), Err(HallmarkError::Malformed));
        assert_eq!(
            Hallmark::parse("TMH1:aur:AAAA"),
            Err(HallmarkError::Malformed)
        );
        assert_eq!(Hallmark::parse("TM1:/00"), Err(HallmarkError::Prefix));
        assert_ne!(
            h.commitment(),
            Hallmark {
                serial: "AUR-2".into(),
                ..h.clone()
            }
            .commitment()
        );
    }
}
