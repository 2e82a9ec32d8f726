//! `touchmark keygen`.

use std::path::PathBuf;

use clap::Args;
use touchmark::issuer::generate_signer;
use touchmark::keys::KeyKind;

use crate::failure::{CommandResult, Failure};
use crate::files;

/// Arguments of `keygen`.
#[derive(Args)]
pub struct KeygenArgs {
    /// Key name: the issuer id, the log origin, or the witness name.
    #[arg(long)]
    pub name: String,
    /// Make a witness cosignature key (type 0x04) instead of a signing key (0x01).
    #[arg(long)]
    pub witness: bool,
    /// Write PREFIX.skey and PREFIX.vkey instead of printing both.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs `keygen`.
pub fn run(args: &KeygenArgs) -> CommandResult {
    let kind = if args.witness {
        KeyKind::CosignatureV1
    } else {
        KeyKind::Ed25519
    };
    let signer =
        generate_signer(&args.name, kind).map_err(|e| Failure::input(format!("--name: {e}")))?;
    let (skey, vkey) = (signer.to_skey_string(), signer.verifier().to_string());
    match &args.out {
        Some(prefix) => {
            files::write(
                &prefix.with_extension("skey"),
                format!("{skey}\n").as_bytes(),
            )?;
            files::write(
                &prefix.with_extension("vkey"),
                format!("{vkey}\n").as_bytes(),
            )?;
            println!("{vkey}");
        }
        None => println!("{skey}\n{vkey}"),
    }
    Ok(0)
}
