//! The trust bundle: which issuers (and which of their keys, when) and which ledger
//! policy a verifier trusts. It is one signed note whose text is JSON, signed by a
//! root key the app pins, with a version that may never go backwards.

use serde::{Deserialize, Serialize};

use crate::certificate::claims::is_valid_date;
use crate::keys::{KeyKind, VerifierKey};
use crate::note::{Note, NoteError};
use crate::tlog::policy::{Policy, PolicyError};

/// The `format` value of a version-1 bundle.
pub const BUNDLE_FORMAT: &str = "touchmark-trust/v1";

/// One issuer key and when it may sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerKeyEntry {
    /// The key as a C2SP vkey (type 0x01).
    pub vkey: String,
    /// First issue date (`YYYY-MM-DD`) this key may sign.
    pub valid_from: String,
    /// Retirement date: certificates issued on or after it are rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired_from: Option<String>,
    /// A revoked (compromised) key: nothing it signed is accepted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revoked: bool,
}

/// One issuer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerEntry {
    /// The id used in certificates' `iss`.
    pub id: String,
    /// The display name.
    pub name: String,
    /// The issuer's keys, current and past.
    pub keys: Vec<IssuerKeyEntry>,
}

/// The bundle's JSON body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleBody {
    /// Must be [`BUNDLE_FORMAT`].
    pub format: String,
    /// Monotonic version; a verifier refuses a bundle older than one it has seen.
    pub version: u64,
    /// POSIX time after which the bundle is stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
    /// Trusted issuers.
    pub issuers: Vec<IssuerEntry>,
    /// The ledger trust policy, in C2SP tlog-policy syntax.
    pub ledger_policy: String,
}

/// Why a trust bundle was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    /// The file is not a signed note, or no pinned root key signed it validly.
    #[error("trust bundle signature: {0}")]
    Signature(#[from] NoteError),
    /// The JSON body does not have the bundle shape.
    #[error("trust bundle body: {0}")]
    Body(String),
    /// An issuer key entry is invalid.
    #[error("issuer {issuer}: {what}")]
    IssuerKey {
        /// The issuer id.
        issuer: String,
        /// What is wrong.
        what: String,
    },
    /// The ledger policy does not parse.
    #[error("ledger policy: {0}")]
    Policy(#[from] PolicyError),
    /// The bundle's version is lower than one already seen.
    #[error("trust bundle version {found} is older than version {minimum} already seen")]
    Rollback {
        /// The version in the file.
        found: u64,
        /// The lowest acceptable version.
        minimum: u64,
    },
    /// The bundle expired.
    #[error("trust bundle expired at {expired_at}")]
    Expired {
        /// When it expired.
        expired_at: u64,
    },
}

/// A usable issuer key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerKey {
    /// The verifying key.
    pub key: VerifierKey,
    /// First valid issue date.
    pub valid_from: String,
    /// Retirement date, if retired.
    pub retired_from: Option<String>,
    /// Revoked.
    pub revoked: bool,
}

/// A usable issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// The issuer id.
    pub id: String,
    /// The display name.
    pub name: String,
    /// Its keys.
    pub keys: Vec<IssuerKey>,
}

/// A verified trust bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustBundle {
    /// The bundle version.
    pub version: u64,
    /// When it expires, if ever.
    pub expires_at: Option<u64>,
    /// The issuers.
    pub issuers: Vec<Issuer>,
    /// The ledger policy.
    pub policy: Policy,
}

impl TrustBundle {
    /// Verifies a bundle file against pinned root keys and the lowest acceptable
    /// version, and checks expiry at `now` (POSIX seconds).
    pub fn load(
        bytes: &[u8],
        roots: &[VerifierKey],
        min_version: u64,
        now: u64,
    ) -> Result<Self, TrustError> {
        let note = Note::parse(bytes)?;
        let verified = note.verify(roots)?;
        let body: BundleBody =
            serde_json::from_str(&verified.text).map_err(|e| TrustError::Body(e.to_string()))?;
        if body.format != BUNDLE_FORMAT {
            return Err(TrustError::Body(format!(
                "unknown format {:?}",
                body.format
            )));
        }
        if body.version < min_version {
            return Err(TrustError::Rollback {
                found: body.version,
                minimum: min_version,
            });
        }
        if let Some(expired_at) = body.expires_at.filter(|t| *t <= now) {
            return Err(TrustError::Expired { expired_at });
        }
        let issuers = body
            .issuers
            .iter()
            .map(parse_issuer)
            .collect::<Result<_, _>>()?;
        Ok(Self {
            version: body.version,
            expires_at: body.expires_at,
            issuers,
            policy: Policy::parse(body.ledger_policy.as_bytes())?,
        })
    }

    /// True when the bundle's expiry time has passed at `now` (POSIX seconds). A
    /// long-lived verifier checks this before each verification.
    pub fn is_expired(&self, now: u64) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }

    /// The issuer with id `id`.
    pub fn issuer(&self, id: &str) -> Option<&Issuer> {
        self.issuers.iter().find(|i| i.id == id)
    }
}

fn parse_issuer(entry: &IssuerEntry) -> Result<Issuer, TrustError> {
    let fail = |what: String| TrustError::IssuerKey {
        issuer: entry.id.clone(),
        what,
    };
    let keys = entry
        .keys
        .iter()
        .map(|k| {
            let key = VerifierKey::parse(&k.vkey).map_err(|e| fail(e.to_string()))?;
            if key.kind() != KeyKind::Ed25519 {
                return Err(fail("issuer keys must be Ed25519 (type 0x01)".into()));
            }
            let dates_ok =
                is_valid_date(&k.valid_from) && k.retired_from.as_deref().is_none_or(is_valid_date);
            if !dates_ok {
                return Err(fail("dates must be YYYY-MM-DD".into()));
            }
            Ok(IssuerKey {
                key,
                valid_from: k.valid_from.clone(),
                retired_from: k.retired_from.clone(),
                revoked: k.revoked,
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Issuer {
        id: entry.id.clone(),
        name: entry.name.clone(),
        keys,
    })
}

/// Serializes a body to the note text that a root key signs.
pub fn body_text(body: &BundleBody) -> String {
    // A struct of strings, numbers and vectors always serializes.
    let mut text = serde_json::to_string_pretty(body).unwrap_or_default();
    text.push('\n');
    text
}
