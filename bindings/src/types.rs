//! Records and enums of the verdict and the trust bundle, converted from core types.

use touchmark::certificate::Claims as CoreClaims;
use touchmark::verdict::{
    CertificateSummary as CoreSummary, Dimension as CoreDimension,
    DimensionState as CoreDimensionState, Dimensions as CoreDimensions, Effect,
};
use touchmark::{Overall as CoreOverall, ReasonCode as CoreReason, Verdict as CoreVerdict};

/// The overall answer of a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Overall {
    /// Signature, ledger inclusion and witness quorum all proven; nothing failed.
    Authentic,
    /// Positive evidence that the certificate, its proof or the pairing is not genuine.
    NotAuthentic,
    /// Not enough could be established either way (bad capture, missing proof,
    /// unknown issuer, no usable trust bundle…). Never means "fake".
    Inconclusive,
}

impl From<CoreOverall> for Overall {
    fn from(value: CoreOverall) -> Self {
        match value {
            CoreOverall::Authentic => Overall::Authentic,
            CoreOverall::NotAuthentic => Overall::NotAuthentic,
            CoreOverall::Inconclusive => Overall::Inconclusive,
        }
    }
}

#[uniffi::export]
impl Overall {
    /// The stable snake_case string (`authentic`, `not_authentic`, `inconclusive`).
    pub fn code(&self) -> String {
        CoreOverall::from(*self).as_str().to_owned()
    }
}

impl From<Overall> for CoreOverall {
    fn from(value: Overall) -> Self {
        match value {
            Overall::Authentic => CoreOverall::Authentic,
            Overall::NotAuthentic => CoreOverall::NotAuthentic,
            Overall::Inconclusive => CoreOverall::Inconclusive,
        }
    }
}

/// The state of one dimension of a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
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

impl From<CoreDimensionState> for DimensionState {
    fn from(value: CoreDimensionState) -> Self {
        match value {
            CoreDimensionState::Verified => DimensionState::Verified,
            CoreDimensionState::Failed => DimensionState::Failed,
            CoreDimensionState::Unknown => DimensionState::Unknown,
            CoreDimensionState::NotChecked => DimensionState::NotChecked,
        }
    }
}

#[uniffi::export]
impl DimensionState {
    /// The stable snake_case string (`verified`, `failed`, `unknown`, `not_checked`).
    pub fn code(&self) -> String {
        match self {
            DimensionState::Verified => "verified",
            DimensionState::Failed => "failed",
            DimensionState::Unknown => "unknown",
            DimensionState::NotChecked => "not_checked",
        }
        .to_owned()
    }
}

/// One dimension's state and, where freshness matters, the time it holds as of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Dimension {
    /// The state.
    pub state: DimensionState,
    /// POSIX seconds the state holds as of (for the ledger and witnesses: the
    /// newest witness cosignature); absent when time does not matter.
    pub as_of: Option<u64>,
}

impl From<CoreDimension> for Dimension {
    fn from(value: CoreDimension) -> Self {
        Self {
            state: value.state.into(),
            as_of: value.as_of,
        }
    }
}

/// The five things a verification establishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Dimensions {
    /// The issuer's signature on the certificate.
    pub signature: Dimension,
    /// The certificate's inclusion in the issuer's public ledger.
    pub ledger: Dimension,
    /// Independent witnesses' cosignatures on the ledger checkpoint (quorum).
    pub witnesses: Dimension,
    /// Stolen / lost status (needs the online check).
    pub status: Dimension,
    /// The hallmark etched on the piece matches the certificate.
    pub item_match: Dimension,
}

impl From<CoreDimensions> for Dimensions {
    fn from(value: CoreDimensions) -> Self {
        Self {
            signature: value.signature.into(),
            ledger: value.ledger.into(),
            witnesses: value.witnesses.into(),
            status: value.status.into(),
            item_match: value.item_match.into(),
        }
    }
}

/// Edition `number` of `of` (a unique piece is 1 of 1).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Edition {
    /// This piece's number, from 1.
    pub number: u32,
    /// The size of the edition.
    pub of: u32,
}

/// A set of stones of one kind.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Stone {
    /// The kind, e.g. `diamond`.
    pub kind: String,
    /// How many.
    pub count: u32,
    /// Total carat weight as a decimal string, e.g. `0.25`.
    pub carat: Option<String>,
}

/// What the piece is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Item {
    /// Title, e.g. `Aurora ring`.
    pub title: String,
    /// Metal, e.g. `gold`.
    pub metal: String,
    /// Fineness in parts per thousand, e.g. `750`.
    pub fineness: u16,
    /// Stones set in the piece.
    pub stones: Vec<Stone>,
    /// Maker (workshop or artist).
    pub maker: String,
}

/// The claims an issuer signed in a certificate.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Claims {
    /// Issuer id, as listed in the trust bundle.
    pub issuer_id: String,
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
    /// base64url commitment to the hallmark secret (matched against a scanned hallmark).
    pub hallmark_commitment: String,
}

impl From<CoreClaims> for Claims {
    fn from(c: CoreClaims) -> Self {
        Self {
            issuer_id: c.iss,
            serial: c.serial,
            edition: Edition {
                number: c.edition.n,
                of: c.edition.of,
            },
            item: Item {
                title: c.item.title,
                metal: c.item.metal,
                fineness: c.item.fineness,
                stones: c
                    .item
                    .stones
                    .into_iter()
                    .map(|s| Stone {
                        kind: s.kind,
                        count: s.count,
                        carat: s.carat,
                    })
                    .collect(),
                maker: c.item.maker,
            },
            issued: c.issued,
            ledger: c.ledger,
            hallmark_commitment: c.hallmark,
        }
    }
}

/// A certificate whose issuer signature verified.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CertificateSummary {
    /// The issuer's display name, from the trust bundle.
    pub issuer_name: String,
    /// The signed claims.
    pub claims: Claims,
}

impl From<CoreSummary> for CertificateSummary {
    fn from(value: CoreSummary) -> Self {
        Self {
            issuer_name: value.issuer_name,
            claims: value.claims.into(),
        }
    }
}

/// The result of a verification: what was proven, per dimension, and why.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Verdict {
    /// The overall answer.
    pub overall: Overall,
    /// Reason codes, sorted and without duplicates. Their `code()` strings are
    /// stable and meant as localization keys.
    pub reasons: Vec<ReasonCode>,
    /// Per-dimension states.
    pub dimensions: Dimensions,
    /// The certificate, present only when its signature verified.
    pub certificate: Option<CertificateSummary>,
}

impl From<CoreVerdict> for Verdict {
    fn from(value: CoreVerdict) -> Self {
        Self {
            overall: value.verdict.into(),
            reasons: value.reasons.into_iter().map(ReasonCode::from).collect(),
            dimensions: value.dimensions.into(),
            certificate: value.certificate.map(CertificateSummary::from),
        }
    }
}

/// What a reason does to the overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ReasonEffect {
    /// Evidence that the certificate or the pairing is not genuine.
    NotAuthentic,
    /// Something could not be established; the verdict cannot be "authentic".
    Inconclusive,
    /// Informational: says what was not checked, does not block "authentic".
    Note,
}

macro_rules! reason_codes {
    ($( $(#[$doc:meta])* $variant:ident, )*) => {
        /// Why a verdict is what it is. New codes may be added in later versions
        /// (handle unknown ones with a generic message); none is ever renamed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, uniffi::Enum)]
        pub enum ReasonCode {
            $( $(#[$doc])* $variant, )*
        }

        impl From<CoreReason> for ReasonCode {
            fn from(value: CoreReason) -> Self {
                match value { $( CoreReason::$variant => ReasonCode::$variant, )* }
            }
        }

        impl From<ReasonCode> for CoreReason {
            fn from(value: ReasonCode) -> Self {
                match value { $( ReasonCode::$variant => CoreReason::$variant, )* }
            }
        }
    };
}

reason_codes! {
    /// No code was found in the image.
    NoCodeFound,
    /// A code was found but could not be read.
    CodeUnreadable,
    /// A code was read but it is not a Touchmark code.
    NotTouchmarkCode,
    /// A Touchmark code whose content is malformed (damaged or truncated).
    PayloadMalformed,
    /// No certificate among the inputs (a hallmark or proof alone proves nothing).
    NoCertificate,
    /// Two different certificates were given together.
    MultipleCertificates,
    /// No trust bundle is configured.
    TrustBundleMissing,
    /// The trust bundle is not signed by a pinned root, or is malformed.
    TrustBundleInvalid,
    /// The trust bundle is older than one already seen (rollback).
    TrustBundleRollback,
    /// The trust bundle has expired.
    TrustBundleExpired,
    /// The certificate names an issuer the trust bundle does not list.
    UnknownIssuer,
    /// The issuer is known but the signing key is not one of its keys.
    UnknownIssuerKey,
    /// The certificate's signature algorithm is not EdDSA.
    UnsupportedAlgorithm,
    /// The issuer's signature does not verify: the certificate was altered or forged.
    SignatureInvalid,
    /// A non-canonical signature or small-order key: rejected everywhere.
    SignatureNoncanonical,
    /// Signed with a key retired before the certificate's issue date.
    IssuerKeyRetired,
    /// Signed with a revoked (compromised) key.
    IssuerKeyRevoked,
    /// Issue date before the signing key's validity began.
    IssuerKeyNotYetValid,
    /// The signed claims are not a valid certificate of a supported version.
    ClaimsInvalid,
    /// No ledger proof was supplied.
    LedgerProofMissing,
    /// The ledger proof is malformed.
    LedgerProofMalformed,
    /// The proof's checkpoint is not signed by a log the trust bundle trusts.
    LedgerUnknown,
    /// The proof is for a different ledger than the one the certificate names.
    LedgerOriginMismatch,
    /// The trusted log's signature on the checkpoint is invalid.
    CheckpointSignatureInvalid,
    /// The inclusion proof does not prove this certificate is in the ledger.
    InclusionProofInvalid,
    /// Too few trusted witnesses cosigned the checkpoint.
    WitnessQuorumNotMet,
    /// A trusted witness's cosignature is invalid.
    CosignatureInvalid,
    /// Stolen/lost status was not checked (offline verification).
    StatusNotChecked,
    /// No hallmark was scanned, so the piece was not matched to the certificate.
    HallmarkNotScanned,
    /// The hallmark names this serial but does not match the certificate's commitment.
    HallmarkMismatch,
    /// The hallmark belongs to a different serial number.
    HallmarkOtherPiece,
}

#[uniffi::export]
impl ReasonCode {
    /// The stable snake_case code, e.g. `signature_invalid`: use it as the
    /// localization key and in logs.
    pub fn code(&self) -> String {
        CoreReason::from(*self).as_str().to_owned()
    }

    /// What this reason does to the overall verdict.
    pub fn effect(&self) -> ReasonEffect {
        match CoreReason::from(*self).effect() {
            Effect::NotAuthentic => ReasonEffect::NotAuthentic,
            Effect::Inconclusive => ReasonEffect::Inconclusive,
            Effect::Note => ReasonEffect::Note,
        }
    }
}

/// A camera frame's 8-bit luma (Y) plane, as CameraX (`ImageProxy.planes[0]`) and
/// AVFoundation (`kCVPixelFormatType_420YpCbCr8BiPlanarFullRange`, plane 0) give it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LumaFrame {
    /// Pixel rows, `stride` bytes apart; only the first `width` bytes of each row
    /// are read. Must hold at least `stride * (height - 1) + width` bytes.
    pub data: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes from the start of one row to the next (row stride, ≥ width).
    pub stride: u32,
}

impl LumaFrame {
    pub(crate) fn as_core(&self) -> touchmark::scan::LumaFrame<'_> {
        touchmark::scan::LumaFrame {
            data: &self.data,
            width: self.width,
            height: self.height,
            stride: self.stride,
        }
    }
}

/// One input to a verification. Inputs given together are verified together: a
/// certificate, the hallmark on the piece and a ledger proof may each come from
/// a different scan.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum VerifyInput {
    /// Scanned or pasted text: one code's payload, or a file's contents (a
    /// tlog-proof file, or one payload per line).
    Text {
        /// The text.
        text: String,
    },
    /// An encoded image (PNG, JPEG or WebP), e.g. a photo from the gallery.
    Image {
        /// The file's bytes.
        bytes: Vec<u8>,
    },
    /// A camera frame's luma plane.
    Frame {
        /// The frame.
        frame: LumaFrame,
    },
}

/// An issuer listed in the trust bundle.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustIssuer {
    /// The id used in certificates.
    pub id: String,
    /// The display name.
    pub name: String,
}

/// A summary of the loaded trust bundle.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustBundleInfo {
    /// The bundle version. Persist the highest version you have loaded and pass
    /// it as `min_version` next time, so an older bundle cannot be replayed.
    pub version: u64,
    /// When the bundle expires (POSIX seconds), if ever.
    pub expires_at: Option<u64>,
    /// The trusted issuers.
    pub issuers: Vec<TrustIssuer>,
    /// The origins of the ledgers (transparency logs) the bundle trusts.
    pub ledgers: Vec<String>,
}

impl From<&touchmark::trust::TrustBundle> for TrustBundleInfo {
    fn from(bundle: &touchmark::trust::TrustBundle) -> Self {
        Self {
            version: bundle.version,
            expires_at: bundle.expires_at,
            issuers: bundle
                .issuers
                .iter()
                .map(|i| TrustIssuer {
                    id: i.id.clone(),
                    name: i.name.clone(),
                })
                .collect(),
            ledgers: bundle
                .policy
                .logs
                .iter()
                .map(|l| l.key.name().to_owned())
                .collect(),
        }
    }
}

/// The trust state of a `Verifier`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum TrustStatus {
    /// No trust bundle was loaded: verifications are inconclusive with
    /// `TrustBundleMissing`.
    Missing,
    /// A bundle was offered and refused while none was in use: verifications
    /// are inconclusive with `reason`.
    Refused {
        /// `TrustBundleInvalid`, `TrustBundleRollback` or `TrustBundleExpired`.
        reason: ReasonCode,
        /// A human-readable explanation (for logs, not for users).
        detail: String,
    },
    /// A bundle is in use.
    Loaded {
        /// The bundle in use.
        bundle: TrustBundleInfo,
    },
}

/// The outcome of offering a trust bundle to a `Verifier`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum TrustUpdate {
    /// The bundle verified and is now in use.
    Accepted {
        /// The bundle now in use.
        bundle: TrustBundleInfo,
    },
    /// The bundle was refused. A bundle already in use stays in use; with none
    /// in use, verifications are inconclusive with `reason` (see `TrustStatus`).
    Refused {
        /// `TrustBundleInvalid`, `TrustBundleRollback` or `TrustBundleExpired`.
        reason: ReasonCode,
        /// A human-readable explanation (for logs, not for users).
        detail: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_code_round_trips_with_its_stable_string() {
        for code in CoreReason::ALL {
            let ffi = ReasonCode::from(*code);
            assert_eq!(CoreReason::from(ffi), *code);
            assert_eq!(ffi.code(), code.as_str());
        }
    }
}
