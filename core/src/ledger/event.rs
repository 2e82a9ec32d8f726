//! Ledger event records, the leaf data of the log.
//!
//! A record is UTF-8 text: the line `touchmark/event/v1 <kind>`, then `key value`
//! lines in a fixed order, each ending in a newline. The first line separates
//! Touchmark leaves from any other data, and each kind from the others; the fixed
//! field order makes the encoding canonical, so a verifier can rebuild the exact
//! leaf from a certificate.

use sha2::{Digest, Sha256};

use crate::certificate::claims::is_valid_serial;
use crate::encoding::b64url_encode;
use crate::tlog::merkle::{leaf_hash, Hash};

const HEADER: &str = "touchmark/event/v1 ";
/// The largest record accepted, in bytes (entry bundles limit entries to 65535).
pub const MAX_EVENT_BYTES: usize = 16 * 1024;

/// A piece's status, as recorded by a status event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceStatus {
    /// In normal circulation.
    Active,
    /// Reported stolen.
    Stolen,
    /// Reported lost.
    Lost,
    /// Destroyed or melted down.
    Destroyed,
}

impl PieceStatus {
    fn as_str(self) -> &'static str {
        match self {
            PieceStatus::Active => "active",
            PieceStatus::Stolen => "stolen",
            PieceStatus::Lost => "lost",
            PieceStatus::Destroyed => "destroyed",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "active" => PieceStatus::Active,
            "stolen" => PieceStatus::Stolen,
            "lost" => PieceStatus::Lost,
            "destroyed" => PieceStatus::Destroyed,
            _ => return None,
        })
    }
}

/// One ledger event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerEvent {
    /// A certificate was issued for a piece.
    Issue {
        /// The serial.
        serial: String,
        /// base64url SHA-256 of the compact JWS.
        certificate: String,
    },
    /// Ownership moved to a new holder (identified by an opaque commitment).
    Transfer {
        /// The serial.
        serial: String,
        /// Opaque commitment to the new holder.
        to: String,
    },
    /// The piece's status changed.
    Status {
        /// The serial.
        serial: String,
        /// The new status.
        status: PieceStatus,
    },
    /// The piece was serviced (resized, repaired, re-set).
    Service {
        /// The serial.
        serial: String,
        /// A short single-line description.
        note: String,
    },
    /// The full list of serials in an edition, published once the edition closes.
    EditionManifest {
        /// The edition's name.
        edition: String,
        /// All its serials, in edition order.
        serials: Vec<String>,
    },
}

/// Why an event record did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid Touchmark event record")]
pub struct EventError;

fn is_single_line(text: &str) -> bool {
    !text.is_empty() && !text.chars().any(char::is_control)
}

impl LedgerEvent {
    /// The issue event of a certificate, from its compact JWS.
    pub fn issue(serial: &str, compact_jws: &str) -> Self {
        LedgerEvent::Issue {
            serial: serial.to_owned(),
            certificate: b64url_encode(&Sha256::digest(compact_jws.as_bytes())),
        }
    }

    /// The canonical record bytes.
    pub fn encode(&self) -> Vec<u8> {
        let text = match self {
            LedgerEvent::Issue {
                serial,
                certificate,
            } => {
                format!("{HEADER}issue\nserial {serial}\ncertificate {certificate}\n")
            }
            LedgerEvent::Transfer { serial, to } => {
                format!("{HEADER}transfer\nserial {serial}\nto {to}\n")
            }
            LedgerEvent::Status { serial, status } => {
                format!(
                    "{HEADER}status\nserial {serial}\nstatus {}\n",
                    status.as_str()
                )
            }
            LedgerEvent::Service { serial, note } => {
                format!("{HEADER}service\nserial {serial}\nnote {note}\n")
            }
            LedgerEvent::EditionManifest { edition, serials } => {
                format!(
                    "{HEADER}edition\nedition {edition}\nserials {}\n",
                    serials.join(" ")
                )
            }
        };
        text.into_bytes()
    }

    /// The RFC 6962 leaf hash of the record.
    pub fn leaf_hash(&self) -> Hash {
        leaf_hash(&self.encode())
    }

    /// Parses a record, requiring the canonical encoding.
    pub fn decode(bytes: &[u8]) -> Result<Self, EventError> {
        if bytes.len() > MAX_EVENT_BYTES {
            return Err(EventError);
        }
        let text = std::str::from_utf8(bytes).map_err(|_| EventError)?;
        let body = text
            .strip_prefix(HEADER)
            .and_then(|t| t.strip_suffix('\n'))
            .ok_or(EventError)?;
        let mut lines = body.split('\n');
        let kind = lines.next().ok_or(EventError)?;
        let mut field = |key: &str| -> Result<&str, EventError> {
            let value = lines
                .next()
                .and_then(|l| l.strip_prefix(key))
                .and_then(|l| l.strip_prefix(' '));
            value.filter(|v| is_single_line(v)).ok_or(EventError)
        };
        let serial_field = |v: &str| {
            if is_valid_serial(v) {
                Ok(v.to_owned())
            } else {
                Err(EventError)
            }
        };
        let event = match kind {
            "issue" => LedgerEvent::Issue {
                serial: serial_field(field("serial")?)?,
                certificate: field("certificate")?.to_owned(),
            },
            "transfer" => LedgerEvent::Transfer {
                serial: serial_field(field("serial")?)?,
                to: field("to")?.to_owned(),
            },
            "status" => LedgerEvent::Status {
                serial: serial_field(field("serial")?)?,
                status: PieceStatus::parse(field("status")?).ok_or(EventError)?,
            },
            "service" => LedgerEvent::Service {
                serial: serial_field(field("serial")?)?,
                note: field("note")?.to_owned(),
            },
            "edition" => LedgerEvent::EditionManifest {
                edition: field("edition")?.to_owned(),
                serials: field("serials")?
                    .split(' ')
                    .map(serial_field)
                    .collect::<Result<_, _>>()?,
            },
            _ => return Err(EventError),
        };
        // Canonical form only: re-encoding must give back the same bytes.
        if event.encode() != bytes {
            return Err(EventError);
        }
        Ok(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_and_kinds_are_separated() {
        let events = [
            LedgerEvent::issue("AUR-1", "a.b.c"),
            LedgerEvent::Transfer {
                serial: "AUR-1".into(),
                to: "h1".into(),
            },
            LedgerEvent::Status {
                serial: "AUR-1".into(),
                status: PieceStatus::Stolen,
            },
            LedgerEvent::Service {
                serial: "AUR-1".into(),
                note: "resized to 54".into(),
            },
            LedgerEvent::EditionManifest {
                edition: "aurora".into(),
                serials: vec!["AUR-1".into(), "AUR-2".into()],
            },
        ];
        for event in &events {
            assert_eq!(&LedgerEvent::decode(&event.encode()).unwrap(), event);
        }
        assert!(LedgerEvent::decode(
            b"touchmark/event/v1 issue\nserial AUR-1\ncertificate x\nextra y\n"
        )
        .is_err());
        assert!(
            LedgerEvent::decode(b"touchmark/event/v1 status\nserial AUR-1\nstatus gone\n").is_err()
        );
    }
}
