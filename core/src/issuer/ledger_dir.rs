//! A ledger kept as a directory in the C2SP tlog-tiles layout: `checkpoint`, hash
//! tiles under `tile/<L>/…` and entry bundles under `tile/entries/…`, so any static
//! web server or object store can serve it.
//!
//! Appending rewrites the right edge of the tree (partial tiles at every level and
//! newly full tiles) and signs a new checkpoint. Full tiles are immutable; partial
//! tiles of earlier sizes are kept, as the spec allows.

use std::fs;
use std::path::{Path, PathBuf};

use crate::keys::SignerKey;
use crate::note::{Note, NoteError};
use crate::tlog::checkpoint::{Checkpoint, CheckpointError};
use crate::tlog::merkle::{empty_root, inclusion_proof, leaf_hash, root_from_leaves, Hash};
use crate::tlog::proof::TlogProof;
use crate::tlog::tiles::{entries_path, tile_path, TILE_WIDTH};

/// Why a ledger operation failed.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The directory's content is inconsistent.
    #[error("ledger is corrupt: {0}")]
    Corrupt(String),
    /// The checkpoint note is invalid.
    #[error("checkpoint note: {0}")]
    Note(#[from] NoteError),
    /// The checkpoint text is invalid.
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// The log key's name is not the ledger's origin.
    #[error("log key {key} does not sign for origin {origin}")]
    WrongKey {
        /// The key's name.
        key: String,
        /// The ledger's origin.
        origin: String,
    },
    /// An entry larger than the 65535 bytes an entry bundle can hold.
    #[error("entry of {0} bytes is larger than 65535")]
    EntryTooLarge(usize),
    /// Asked for an entry past the end of the ledger.
    #[error("index {index} is outside a ledger of {size} entries")]
    IndexOutOfRange {
        /// The index.
        index: u64,
        /// The ledger size.
        size: u64,
    },
}

/// An opened ledger directory.
#[derive(Debug)]
pub struct LedgerDir {
    root: PathBuf,
    checkpoint: Checkpoint,
    leaves: Vec<Hash>,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io {
        path: path.to_owned(),
        source,
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), LedgerError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io_error(parent))?;
    }
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, bytes).map_err(io_error(&tmp))?;
    fs::rename(&tmp, path).map_err(io_error(path))
}

fn width_of(count: u64) -> Option<u8> {
    u8::try_from(count).ok().filter(|w| *w > 0)
}

impl LedgerDir {
    /// Creates an empty ledger for `origin`, signed by `log_key` (whose name must be
    /// the origin).
    pub fn init(root: &Path, log_key: &SignerKey) -> Result<Self, LedgerError> {
        let checkpoint = Checkpoint {
            origin: log_key.verifier().name().to_owned(),
            size: 0,
            root_hash: empty_root(),
            extensions: vec![],
        };
        let path = root.join("checkpoint");
        if path.exists() {
            return Err(LedgerError::Corrupt(format!(
                "{} already exists",
                path.display()
            )));
        }
        let dir = Self {
            root: root.to_owned(),
            checkpoint,
            leaves: vec![],
        };
        dir.write_checkpoint(log_key)?;
        Ok(dir)
    }

    /// Opens a ledger, reading its checkpoint and level-0 tiles and checking that
    /// they agree.
    pub fn open(root: &Path) -> Result<Self, LedgerError> {
        let note_bytes =
            fs::read(root.join("checkpoint")).map_err(io_error(&root.join("checkpoint")))?;
        let note = Note::parse(&note_bytes)?;
        let checkpoint = Checkpoint::parse(note.text())?;
        let mut leaves = Vec::with_capacity(usize::try_from(checkpoint.size).unwrap_or(0));
        let mut tile = 0u64;
        while (leaves.len() as u64) < checkpoint.size {
            let remaining = checkpoint.size - leaves.len() as u64;
            let width = remaining.min(TILE_WIDTH);
            let rel = tile_path(
                0,
                tile,
                if width == TILE_WIDTH {
                    None
                } else {
                    width_of(width)
                },
            );
            let bytes = fs::read(root.join(&rel)).map_err(io_error(&root.join(&rel)))?;
            if bytes.len() as u64 != width * 32 {
                return Err(LedgerError::Corrupt(format!("{rel} has the wrong length")));
            }
            leaves.extend(
                bytes
                    .chunks_exact(32)
                    .filter_map(|c| <Hash>::try_from(c).ok()),
            );
            tile += 1;
        }
        if root_from_leaves(&leaves) != checkpoint.root_hash {
            return Err(LedgerError::Corrupt(
                "level-0 tiles do not match the checkpoint root".into(),
            ));
        }
        Ok(Self {
            root: root.to_owned(),
            checkpoint,
            leaves,
        })
    }

    /// The current checkpoint.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The current signed checkpoint note, with any cosignatures added to it.
    pub fn checkpoint_note(&self) -> Result<Note, LedgerError> {
        let path = self.root.join("checkpoint");
        let bytes = fs::read(&path).map_err(io_error(&path))?;
        Ok(Note::parse(&bytes)?)
    }

    /// Appends entries, rewrites the affected tiles and bundles, and signs a new
    /// checkpoint with `log_key`. Returns the index of the first new entry.
    pub fn append(&mut self, entries: &[Vec<u8>], log_key: &SignerKey) -> Result<u64, LedgerError> {
        if log_key.verifier().name() != self.checkpoint.origin {
            return Err(LedgerError::WrongKey {
                key: log_key.verifier().name().to_owned(),
                origin: self.checkpoint.origin.clone(),
            });
        }
        if let Some(big) = entries.iter().find(|e| e.len() > usize::from(u16::MAX)) {
            return Err(LedgerError::EntryTooLarge(big.len()));
        }
        let old_size = self.checkpoint.size;
        let first_bundle = old_size / TILE_WIDTH;
        let mut bundle_entries = self.read_partial_bundle(first_bundle, old_size % TILE_WIDTH)?;
        bundle_entries.extend(entries.iter().cloned());
        self.leaves.extend(entries.iter().map(|e| leaf_hash(e)));
        let new_size = self.leaves.len() as u64;

        for (offset, chunk) in bundle_entries.chunks(TILE_WIDTH as usize).enumerate() {
            let mut bytes = Vec::new();
            for entry in chunk {
                bytes.extend_from_slice(&(entry.len() as u16).to_be_bytes());
                bytes.extend_from_slice(entry);
            }
            let width = chunk.len() as u64;
            let rel = entries_path(
                first_bundle + offset as u64,
                if width == TILE_WIDTH {
                    None
                } else {
                    width_of(width)
                },
            );
            write_file(&self.root.join(rel), &bytes)?;
        }
        self.write_tiles(old_size)?;
        self.checkpoint = Checkpoint {
            origin: self.checkpoint.origin.clone(),
            size: new_size,
            root_hash: root_from_leaves(&self.leaves),
            extensions: vec![],
        };
        self.write_checkpoint(log_key)?;
        Ok(old_size)
    }

    /// A tlog-proof for entry `index` against the current checkpoint note (with
    /// whatever cosignatures it carries).
    pub fn proof(&self, index: u64) -> Result<TlogProof, LedgerError> {
        let size = self.checkpoint.size;
        let out_of_range = LedgerError::IndexOutOfRange { index, size };
        let position =
            usize::try_from(index).map_err(|_| LedgerError::IndexOutOfRange { index, size })?;
        let inclusion = inclusion_proof(&self.leaves, position).ok_or(out_of_range)?;
        Ok(TlogProof {
            extra: None,
            index,
            inclusion,
            note: self.checkpoint_note()?,
            checkpoint: self.checkpoint.clone(),
        })
    }

    /// Replaces the checkpoint note with a cosigned version of the same checkpoint.
    pub fn store_cosigned(&self, note: &Note) -> Result<(), LedgerError> {
        if Checkpoint::parse(note.text())? != self.checkpoint {
            return Err(LedgerError::Corrupt(
                "cosigned note is not the current checkpoint".into(),
            ));
        }
        write_file(&self.root.join("checkpoint"), note.to_text().as_bytes())
    }

    /// The index of the first entry whose leaf hash is `hash`.
    pub fn find_leaf(&self, hash: &Hash) -> Option<u64> {
        self.leaves.iter().position(|l| l == hash).map(|p| p as u64)
    }

    fn read_partial_bundle(&self, bundle: u64, count: u64) -> Result<Vec<Vec<u8>>, LedgerError> {
        let Some(width) = width_of(count) else {
            return Ok(vec![]);
        };
        let path = self.root.join(entries_path(bundle, Some(width)));
        let bytes = fs::read(&path).map_err(io_error(&path))?;
        let mut entries = Vec::new();
        let mut rest = bytes.as_slice();
        while let Some((len, tail)) = rest.split_first_chunk::<2>() {
            let len = usize::from(u16::from_be_bytes(*len));
            let (entry, tail) = tail
                .split_at_checked(len)
                .ok_or_else(|| LedgerError::Corrupt(format!("{} is truncated", path.display())))?;
            entries.push(entry.to_vec());
            rest = tail;
        }
        if entries.len() as u64 != count || !rest.is_empty() {
            return Err(LedgerError::Corrupt(format!(
                "{} has the wrong number of entries",
                path.display()
            )));
        }
        Ok(entries)
    }

    /// Writes every tile whose content changed since `old_size`, at every level.
    fn write_tiles(&self, old_size: u64) -> Result<(), LedgerError> {
        let mut level_hashes = self.leaves.clone();
        let mut level = 0u8;
        let mut old_count = old_size;
        while !level_hashes.is_empty() {
            let first_tile = old_count / TILE_WIDTH;
            for (offset, chunk) in level_hashes
                .chunks(TILE_WIDTH as usize)
                .enumerate()
                .skip(first_tile as usize)
            {
                let width = chunk.len() as u64;
                let rel = tile_path(
                    level,
                    offset as u64,
                    if width == TILE_WIDTH {
                        None
                    } else {
                        width_of(width)
                    },
                );
                let path = self.root.join(rel);
                if !path.exists() {
                    write_file(&path, &chunk.concat())?;
                }
            }
            // The next level holds the roots of full tiles only.
            level_hashes = level_hashes
                .chunks_exact(TILE_WIDTH as usize)
                .map(root_from_leaves)
                .collect();
            old_count /= TILE_WIDTH;
            level += 1;
        }
        Ok(())
    }

    fn write_checkpoint(&self, log_key: &SignerKey) -> Result<(), LedgerError> {
        let mut note = Note::unsigned(&self.checkpoint.to_text())?;
        note.add_signature(log_key, 0);
        write_file(&self.root.join("checkpoint"), note.to_text().as_bytes())
    }
}
