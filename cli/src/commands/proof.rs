//! `touchmark proof verify`: any C2SP tlog-proof against any tlog-policy.

use std::path::PathBuf;

use clap::Args;
use touchmark::encoding::hex_decode;
use touchmark::tlog::merkle::leaf_hash;
use touchmark::tlog::{Policy, TlogProof};

use crate::failure::{CommandResult, Failure};
use crate::files;

/// Arguments of `proof verify`.
#[derive(Args)]
pub struct ProofVerifyArgs {
    /// The tlog-policy file.
    #[arg(long)]
    pub policy: PathBuf,
    /// The entry's RFC 6962 leaf hash, in hex.
    #[arg(
        long,
        conflicts_with = "leaf_data",
        required_unless_present = "leaf_data"
    )]
    pub leaf_hash: Option<String>,
    /// A file with the entry's data (hashed as SHA-256(0x00 || data)).
    #[arg(long)]
    pub leaf_data: Option<PathBuf>,
    /// The tlog-proof file.
    pub file: PathBuf,
}

/// Runs `proof verify`: exit 0 when valid and the quorum is met, 1 otherwise.
pub fn run(args: &ProofVerifyArgs) -> CommandResult {
    let policy = Policy::parse(&files::read(&args.policy)?)
        .map_err(|e| Failure::input(format!("{}: {e}", args.policy.display())))?;
    let leaf = match (&args.leaf_hash, &args.leaf_data) {
        (Some(hex), _) => hex_decode(hex)
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| Failure::input("--leaf-hash must be 64 hex digits"))?,
        (None, Some(path)) => leaf_hash(&files::read(path)?),
        (None, None) => return Err(Failure::input("give --leaf-hash or --leaf-data")),
    };
    let proof = TlogProof::parse(&files::read(&args.file)?)
        .map_err(|e| Failure::rejected(format!("{}: {e}", args.file.display())))?;
    let report = proof
        .verify(&policy, &leaf)
        .map_err(|e| Failure::rejected(format!("{}: {e}", args.file.display())))?;
    println!(
        "log: {} size {}",
        report.checkpoint.origin, report.checkpoint.size
    );
    for c in &report.cosigners {
        println!("cosigned: {} at {}", c.name, c.timestamp);
    }
    if let Err(e) = report.inclusion {
        return Err(Failure::rejected(format!(
            "{}: inclusion proof: {e}",
            args.file.display()
        )));
    }
    println!("inclusion: verified (index {})", proof.index);
    if !report.quorum_met {
        return Err(Failure::rejected(format!(
            "{}: witness quorum not met",
            args.file.display()
        )));
    }
    println!("quorum: met");
    Ok(0)
}
