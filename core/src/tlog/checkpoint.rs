//! C2SP checkpoints (<https://c2sp.org/tlog-checkpoint>): the note text that names a
//! log (origin), its size and its RFC 6962 root hash.

use super::merkle::Hash;
use crate::encoding::{b64_encode, b64_hash, parse_decimal};

/// Why a checkpoint text was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// Fewer than three lines, an empty line, or no final newline.
    #[error("checkpoint text must be at least three non-empty lines ending in a newline")]
    Shape,
    /// The tree size is not a decimal without leading zeroes.
    #[error("checkpoint tree size is not a canonical decimal")]
    Size,
    /// The root hash is not base64 of 32 bytes.
    #[error("checkpoint root hash is not base64 of 32 bytes")]
    RootHash,
}

/// A parsed checkpoint body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line.
    pub origin: String,
    /// The number of leaves in the tree.
    pub size: u64,
    /// The RFC 6962 root hash at that size.
    pub root_hash: Hash,
    /// Optional opaque extension lines.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// Parses the note text of a checkpoint (including its final newline).
    pub fn parse(text: &str) -> Result<Self, CheckpointError> {
        let body = text.strip_suffix('\n').ok_or(CheckpointError::Shape)?;
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(CheckpointError::Shape);
        };
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if origin.is_empty() || extensions.iter().any(String::is_empty) {
            return Err(CheckpointError::Shape);
        }
        Ok(Self {
            origin: origin.to_owned(),
            size: parse_decimal(size).ok_or(CheckpointError::Size)?,
            root_hash: b64_hash(root).ok_or(CheckpointError::RootHash)?,
            extensions,
        })
    }

    /// The note text of this checkpoint, ending in a newline.
    pub fn to_text(&self) -> String {
        let mut text = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            b64_encode(&self.root_hash)
        );
        for line in &self.extensions {
            text.push_str(line);
            text.push('\n');
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_the_spec_example() {
        let text =
            "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        let checkpoint = Checkpoint::parse(text).unwrap();
        assert_eq!(checkpoint.size, 20_852_163);
        assert_eq!(checkpoint.to_text(), text);
    }

    #[test]
    fn rejects_bad_shapes() {
        for bad in [
            "a\n1\n",
            "a\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
            "a\n1\nAAAA\n",
            "\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
            "a\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",
            "a\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",
        ] {
            assert!(Checkpoint::parse(bad).is_err(), "{bad:?}");
        }
    }
}
