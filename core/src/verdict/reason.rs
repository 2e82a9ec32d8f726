//! Stable, machine-readable reason codes. The snake_case strings are a public
//! contract: documented in `test-vectors/FORMAT.md`, used as localization keys, and
//! never renamed once released. New codes may be added.

use serde::{Deserialize, Serialize};

/// What a reason does to the overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Evidence that the certificate or the pairing is not genuine.
    NotAuthentic,
    /// Something could not be established; the verdict cannot be "authentic".
    Inconclusive,
    /// Informational: says what was not checked, does not block "authentic".
    Note,
}

macro_rules! reason_codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal => $effect:ident, )*) => {
        /// Why a verdict is what it is.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ReasonCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ReasonCode {
            /// Every reason code, in declaration order.
            pub const ALL: &'static [ReasonCode] = &[$(ReasonCode::$variant,)*];

            /// The stable snake_case string.
            pub fn as_str(self) -> &'static str {
                match self { $(ReasonCode::$variant => $text,)* }
            }

            /// What the reason does to the verdict.
            pub fn effect(self) -> Effect {
                match self { $(ReasonCode::$variant => Effect::$effect,)* }
            }

            /// Parses the stable string.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(ReasonCode::$variant),)* _ => None }
            }
        }
    };
}

reason_codes! {
    /// No code was found in the image.
    NoCodeFound = "no_code_found" => Inconclusive,
    /// A code was found but could not be read.
    CodeUnreadable = "code_unreadable" => Inconclusive,
    /// A code was read but it is not a Touchmark code.
    NotTouchmarkCode = "not_touchmark_code" => Inconclusive,
    /// A Touchmark code whose content is malformed (damaged or truncated).
    PayloadMalformed = "payload_malformed" => Inconclusive,
    /// No certificate among the inputs (a hallmark or proof alone proves nothing).
    NoCertificate = "no_certificate" => Inconclusive,
    /// Two different certificates were given together.
    MultipleCertificates = "multiple_certificates" => Inconclusive,
    /// No trust bundle is configured.
    TrustBundleMissing = "trust_bundle_missing" => Inconclusive,
    /// The trust bundle is not signed by a pinned root, or is malformed.
    TrustBundleInvalid = "trust_bundle_invalid" => Inconclusive,
    /// The trust bundle is older than one already seen (rollback).
    TrustBundleRollback = "trust_bundle_rollback" => Inconclusive,
    /// The trust bundle has expired.
    TrustBundleExpired = "trust_bundle_expired" => Inconclusive,
    /// The certificate names an issuer the trust bundle does not list.
    UnknownIssuer = "unknown_issuer" => Inconclusive,
    /// The issuer is known but the signing key is not one of its keys.
    UnknownIssuerKey = "unknown_issuer_key" => Inconclusive,
    /// The JWS is not EdDSA.
    UnsupportedAlgorithm = "unsupported_algorithm" => NotAuthentic,
    /// The issuer's signature does not verify: the certificate was altered or forged.
    SignatureInvalid = "signature_invalid" => NotAuthentic,
    /// A non-canonical signature (S ≥ L) or small-order key: rejected everywhere.
    SignatureNoncanonical = "signature_noncanonical" => NotAuthentic,
    /// Signed with a key retired before the certificate's issue date.
    IssuerKeyRetired = "issuer_key_retired" => NotAuthentic,
    /// Signed with a revoked (compromised) key.
    IssuerKeyRevoked = "issuer_key_revoked" => NotAuthentic,
    /// Issue date before the signing key's validity began.
    IssuerKeyNotYetValid = "issuer_key_not_yet_valid" => NotAuthentic,
    /// The signed claims are not a valid certificate of a supported version.
    ClaimsInvalid = "claims_invalid" => Inconclusive,
    /// No ledger proof was supplied.
    LedgerProofMissing = "ledger_proof_missing" => Inconclusive,
    /// The ledger proof file is malformed.
    LedgerProofMalformed = "ledger_proof_malformed" => Inconclusive,
    /// The proof's checkpoint is not signed by a log the policy trusts.
    LedgerUnknown = "ledger_unknown" => Inconclusive,
    /// The proof is for a different ledger than the one the certificate names.
    LedgerOriginMismatch = "ledger_origin_mismatch" => Inconclusive,
    /// The trusted log's signature on the checkpoint is invalid.
    CheckpointSignatureInvalid = "checkpoint_signature_invalid" => NotAuthentic,
    /// The inclusion proof does not prove this certificate is in the ledger.
    InclusionProofInvalid = "inclusion_proof_invalid" => NotAuthentic,
    /// Too few trusted witnesses cosigned the checkpoint.
    WitnessQuorumNotMet = "witness_quorum_not_met" => Inconclusive,
    /// A trusted witness's cosignature is invalid.
    CosignatureInvalid = "cosignature_invalid" => NotAuthentic,
    /// Stolen/lost status was not checked (offline verification).
    StatusNotChecked = "status_not_checked" => Note,
    /// No hallmark was scanned, so the piece was not matched to the certificate.
    HallmarkNotScanned = "hallmark_not_scanned" => Note,
    /// The hallmark names this serial but does not match the certificate's commitment.
    HallmarkMismatch = "hallmark_mismatch" => NotAuthentic,
    /// The hallmark belongs to a different serial number.
    HallmarkOtherPiece = "hallmark_other_piece" => NotAuthentic,
}

impl std::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_and_match_serde() {
        for code in ReasonCode::ALL {
            assert_eq!(ReasonCode::parse(code.as_str()), Some(*code));
            assert_eq!(
                serde_json::to_string(code).unwrap(),
                format!("\"{}\"", code.as_str())
            );
        }
    }
}
