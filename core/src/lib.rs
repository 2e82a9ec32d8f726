//! # Touchmark
//!
//! In-hand authenticity checks for collectible jewelry. A certificate (a compact JWS
//! signed by the issuer, carried in a QR code) is checked against a trust bundle,
//! its recording in a public transparency log is checked with a C2SP tlog-proof,
//! and the hallmark code etched on the piece is matched against the certificate.
//! The result is a [`Verdict`] that says what was proven and what was not.
//!
//! Modules, by job:
//! - [`keys`], [`note`]: C2SP vkeys/skeys and signed notes (strict Ed25519).
//! - [`tlog`]: RFC 6962 Merkle proofs, checkpoints, tlog-proof, tlog-policy, tiles.
//! - [`certificate`], [`hallmark`], [`ledger`]: Touchmark's own formats.
//! - [`trust`]: the signed trust bundle.
//! - [`verdict`], [`verify`]: the result model and the offline verifier.
//! - `scan` (feature `scan`, default): reading codes from images and camera frames.
//! - `issuer` (feature `issuer`): keys, issuing, ledger writing, witnessing, rendering.

// The default build has no unsafe code at all. The optional `libwebp`
// feature calls libwebp's decoder from one module, `scan::libwebp_luma`,
// which alone allows it.
#![cfg_attr(not(feature = "libwebp"), forbid(unsafe_code))]
#![cfg_attr(feature = "libwebp", deny(unsafe_code))]
#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

pub mod certificate;
pub mod encoding;
pub mod hallmark;
pub mod keys;
pub mod ledger;
pub mod note;
pub mod tlog;
pub mod trust;
pub mod verdict;
pub mod verify;

#[cfg(feature = "issuer")]
pub mod issuer;
#[cfg(feature = "scan")]
pub mod scan;

pub use verdict::{Overall, ReasonCode, Verdict};
pub use verify::{Payload, Verifier};
