//! Cosigning checkpoints as a witness (tlog-cosignature/v1, Ed25519).

use crate::keys::{KeyKind, SignerKey, VerifierKey};
use crate::note::{Note, NoteError};
use crate::tlog::checkpoint::{Checkpoint, CheckpointError};

/// Why a checkpoint was not cosigned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    /// The checkpoint note is invalid or not signed by the log key.
    #[error("checkpoint note: {0}")]
    Note(#[from] NoteError),
    /// The note text is not a checkpoint.
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// The witness key is not a cosignature (type 0x04) key.
    #[error("witness key must be a cosignature/v1 (type 0x04) key")]
    KeyKind,
    /// The log key's name is not the checkpoint's origin.
    #[error("log key {key} does not match checkpoint origin {origin}")]
    Origin {
        /// The log key name.
        key: String,
        /// The checkpoint origin.
        origin: String,
    },
}

/// Verifies `note_bytes` as a checkpoint signed by `log_key`, then adds a
/// cosignature by `witness` at `timestamp` (POSIX seconds). A real witness would
/// also check consistency with the last checkpoint it cosigned; this toolkit
/// witness is for tests and for brands that run their own.
pub fn cosign(
    note_bytes: &[u8],
    log_key: &VerifierKey,
    witness: &SignerKey,
    timestamp: u64,
) -> Result<Note, WitnessError> {
    if witness.verifier().kind() != KeyKind::CosignatureV1 {
        return Err(WitnessError::KeyKind);
    }
    let mut note = Note::parse(note_bytes)?;
    note.verify(std::slice::from_ref(log_key))?;
    let checkpoint = Checkpoint::parse(note.text())?;
    if checkpoint.origin != log_key.name() {
        return Err(WitnessError::Origin {
            key: log_key.name().to_owned(),
            origin: checkpoint.origin,
        });
    }
    note.add_signature(witness, timestamp);
    Ok(note)
}
