//! Transparency logs: RFC 6962 Merkle trees and the C2SP formats built on them
//! (checkpoints, cosignatures, proofs, policies and the tiled layout).

pub mod checkpoint;
pub mod merkle;
pub mod policy;
pub mod proof;
pub mod tiles;

pub use checkpoint::Checkpoint;
pub use merkle::Hash;
pub use policy::Policy;
pub use proof::{ProofReport, TlogProof};
