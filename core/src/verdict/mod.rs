//! The verdict: one result type used by the library, the CLI, the FFI and the apps.
//! It says what was proven (per dimension, with an "as of" time where freshness
//! matters) and why, as stable reason codes.

pub mod reason;

use serde::{Deserialize, Serialize};

pub use reason::{Effect, ReasonCode};

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Overall {
    /// Signature, ledger inclusion and witness quorum all proven; nothing failed.
    Authentic,
    /// Positive evidence that the certificate, its proof or the pairing is not genuine.
    NotAuthentic,
    /// Not enough could be established either way.
    Inconclusive,
}

impl Overall {
    /// The stable snake_case string.
    pub fn as_str(self) -> &'static str {
        match self {
            Overall::Authentic => "authentic",
            Overall::NotAuthentic => "not_authentic",
            Overall::Inconclusive => "inconclusive",
        }
    }
}

/// The state of one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DimensionState {
    /// Proven.
    Verified,
    /// Checked and found wrong.
    Failed,
    /// Could not be established (missing or unusable evidence).
    Unknown,
    /// Not checked at all (no input for it, or offline).
    NotChecked,
}

/// One dimension's state and, where freshness matters, the time it holds as of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimension {
    /// The state.
    pub state: DimensionState,
    /// POSIX seconds the state holds as of (for witnesses: the newest cosignature).
    pub as_of: Option<u64>,
}

impl Dimension {
    /// A dimension in `state` with no time.
    pub const fn new(state: DimensionState) -> Self {
        Self { state, as_of: None }
    }
}

impl Default for Dimension {
    fn default() -> Self {
        Self::new(DimensionState::NotChecked)
    }
}

/// The five things a verification establishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Dimensions {
    /// The issuer's signature on the certificate.
    pub signature: Dimension,
    /// The certificate's inclusion in the ledger.
    pub ledger: Dimension,
    /// Witness cosignatures on the ledger checkpoint, against the policy's quorum.
    pub witnesses: Dimension,
    /// Stolen / lost status.
    pub status: Dimension,
    /// The hallmark on the piece matches the certificate.
    pub item_match: Dimension,
}

/// A summary of a certificate whose signature verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateSummary {
    /// The issuer's display name from the trust bundle.
    pub issuer_name: String,
    /// The signed claims.
    pub claims: crate::certificate::Claims,
}

/// The result of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The overall answer.
    pub verdict: Overall,
    /// Reason codes, sorted by their string and without duplicates.
    pub reasons: Vec<ReasonCode>,
    /// Per-dimension states.
    pub dimensions: Dimensions,
    /// The certificate, present only when its signature verified.
    pub certificate: Option<CertificateSummary>,
}

impl Verdict {
    /// Builds a verdict from reasons and dimensions, deriving the overall answer:
    /// any not-authentic reason or failed dimension gives `not_authentic`; otherwise
    /// `authentic` needs signature, ledger and witnesses verified and no inconclusive
    /// reason; anything else is `inconclusive`.
    pub fn from_parts(
        mut reasons: Vec<ReasonCode>,
        dimensions: Dimensions,
        certificate: Option<CertificateSummary>,
    ) -> Self {
        reasons.sort_by_key(|r| r.as_str());
        reasons.dedup();
        let all = [
            dimensions.signature,
            dimensions.ledger,
            dimensions.witnesses,
            dimensions.status,
            dimensions.item_match,
        ];
        let failed = all.iter().any(|d| d.state == DimensionState::Failed)
            || reasons.iter().any(|r| r.effect() == Effect::NotAuthentic);
        let proven = [
            dimensions.signature,
            dimensions.ledger,
            dimensions.witnesses,
        ]
        .iter()
        .all(|d| d.state == DimensionState::Verified)
            && !reasons.iter().any(|r| r.effect() == Effect::Inconclusive);
        let verdict = if failed {
            Overall::NotAuthentic
        } else if proven {
            Overall::Authentic
        } else {
            Overall::Inconclusive
        };
        Self {
            verdict,
            reasons,
            dimensions,
            certificate,
        }
    }

    /// An inconclusive verdict for a problem before any check could run (capture,
    /// input or trust configuration).
    pub fn inconclusive(reason: ReasonCode) -> Self {
        Self::from_parts(vec![reason], Dimensions::default(), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_dimension_wins_and_authentic_needs_three_proofs() {
        let mut dims = Dimensions::default();
        assert_eq!(
            Verdict::from_parts(vec![], dims, None).verdict,
            Overall::Inconclusive
        );
        dims.signature = Dimension::new(DimensionState::Verified);
        dims.ledger = Dimension::new(DimensionState::Verified);
        dims.witnesses = Dimension::new(DimensionState::Verified);
        let notes = vec![ReasonCode::StatusNotChecked, ReasonCode::HallmarkNotScanned];
        assert_eq!(
            Verdict::from_parts(notes, dims, None).verdict,
            Overall::Authentic
        );
        dims.item_match = Dimension::new(DimensionState::Failed);
        assert_eq!(
            Verdict::from_parts(vec![], dims, None).verdict,
            Overall::NotAuthentic
        );
    }

    #[test]
    fn capture_problems_are_never_not_authentic() {
        for code in [
            ReasonCode::NoCodeFound,
            ReasonCode::CodeUnreadable,
            ReasonCode::NotTouchmarkCode,
            ReasonCode::PayloadMalformed,
        ] {
            assert_eq!(Verdict::inconclusive(code).verdict, Overall::Inconclusive);
        }
    }
}
