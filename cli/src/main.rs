//! `touchmark`: verify jewelry certificates, scan codes, and run the issuer toolkit.
//!
//! Exit codes of `verify`: 0 authentic, 1 not authentic, 2 inconclusive, 3 usage or
//! input error. Other commands: 0 success, 1 rejected, 3 usage or input error.

mod commands;
mod failure;
mod files;
mod human;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use failure::{Failure, EXIT_USAGE};

/// Touchmark: in-hand authenticity checks for collectible jewelry.
#[derive(Parser)]
#[command(name = "touchmark", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify a certificate (with its hallmark and ledger proof) from images or text files.
    Verify(commands::verify::VerifyArgs),
    /// List the codes found in images (a directory scans every image in it).
    Scan(commands::scan::ScanArgs),
    /// C2SP signed notes.
    #[command(subcommand)]
    Note(NoteCommand),
    /// C2SP tlog-proofs.
    #[command(subcommand)]
    Proof(ProofCommand),
    /// Generate a signer key (C2SP skey) and its verifier key (vkey).
    Keygen(commands::keygen::KeygenArgs),
    /// Keep a ledger directory in the C2SP tlog-tiles layout.
    #[command(subcommand)]
    Ledger(commands::ledger::LedgerCommand),
    /// Issue a certificate and hallmark from a JSON piece description.
    Issue(commands::issue::IssueArgs),
    /// Act as a witness.
    #[command(subcommand)]
    Witness(WitnessCommand),
    /// Build trust bundles.
    #[command(subcommand)]
    Trust(TrustCommand),
}

#[derive(Subcommand)]
enum NoteCommand {
    /// Verify a signed note; exit 0 when a known key verified it.
    Verify(NoteVerifyArgs),
}

/// Arguments of `note verify`.
#[derive(Args)]
pub struct NoteVerifyArgs {
    /// A known verifier key (vkey string or file); repeatable.
    #[arg(long = "key", required = true)]
    pub keys: Vec<String>,
    /// The signed note file.
    pub file: PathBuf,
}

#[derive(Subcommand)]
enum ProofCommand {
    /// Verify a tlog-proof against a tlog-policy; exit 0 when valid and the quorum is met.
    Verify(commands::proof::ProofVerifyArgs),
}

#[derive(Subcommand)]
enum WitnessCommand {
    /// Verify a checkpoint's log signature and add a cosignature.
    Cosign(commands::witness::CosignArgs),
}

#[derive(Subcommand)]
enum TrustCommand {
    /// Sign a trust bundle body (JSON) with a root key.
    Sign(commands::trust::TrustSignArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Verify(args) => commands::verify::run(&args),
        Command::Scan(args) => commands::scan::run(&args),
        Command::Note(NoteCommand::Verify(args)) => commands::note::run(&args),
        Command::Proof(ProofCommand::Verify(args)) => commands::proof::run(&args),
        Command::Keygen(args) => commands::keygen::run(&args),
        Command::Ledger(command) => commands::ledger::run(&command),
        Command::Issue(args) => commands::issue::run(&args),
        Command::Witness(WitnessCommand::Cosign(args)) => commands::witness::run(&args),
        Command::Trust(TrustCommand::Sign(args)) => commands::trust::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure { code, message }) => {
            eprintln!("touchmark: {message}");
            ExitCode::from(code)
        }
    }
}
