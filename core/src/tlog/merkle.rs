//! RFC 6962 / RFC 9162 Merkle trees over SHA-256: leaf and node hashing, inclusion
//! and consistency proof verification (RFC 9162 §2.1.3.2 and §2.1.4.2), and, for
//! writers, tree hashes and proofs computed from leaf hashes.

use sha2::{Digest, Sha256};

/// A SHA-256 hash of a leaf or a node.
pub type Hash = [u8; 32];

/// The most hashes an inclusion or consistency proof may have (a tree of 2^64 leaves
/// needs at most 64, a consistency proof at most 2·64).
pub const MAX_PROOF_HASHES: usize = 128;

/// Why a Merkle proof failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf index is not inside the tree.
    #[error("leaf index {index} is outside a tree of size {size}")]
    IndexOutOfRange {
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The proof has the wrong number of hashes for the index and tree size.
    #[error("proof has the wrong length")]
    WrongLength,
    /// The recomputed root does not match the expected root.
    #[error("recomputed root does not match")]
    RootMismatch,
    /// The sizes do not describe a valid consistency proof (second smaller than
    /// first, or a proof from the empty tree).
    #[error("invalid tree sizes for a consistency proof")]
    InvalidSizes,
}

/// The hash of the empty tree, SHA-256 of the empty string.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// `SHA-256(0x00 || data)`: the RFC 6962 leaf hash.
pub fn leaf_hash(data: &[u8]) -> Hash {
    Sha256::new()
        .chain_update([0x00])
        .chain_update(data)
        .finalize()
        .into()
}

/// `SHA-256(0x01 || left || right)`: the RFC 6962 interior node hash.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([0x01])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// Verifies an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    tree_size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= tree_size {
        return Err(ProofError::IndexOutOfRange {
            index,
            size: tree_size,
        });
    }
    if proof.len() > MAX_PROOF_HASHES {
        return Err(ProofError::WrongLength);
    }
    let (mut fn_, mut sn) = (index, tree_size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return Err(ProofError::WrongLength);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(ProofError::WrongLength);
    }
    if r != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Verifies a consistency proof between two tree heads (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    proof: &[Hash],
    root1: &Hash,
    root2: &Hash,
) -> Result<(), ProofError> {
    if size2 < size1 {
        return Err(ProofError::InvalidSizes);
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength);
        }
        return if root1 == root2 {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    if size1 == 0 {
        return Err(ProofError::InvalidSizes);
    }
    if proof.is_empty() || proof.len() > MAX_PROOF_HASHES {
        return Err(ProofError::WrongLength);
    }
    let mut path: Vec<&Hash> = Vec::with_capacity(proof.len() + 1);
    if size1.is_power_of_two() {
        path.push(root1);
    }
    path.extend(proof.iter());
    let (mut fn_, mut sn) = (size1 - 1, size2 - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let Some((&&first, rest)) = path.split_first() else {
        return Err(ProofError::WrongLength);
    };
    let (mut fr, mut sr) = (first, first);
    for c in rest {
        if sn == 0 {
            return Err(ProofError::WrongLength);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(ProofError::WrongLength);
    }
    if fr != *root1 || sr != *root2 {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// The largest power of two strictly smaller than `n` (n ≥ 2).
fn split_point(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// The Merkle Tree Hash (RFC 6962 §2.1) of a list of leaf hashes.
pub fn root_from_leaves(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => empty_root(),
        [one] => *one,
        _ => {
            let (left, right) = split(leaves);
            node_hash(&root_from_leaves(left), &root_from_leaves(right))
        }
    }
}

/// Splits at the largest power of two below the length (RFC 6962 §2.1's `k`).
fn split(leaves: &[Hash]) -> (&[Hash], &[Hash]) {
    leaves
        .split_at_checked(split_point(leaves.len()))
        .unwrap_or((leaves, &[]))
}

/// The inclusion proof (RFC 6962 §2.1.1) for leaf `index` among `leaves`, or `None`
/// when the index is outside the tree.
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    collect_inclusion(leaves, index, &mut proof);
    Some(proof)
}

fn collect_inclusion(leaves: &[Hash], index: usize, proof: &mut Vec<Hash>) {
    if leaves.len() <= 1 {
        return;
    }
    let (left, right) = split(leaves);
    if index < left.len() {
        collect_inclusion(left, index, proof);
        proof.push(root_from_leaves(right));
    } else {
        collect_inclusion(right, index - left.len(), proof);
        proof.push(root_from_leaves(left));
    }
}

/// The consistency proof (RFC 6962 §2.1.2) from the first `size1` leaves to all of
/// `leaves`, or `None` when `size1` is 0 or larger than the tree.
pub fn consistency_proof(leaves: &[Hash], size1: usize) -> Option<Vec<Hash>> {
    if size1 == 0 || size1 > leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    collect_consistency(leaves, size1, true, &mut proof);
    Some(proof)
}

fn collect_consistency(leaves: &[Hash], m: usize, complete: bool, proof: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !complete {
            proof.push(root_from_leaves(leaves));
        }
        return;
    }
    let (left, right) = split(leaves);
    if m <= left.len() {
        collect_consistency(left, m, complete, proof);
        proof.push(root_from_leaves(right));
    } else {
        collect_consistency(right, m - left.len(), false, proof);
        proof.push(root_from_leaves(left));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    #[test]
    fn generated_inclusion_proofs_verify_and_tampering_fails() {
        for n in 1..40usize {
            let tree = leaves(n);
            let root = root_from_leaves(&tree);
            for i in 0..n {
                let proof = inclusion_proof(&tree, i).unwrap();
                verify_inclusion(&tree[i], i as u64, n as u64, &proof, &root).unwrap();
                assert!(verify_inclusion(&tree[i], n as u64, n as u64, &proof, &root).is_err());
                if let Some(first) = proof.first() {
                    let mut bad = proof.clone();
                    bad[0] = node_hash(first, first);
                    assert!(verify_inclusion(&tree[i], i as u64, n as u64, &bad, &root).is_err());
                }
            }
        }
    }

    #[test]
    fn generated_consistency_proofs_verify() {
        for n in 1..34usize {
            let tree = leaves(n);
            let root2 = root_from_leaves(&tree);
            for m in 1..=n {
                let root1 = root_from_leaves(&tree[..m]);
                let proof = consistency_proof(&tree, m).unwrap();
                verify_consistency(m as u64, n as u64, &proof, &root1, &root2).unwrap();
                if m < n {
                    assert!(
                        verify_consistency(m as u64, n as u64, &proof, &root2, &root2).is_err()
                    );
                }
            }
        }
    }

    #[test]
    fn empty_tree_root_is_sha256_of_nothing() {
        assert_eq!(
            crate::encoding::hex_encode(&empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
