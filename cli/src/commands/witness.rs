//! `touchmark witness cosign`.

use std::path::PathBuf;

use clap::Args;
use touchmark::issuer::witness::cosign;

use crate::commands::verify::unix_now;
use crate::failure::{CommandResult, Failure};
use crate::files;

/// Arguments of `witness cosign`.
#[derive(Args)]
pub struct CosignArgs {
    /// The witness's skey file (type 0x04).
    #[arg(long)]
    pub key: PathBuf,
    /// The log's vkey (string or file); the checkpoint must verify under it.
    #[arg(long)]
    pub log_key: String,
    /// Cosign as of this POSIX time instead of now.
    #[arg(long)]
    pub time: Option<u64>,
    /// Where to write the cosigned checkpoint (default: standard output); may be the input.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The checkpoint file (for example LEDGER/checkpoint).
    pub checkpoint: PathBuf,
}

/// Runs `witness cosign`.
pub fn run(args: &CosignArgs) -> CommandResult {
    let witness = files::signer_key(&args.key)?;
    let log_key = files::verifier_key(&args.log_key)?;
    let bytes = files::read(&args.checkpoint)?;
    let note = cosign(
        &bytes,
        &log_key,
        &witness,
        args.time.unwrap_or_else(unix_now),
    )
    .map_err(|e| Failure::rejected(format!("{}: {e}", args.checkpoint.display())))?;
    match &args.out {
        Some(path) => files::write(path, note.to_text().as_bytes())?,
        None => print!("{}", note.to_text()),
    }
    Ok(0)
}
