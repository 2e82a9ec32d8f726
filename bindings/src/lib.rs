//! # touchmark-ffi
//!
//! The Kotlin and Swift API of Touchmark, generated with uniffi from this crate.
//! This crate only converts: every check lives in the `touchmark` core crate, which
//! knows nothing about uniffi. What is exported here is the public contract of the
//! mobile SDKs; `bindings/API.md` lists it and is its changelog.
//!
//! Shape of the API:
//! - [`Verifier`] (an object): holds the pinned root keys, the trust bundle, the
//!   clock and cached ledger state. Thread-safe; share one instance.
//! - Verification returns a [`Verdict`] (a record). A certificate that is forged,
//!   a code that cannot be read or a trust bundle that is refused are all *data*
//!   in the verdict; [`TouchmarkError`] is thrown only for misuse (bad arguments,
//!   undecodable images, no trust bundle when going online), I/O and internal faults.
//! - Threading: every verification call is synchronous CPU work (tens of
//!   milliseconds for a camera frame) and must be called off the main thread.
//!   Only the online refresh is asynchronous (Kotlin `suspend`, Swift `async`).
//! - No panic crosses the boundary: each entry point catches unwinding panics and
//!   reports them as [`TouchmarkError::Internal`].

#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod clock;
mod error;
mod guard;
mod online;
mod scan;
mod types;
mod verifier;

pub use clock::{SystemTimeSource, TimeSource};
pub use error::TouchmarkError;
pub use online::{HttpResponse, HttpTransport, LedgerCheckpoint, WitnessCosignature};
pub use scan::{scan_frame, scan_image, CaptureProblem, CodeKind, Point, ScanResult, ScannedCode};
pub use types::{
    CertificateSummary, Claims, Dimension, DimensionState, Dimensions, Edition, Item, LumaFrame,
    Overall, ReasonCode, ReasonEffect, Stone, TrustBundleInfo, TrustIssuer, TrustStatus,
    TrustUpdate, Verdict, VerifyInput,
};
pub use verifier::Verifier;

uniffi::setup_scaffolding!("touchmark");

/// The version of the Touchmark library inside these bindings (semver).
#[uniffi::export]
pub fn touchmark_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
