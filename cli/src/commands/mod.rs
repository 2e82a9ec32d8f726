//! One module per command.

pub mod issue;
pub mod keygen;
pub mod ledger;
pub mod note;
pub mod proof;
pub mod scan;
pub mod trust;
pub mod verify;
pub mod witness;
