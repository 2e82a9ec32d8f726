//! Issuing a certificate and its hallmark from a piece description.

use serde::{Deserialize, Serialize};

use crate::certificate::claims::ClaimsError;
use crate::certificate::{qr_text, Claims, CompactJws, Edition, Item};
use crate::hallmark::{Hallmark, SECRET_LEN};
use crate::keys::{KeyKind, SignerKey};
use crate::ledger::LedgerEvent;

/// What the jeweler describes; the toolkit adds issuer, ledger and hallmark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PieceDescription {
    /// Serial number (`A–Z`, `0–9`, `-`; at most 32).
    pub serial: String,
    /// Edition number.
    pub edition: Edition,
    /// The piece.
    pub item: Item,
    /// Issue date, `YYYY-MM-DD`.
    pub issued: String,
}

/// Why a certificate could not be issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    /// The signer is not an Ed25519 note key.
    #[error("issuer key must be an Ed25519 (type 0x01) key")]
    KeyKind,
    /// The resulting claims are invalid.
    #[error("invalid piece description: {0}")]
    Claims(#[from] ClaimsError),
}

/// A freshly issued certificate and hallmark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCertificate {
    /// The signed claims.
    pub claims: Claims,
    /// The compact JWS.
    pub jws: CompactJws,
    /// The certificate QR text (`TM1:/…`).
    pub qr_text: String,
    /// The hallmark to etch.
    pub hallmark: Hallmark,
    /// The ledger event that records the issue.
    pub event: LedgerEvent,
}

/// Issues a certificate for `piece`, signed by `signer` as issuer `issuer_id`,
/// recorded in ledger `ledger_origin`, with the given hallmark secret.
pub fn issue_certificate(
    signer: &SignerKey,
    issuer_id: &str,
    ledger_origin: &str,
    piece: &PieceDescription,
    hallmark_secret: [u8; SECRET_LEN],
) -> Result<IssuedCertificate, IssueError> {
    if signer.verifier().kind() != KeyKind::Ed25519 {
        return Err(IssueError::KeyKind);
    }
    let hallmark = Hallmark {
        serial: piece.serial.clone(),
        secret: hallmark_secret,
    };
    let claims = Claims {
        iss: issuer_id.to_owned(),
        serial: piece.serial.clone(),
        edition: piece.edition.clone(),
        item: piece.item.clone(),
        issued: piece.issued.clone(),
        ledger: ledger_origin.to_owned(),
        hallmark: hallmark.commitment(),
    };
    claims.validate()?;
    let payload = serde_json::to_vec(&claims).map_err(|e| ClaimsError::Json(e.to_string()))?;
    let jws = CompactJws::sign(&signer.verifier().key_id_hex(), &payload, |input| {
        signer.sign(input)
    });
    let event = LedgerEvent::issue(&claims.serial, jws.as_str());
    Ok(IssuedCertificate {
        qr_text: qr_text::encode(jws.as_str()),
        claims,
        jws,
        hallmark,
        event,
    })
}
