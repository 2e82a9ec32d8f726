//! Offline verification: from classified payloads and a trust bundle to a verdict.

pub mod input;
pub mod payload;

use crate::certificate::{Claims, CompactJws};
use crate::hallmark::Hallmark;
use crate::keys::SignatureFault;
use crate::ledger::LedgerEvent;
use crate::tlog::proof::{ProofFailure, TlogProof};
use crate::trust::{IssuerKey, TrustBundle, TrustError};
use crate::verdict::{
    CertificateSummary, Dimension, DimensionState, Dimensions, ReasonCode, Verdict,
};

pub use input::{gather, Gathered, Input};
pub use payload::Payload;

/// Verifies certificates, hallmarks and ledger proofs against one trust bundle.
/// Cheap to share between threads: it holds only the parsed bundle.
#[derive(Debug, Clone)]
pub struct Verifier {
    trust: TrustBundle,
}

/// The reason code for a trust bundle that could not be loaded.
pub fn trust_error_reason(error: &TrustError) -> ReasonCode {
    match error {
        TrustError::Rollback { .. } => ReasonCode::TrustBundleRollback,
        TrustError::Expired { .. } => ReasonCode::TrustBundleExpired,
        _ => ReasonCode::TrustBundleInvalid,
    }
}

/// What the signature check established.
struct SignatureOutcome {
    dimension: DimensionState,
    reasons: Vec<ReasonCode>,
    summary: Option<CertificateSummary>,
}

impl Verifier {
    /// A verifier over a loaded trust bundle.
    pub fn new(trust: TrustBundle) -> Self {
        Self { trust }
    }

    /// The trust bundle in use.
    pub fn trust(&self) -> &TrustBundle {
        &self.trust
    }

    /// Replaces the trust bundle with `bytes`, which must be signed by one of `roots`
    /// and be at least as new as the bundle in use (rollback protection).
    pub fn update_trust(
        &mut self,
        bytes: &[u8],
        roots: &[crate::keys::VerifierKey],
        now: u64,
    ) -> Result<(), TrustError> {
        self.trust = TrustBundle::load(bytes, roots, self.trust.version, now)?;
        Ok(())
    }

    /// Classifies each text (see [`Payload::classify`]) and verifies them together.
    pub fn verify_texts<S: AsRef<str>>(&self, texts: &[S]) -> Verdict {
        let payloads: Vec<Payload> = texts
            .iter()
            .map(|t| Payload::classify(t.as_ref()))
            .collect();
        self.verify(&payloads)
    }

    /// Verifies gathered payloads; capture problems are reported only when no
    /// certificate was read at all (a second, unrelated code does not spoil a scan).
    pub fn verify_gathered(&self, gathered: &Gathered) -> Verdict {
        let has_certificate = gathered
            .payloads
            .iter()
            .any(|p| matches!(p, Payload::Certificate(_)));
        if !has_certificate
            && !gathered.capture.is_empty()
            && gathered
                .payloads
                .iter()
                .all(|p| matches!(p, Payload::Foreign))
        {
            return Verdict::from_parts(gathered.capture.clone(), Dimensions::default(), None);
        }
        self.verify(&gathered.payloads)
    }

    /// Verifies a set of payloads scanned or loaded together: at most one
    /// certificate, optionally its hallmark and its ledger proof.
    pub fn verify(&self, payloads: &[Payload]) -> Verdict {
        let mut certificates: Vec<&CompactJws> = Vec::new();
        let (mut hallmarks, mut proofs, mut reasons) = (Vec::new(), Vec::new(), Vec::new());
        let mut foreign = 0;
        for payload in payloads {
            match payload {
                Payload::Certificate(jws) if !certificates.contains(&jws) => certificates.push(jws),
                Payload::Certificate(_) => {}
                Payload::Hallmark(h) => hallmarks.push(h),
                Payload::Proof(p) => proofs.push(p.as_ref()),
                Payload::Malformed => reasons.push(ReasonCode::PayloadMalformed),
                Payload::MalformedProof => reasons.push(ReasonCode::LedgerProofMalformed),
                Payload::Foreign => foreign += 1,
            }
        }
        let jws = match certificates.as_slice() {
            [one] => *one,
            [] => {
                let reason = if !hallmarks.is_empty() || !proofs.is_empty() {
                    ReasonCode::NoCertificate
                } else if reasons.is_empty() && foreign > 0 {
                    ReasonCode::NotTouchmarkCode
                } else if reasons.is_empty() {
                    ReasonCode::NoCodeFound
                } else {
                    ReasonCode::NoCertificate
                };
                reasons.push(reason);
                return Verdict::from_parts(reasons, Dimensions::default(), None);
            }
            _ => return Verdict::inconclusive(ReasonCode::MultipleCertificates),
        };

        let mut dims = Dimensions::default();
        // Claims are read before the signature only to find the serial and ledger;
        // nothing from them reaches the verdict unless the signature verifies.
        let claims = Claims::from_json(jws.payload()).ok();
        let signature = self.check_signature(jws, claims.as_ref());
        dims.signature = Dimension::new(signature.dimension);
        reasons.extend(signature.reasons);

        if let Some(claims) = &claims {
            self.check_ledger(jws, claims, &proofs, &mut dims, &mut reasons);
            dims.item_match = check_hallmarks(claims, &hallmarks, &mut reasons);
        }
        dims.status = Dimension::new(DimensionState::NotChecked);
        reasons.push(ReasonCode::StatusNotChecked);
        Verdict::from_parts(reasons, dims, signature.summary)
    }

    fn check_signature(&self, jws: &CompactJws, claims: Option<&Claims>) -> SignatureOutcome {
        let fail = |state, reason| SignatureOutcome {
            dimension: state,
            reasons: vec![reason],
            summary: None,
        };
        if jws.header().alg != "EdDSA" {
            return fail(DimensionState::Failed, ReasonCode::UnsupportedAlgorithm);
        }
        // The key is found by the claimed issuer and the kid; both are only hints
        // until the signature verifies under the key the trust bundle lists. When the
        // claims do not parse, any issuer key with that kid is tried, so tampering
        // that breaks the JSON still shows as a bad signature.
        let kid = &jws.header().kid;
        let found = match claims {
            Some(c) => {
                let Some(issuer) = self.trust.issuer(&c.iss) else {
                    return fail(DimensionState::Unknown, ReasonCode::UnknownIssuer);
                };
                issuer
                    .keys
                    .iter()
                    .find(|k| k.key.key_id_hex() == *kid)
                    .map(|k| (issuer, k))
            }
            None => self.trust.issuers.iter().find_map(|issuer| {
                issuer
                    .keys
                    .iter()
                    .find(|k| k.key.key_id_hex() == *kid)
                    .map(|k| (issuer, k))
            }),
        };
        let Some((issuer, key)) = found else {
            let reason = if claims.is_some() {
                ReasonCode::UnknownIssuerKey
            } else {
                ReasonCode::ClaimsInvalid
            };
            return fail(DimensionState::Unknown, reason);
        };
        match key.key.verify(jws.signing_input(), jws.signature()) {
            Ok(()) => {}
            Err(SignatureFault::Invalid) => {
                return fail(DimensionState::Failed, ReasonCode::SignatureInvalid)
            }
            Err(SignatureFault::NonCanonical) => {
                return fail(DimensionState::Failed, ReasonCode::SignatureNoncanonical)
            }
        }
        let Some(claims) = claims else {
            return fail(DimensionState::Unknown, ReasonCode::ClaimsInvalid);
        };
        if let Some(reason) = key_window_problem(key, &claims.issued) {
            return fail(DimensionState::Failed, reason);
        }
        SignatureOutcome {
            dimension: DimensionState::Verified,
            reasons: vec![],
            summary: Some(CertificateSummary {
                issuer_name: issuer.name.clone(),
                claims: claims.clone(),
            }),
        }
    }

    fn check_ledger(
        &self,
        jws: &CompactJws,
        claims: &Claims,
        proofs: &[&TlogProof],
        dims: &mut Dimensions,
        reasons: &mut Vec<ReasonCode>,
    ) {
        let unknown = Dimension::new(DimensionState::Unknown);
        let leaf = LedgerEvent::issue(&claims.serial, jws.as_str()).leaf_hash();
        let Some(proof) = proofs
            .iter()
            .find(|p| p.checkpoint.origin == claims.ledger)
            .or(proofs.first())
        else {
            (dims.ledger, dims.witnesses) = (unknown, unknown);
            reasons.push(ReasonCode::LedgerProofMissing);
            return;
        };
        if proof.checkpoint.origin != claims.ledger {
            (dims.ledger, dims.witnesses) = (unknown, unknown);
            reasons.push(ReasonCode::LedgerOriginMismatch);
            return;
        }
        let failed = Dimension::new(DimensionState::Failed);
        let report = match proof.verify(&self.trust.policy, &leaf) {
            Ok(report) => report,
            Err(failure) => {
                let (ledger, witnesses, reason) = match failure {
                    ProofFailure::UnknownLog(_) => (unknown, unknown, ReasonCode::LedgerUnknown),
                    ProofFailure::LogSignatureInvalid(_) => {
                        (failed, unknown, ReasonCode::CheckpointSignatureInvalid)
                    }
                    ProofFailure::CosignatureInvalid(_) => {
                        (unknown, failed, ReasonCode::CosignatureInvalid)
                    }
                    ProofFailure::Inclusion(_) => {
                        (failed, unknown, ReasonCode::InclusionProofInvalid)
                    }
                };
                (dims.ledger, dims.witnesses) = (ledger, witnesses);
                reasons.push(reason);
                return;
            }
        };
        let as_of = report.cosigners.iter().map(|c| c.timestamp).max();
        dims.ledger = match report.inclusion {
            Ok(()) => Dimension {
                state: DimensionState::Verified,
                as_of,
            },
            Err(_) => {
                reasons.push(ReasonCode::InclusionProofInvalid);
                failed
            }
        };
        dims.witnesses = if report.quorum_met {
            Dimension {
                state: DimensionState::Verified,
                as_of,
            }
        } else {
            reasons.push(ReasonCode::WitnessQuorumNotMet);
            Dimension {
                state: DimensionState::Unknown,
                as_of,
            }
        };
    }
}

/// Checks a key's status and validity window against a certificate's issue date.
fn key_window_problem(key: &IssuerKey, issued: &str) -> Option<ReasonCode> {
    // Dates are validated `YYYY-MM-DD`, so string order is date order.
    if key.revoked {
        Some(ReasonCode::IssuerKeyRevoked)
    } else if issued < key.valid_from.as_str() {
        Some(ReasonCode::IssuerKeyNotYetValid)
    } else if key.retired_from.as_deref().is_some_and(|r| issued >= r) {
        Some(ReasonCode::IssuerKeyRetired)
    } else {
        None
    }
}

/// Matches scanned hallmarks against the certificate's serial and commitment.
fn check_hallmarks(
    claims: &Claims,
    hallmarks: &[&Hallmark],
    reasons: &mut Vec<ReasonCode>,
) -> Dimension {
    if hallmarks.is_empty() {
        reasons.push(ReasonCode::HallmarkNotScanned);
        return Dimension::new(DimensionState::NotChecked);
    }
    for hallmark in hallmarks {
        if hallmark.serial != claims.serial {
            reasons.push(ReasonCode::HallmarkOtherPiece);
            return Dimension::new(DimensionState::Failed);
        }
        if hallmark.commitment() != claims.hallmark {
            reasons.push(ReasonCode::HallmarkMismatch);
            return Dimension::new(DimensionState::Failed);
        }
    }
    Dimension::new(DimensionState::Verified)
}
