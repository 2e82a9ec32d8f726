//! The Touchmark ledger: what is recorded in the transparency log. Each leaf is a
//! domain-separated event record; see [`event`].

pub mod event;

pub use event::{LedgerEvent, PieceStatus};
