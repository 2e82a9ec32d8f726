//! Certificates: issuer-signed claims in a compact JWS, carried in a QR code.

pub mod claims;
pub mod jws;
pub mod qr_text;

pub use claims::{Claims, Edition, Item, Stone};
pub use jws::CompactJws;
