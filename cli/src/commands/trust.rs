//! `touchmark trust sign`.

use std::path::PathBuf;

use clap::Args;
use touchmark::issuer::trust_bundle::sign_bundle;
use touchmark::trust::BundleBody;

use crate::failure::{CommandResult, Failure};
use crate::files;

/// Arguments of `trust sign`.
#[derive(Args)]
pub struct TrustSignArgs {
    /// The root skey file.
    #[arg(long)]
    pub root_key: PathBuf,
    /// Where to write the signed bundle (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The bundle body (JSON: format, version, issuers, ledger_policy).
    pub body: PathBuf,
}

/// Runs `trust sign`.
pub fn run(args: &TrustSignArgs) -> CommandResult {
    let root = files::signer_key(&args.root_key)?;
    let body: BundleBody = serde_json::from_slice(&files::read(&args.body)?)
        .map_err(|e| Failure::input(format!("{}: {e}", args.body.display())))?;
    let signed = sign_bundle(&body, &[&root]).map_err(|e| Failure::input(e.to_string()))?;
    match &args.out {
        Some(path) => files::write(path, signed.as_bytes())?,
        None => print!("{signed}"),
    }
    Ok(0)
}
