//! The certificate claims: the piece's digital twin as signed by its issuer.
//! The claims format version is the `1` of the `TM1:/` QR prefix; a future format
//! gets a new prefix. Keep claims near 300 bytes of JSON so the certificate fits QR
//! version 16 at level M.
//! Every field is documented in `test-vectors/FORMAT.md`.

use serde::{Deserialize, Serialize};

/// The longest serial number, in characters.
pub const MAX_SERIAL_LEN: usize = 32;

/// Edition `n` of `of` (a unique piece is 1 of 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    /// This piece's number, from 1.
    pub n: u32,
    /// The size of the edition.
    pub of: u32,
}

/// A set of stones of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stone {
    /// The kind, e.g. `diamond`.
    pub kind: String,
    /// How many.
    pub count: u32,
    /// Total carat weight as a decimal string, e.g. `0.25`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carat: Option<String>,
}

/// What the piece is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Title, e.g. `Aurora ring`.
    pub title: String,
    /// Metal, e.g. `gold`.
    pub metal: String,
    /// Fineness in parts per thousand, e.g. `750`.
    pub fineness: u16,
    /// Stones set in the piece.
    #[serde(default)]
    pub stones: Vec<Stone>,
    /// Maker (workshop or artist).
    pub maker: String,
}

/// The signed claims of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// Issuer id, as listed in the trust bundle.
    pub iss: String,
    /// Serial number: 1–32 characters from `A–Z`, `0–9` and `-`.
    pub serial: String,
    /// Edition number.
    pub edition: Edition,
    /// The piece.
    pub item: Item,
    /// Issue date, `YYYY-MM-DD` (UTC).
    pub issued: String,
    /// Origin of the ledger (transparency log) the certificate is recorded in.
    pub ledger: String,
    /// base64url 16-byte commitment to the hallmark secret (see `hallmark`).
    pub hallmark: String,
}

/// Why claims are not acceptable even though they parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimsError {
    /// Not JSON of the claims shape.
    #[error("claims are not valid JSON of the expected shape: {0}")]
    Json(String),
    /// Serial has the wrong length or characters.
    #[error("serial must be 1-32 characters of A-Z, 0-9 and -")]
    Serial,
    /// Edition is 0, or larger than its size.
    #[error("edition must satisfy 1 <= n <= of")]
    Edition,
    /// Issue date is not `YYYY-MM-DD`.
    #[error("issue date must be YYYY-MM-DD")]
    Date,
    /// The hallmark commitment is not base64url of 16 bytes.
    #[error("hallmark commitment must be base64url of 16 bytes")]
    Hallmark,
    /// An empty issuer, ledger or title.
    #[error("issuer, ledger and item title must be non-empty")]
    Empty,
}

/// True for a valid serial number.
pub fn is_valid_serial(serial: &str) -> bool {
    (1..=MAX_SERIAL_LEN).contains(&serial.len())
        && serial
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

/// True for a `YYYY-MM-DD` date with a plausible month and day.
pub fn is_valid_date(date: &str) -> bool {
    let b = date.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    matches!(
        (digits(0..4), digits(5..7), digits(8..10)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

impl Claims {
    /// Parses and validates claims from JSON bytes.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ClaimsError> {
        let claims: Claims =
            serde_json::from_slice(bytes).map_err(|e| ClaimsError::Json(e.to_string()))?;
        claims.validate()?;
        Ok(claims)
    }

    /// Checks the invariants serde cannot express.
    pub fn validate(&self) -> Result<(), ClaimsError> {
        if !is_valid_serial(&self.serial) {
            return Err(ClaimsError::Serial);
        }
        if self.edition.n == 0 || self.edition.n > self.edition.of {
            return Err(ClaimsError::Edition);
        }
        if !is_valid_date(&self.issued) {
            return Err(ClaimsError::Date);
        }
        let commitment = crate::encoding::b64url_decode(&self.hallmark);
        if commitment.is_none_or(|c| c.len() != crate::hallmark::COMMITMENT_LEN) {
            return Err(ClaimsError::Hallmark);
        }
        if self.iss.is_empty() || self.ledger.is_empty() || self.item.title.is_empty() {
            return Err(ClaimsError::Empty);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_serials() {
        assert!(is_valid_date("2026-03-01"));
        assert!(!is_valid_date("2026-13-01"));
        assert!(!is_valid_date("2026-3-01"));
        assert!(is_valid_serial("AUR-2026-0042"));
        assert!(!is_valid_serial("aur-1"));
        assert!(!is_valid_serial(""));
    }
}
