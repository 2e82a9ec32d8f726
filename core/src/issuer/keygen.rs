//! Key generation from the operating system's random source.

use rand_core::{OsRng, RngCore};

use crate::keys::{KeyError, KeyKind, SignerKey};

/// Fills an array with bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// Generates a new signer key named `name` for `kind` (0x01 for issuers, logs and
/// roots; 0x04 for witnesses).
pub fn generate_signer(name: &str, kind: KeyKind) -> Result<SignerKey, KeyError> {
    SignerKey::from_seed(name, kind, random_bytes())
}
