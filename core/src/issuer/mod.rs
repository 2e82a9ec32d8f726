//! The issuer toolkit (feature `issuer`): everything a jeweler needs to issue
//! serialized pieces and keep their ledger, and what a witness needs to cosign.
//!
//! - [`keygen`]: new C2SP signer keys.
//! - [`issue`]: certificates and hallmarks from a JSON piece description.
//! - [`ledger_dir`]: a ledger kept as a directory in the C2SP tlog-tiles layout.
//! - [`witness`]: cosigning checkpoints.
//! - [`render`]: certificate and hallmark codes as PNG and SVG.
//! - [`trust_bundle`]: signing a trust bundle with a root key.

pub mod issue;
pub mod keygen;
pub mod ledger_dir;
pub mod render;
pub mod trust_bundle;
pub mod witness;

pub use issue::{issue_certificate, IssueError, IssuedCertificate, PieceDescription};
pub use keygen::{generate_signer, random_bytes};
pub use ledger_dir::{LedgerDir, LedgerError};
