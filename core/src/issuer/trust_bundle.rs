//! Signing a trust bundle with a root key.

use crate::keys::{KeyKind, SignerKey};
use crate::note::{Note, NoteError};
use crate::trust::{body_text, BundleBody};

/// Signs `body` with each root key and returns the bundle file contents.
pub fn sign_bundle(body: &BundleBody, roots: &[&SignerKey]) -> Result<String, NoteError> {
    let mut note = Note::unsigned(&body_text(body))?;
    for root in roots {
        if root.verifier().kind() != KeyKind::Ed25519 {
            return Err(NoteError::Malformed(
                "root keys must be Ed25519 (type 0x01)",
            ));
        }
        note.add_signature(root, 0);
    }
    Ok(note.to_text())
}
