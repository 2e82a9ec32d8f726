//! C2SP transparency-log proofs (<https://c2sp.org/tlog-proof>): an entry index, its
//! inclusion proof and a (co)signed checkpoint, verified offline against a policy.

use super::checkpoint::{Checkpoint, CheckpointError};
use super::merkle::{verify_inclusion, Hash, ProofError, MAX_PROOF_HASHES};
use super::policy::Policy;
use crate::encoding::{b64_decode, b64_encode, b64_hash, parse_decimal};
use crate::keys::SignatureFault;
use crate::note::{Note, NoteError, MAX_NOTE_BYTES};

/// The first line of every tlog-proof.
pub const PROOF_HEADER: &str = "c2sp.org/tlog-proof@v1";
/// The largest proof accepted, in bytes: a note plus a full inclusion path.
pub const MAX_PROOF_BYTES: usize = MAX_NOTE_BYTES + 8 * 1024;

/// Why a proof file did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofParseError {
    /// Larger than [`MAX_PROOF_BYTES`].
    #[error("proof is larger than {MAX_PROOF_BYTES} bytes")]
    TooLarge,
    /// Missing or wrong header, `extra`, `index` or hash lines.
    #[error("malformed tlog-proof: {0}")]
    Malformed(&'static str),
    /// The embedded checkpoint is not a valid signed note.
    #[error("embedded checkpoint: {0}")]
    Note(#[from] NoteError),
    /// The embedded checkpoint's text is not a checkpoint.
    #[error("embedded checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// The checkpoint parsed but the policy rejects it.
    #[error("checkpoint rejected: {0}")]
    Rejected(ProofFailure),
}

/// A parsed tlog-proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    /// Opaque, unauthenticated extra data.
    pub extra: Option<Vec<u8>>,
    /// Zero-based index of the entry.
    pub index: u64,
    /// Inclusion proof hashes, from the leaf's sibling up.
    pub inclusion: Vec<Hash>,
    /// The signed checkpoint note.
    pub note: Note,
    /// The checkpoint parsed from the note text.
    pub checkpoint: Checkpoint,
}

/// Why a proof did not verify against a policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofFailure {
    /// The checkpoint carries no signature from a log the policy trusts for its origin.
    #[error("checkpoint is not signed by a log the policy trusts for origin {0:?}")]
    UnknownLog(String),
    /// A trusted log's signature on the checkpoint is invalid.
    #[error("log signature on the checkpoint is invalid")]
    LogSignatureInvalid(SignatureFault),
    /// A known witness's cosignature is invalid.
    #[error("cosignature from witness {0} is invalid")]
    CosignatureInvalid(String),
    /// The inclusion proof does not lead to the checkpoint's root.
    #[error("inclusion proof: {0}")]
    Inclusion(ProofError),
}

/// A witness cosignature that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosigner {
    /// The witness's key name.
    pub name: String,
    /// When it cosigned (POSIX seconds).
    pub timestamp: u64,
}

/// What a verified proof established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofReport {
    /// The checkpoint, signed by a trusted log.
    pub checkpoint: Checkpoint,
    /// Witnesses from the policy whose cosignatures verified.
    pub cosigners: Vec<Cosigner>,
    /// Whether those cosigners satisfy the policy's quorum.
    pub quorum_met: bool,
    /// Whether the entry's inclusion in the checkpointed tree was proven.
    pub inclusion: Result<(), ProofError>,
}

impl TlogProof {
    /// Parses a tlog-proof file.
    pub fn parse(bytes: &[u8]) -> Result<Self, ProofParseError> {
        if bytes.len() > MAX_PROOF_BYTES {
            return Err(ProofParseError::TooLarge);
        }
        let text =
            std::str::from_utf8(bytes).map_err(|_| ProofParseError::Malformed("not UTF-8"))?;
        let mut rest = text;
        let mut next_line = || -> Result<&str, ProofParseError> {
            let (line, tail) = rest
                .split_once('\n')
                .ok_or(ProofParseError::Malformed("truncated"))?;
            rest = tail;
            Ok(line)
        };
        if next_line()? != PROOF_HEADER {
            return Err(ProofParseError::Malformed(
                "first line must be c2sp.org/tlog-proof@v1",
            ));
        }
        let mut line = next_line()?;
        let mut extra = None;
        if let Some(b64) = line.strip_prefix("extra ") {
            extra = Some(b64_decode(b64).ok_or(ProofParseError::Malformed("extra is not base64"))?);
            line = next_line()?;
        }
        let index = line
            .strip_prefix("index ")
            .and_then(parse_decimal)
            .ok_or(ProofParseError::Malformed("missing or bad index line"))?;
        let mut inclusion = Vec::new();
        loop {
            let line = next_line()?;
            if line.is_empty() {
                break;
            }
            if inclusion.len() == MAX_PROOF_HASHES {
                return Err(ProofParseError::Malformed(
                    "too many inclusion proof hashes",
                ));
            }
            inclusion.push(b64_hash(line).ok_or(ProofParseError::Malformed(
                "proof hash is not base64 of 32 bytes",
            ))?);
        }
        let note = Note::parse(rest.as_bytes())?;
        let checkpoint = Checkpoint::parse(note.text())?;
        Ok(Self {
            extra,
            index,
            inclusion,
            note,
            checkpoint,
        })
    }

    /// Serializes the proof.
    pub fn to_text(&self) -> String {
        let mut out = format!("{PROOF_HEADER}\n");
        if let Some(extra) = &self.extra {
            out += &format!("extra {}\n", b64_encode(extra));
        }
        out += &format!("index {}\n", self.index);
        for hash in &self.inclusion {
            out += &b64_encode(hash);
            out.push('\n');
        }
        out.push('\n');
        out += &self.note.to_text();
        out
    }

    /// Verifies the checkpoint signatures against `policy` and the inclusion of
    /// `leaf_hash` at [`TlogProof::index`].
    ///
    /// Signature problems are errors; an unmet quorum or a failed inclusion is
    /// reported in the [`ProofReport`] so a verdict can say which part failed.
    pub fn verify(&self, policy: &Policy, leaf_hash: &Hash) -> Result<ProofReport, ProofFailure> {
        let witnessed = verify_checkpoint(&self.note, &self.checkpoint, policy)?;
        let inclusion = verify_inclusion(
            leaf_hash,
            self.index,
            self.checkpoint.size,
            &self.inclusion,
            &self.checkpoint.root_hash,
        );
        Ok(ProofReport {
            checkpoint: witnessed.checkpoint,
            quorum_met: witnessed.quorum_met,
            cosigners: witnessed.cosigners,
            inclusion,
        })
    }
}

/// A checkpoint signed by a trusted log, with the policy's witnesses that cosigned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessedCheckpoint {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// Witnesses from the policy whose cosignatures verified.
    pub cosigners: Vec<Cosigner>,
    /// Whether those cosigners satisfy the policy's quorum.
    pub quorum_met: bool,
}

/// Parses and verifies a checkpoint note (as served at `<prefix>/checkpoint`)
/// against a policy.
pub fn verify_checkpoint_bytes(
    bytes: &[u8],
    policy: &Policy,
) -> Result<WitnessedCheckpoint, ProofParseError> {
    let note = Note::parse(bytes)?;
    let checkpoint = Checkpoint::parse(note.text())?;
    verify_checkpoint(&note, &checkpoint, policy).map_err(ProofParseError::Rejected)
}

/// Verifies that `note` (whose text is `checkpoint`) is signed by a log the policy
/// trusts for its origin, and collects the witnesses that cosigned it.
pub fn verify_checkpoint(
    note: &Note,
    checkpoint: &Checkpoint,
    policy: &Policy,
) -> Result<WitnessedCheckpoint, ProofFailure> {
    let origin = &checkpoint.origin;
    let verified = note.verify(&policy.known_keys()).map_err(|e| match e {
        NoteError::InvalidSignature { name, fault } => {
            if policy.logs.iter().any(|l| l.key.name() == name) {
                ProofFailure::LogSignatureInvalid(fault)
            } else {
                ProofFailure::CosignatureInvalid(name)
            }
        }
        _ => ProofFailure::UnknownLog(origin.clone()),
    })?;
    let signed_by_log = verified
        .verified
        .iter()
        .any(|sig| sig.key.name() == origin && policy.logs.iter().any(|l| l.key == sig.key));
    if !signed_by_log {
        return Err(ProofFailure::UnknownLog(origin.clone()));
    }
    let mut flags = vec![false; policy.witnesses.len()];
    let mut cosigners = Vec::new();
    for sig in &verified.verified {
        if let Some(i) = policy.witnesses.iter().position(|w| w.key == sig.key) {
            if let Some(flag) = flags.get_mut(i) {
                *flag = true;
            }
            cosigners.push(Cosigner {
                name: sig.key.name().to_owned(),
                timestamp: sig.timestamp.unwrap_or(0),
            });
        }
    }
    Ok(WitnessedCheckpoint {
        checkpoint: checkpoint.clone(),
        quorum_met: policy.quorum_met(&flags),
        cosigners,
    })
}
