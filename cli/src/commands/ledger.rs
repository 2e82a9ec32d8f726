//! `touchmark ledger init|append|proof`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use touchmark::certificate::{qr_text, Claims, CompactJws};
use touchmark::issuer::LedgerDir;
use touchmark::ledger::LedgerEvent;

use crate::failure::{CommandResult, Failure};
use crate::files;

/// Ledger subcommands.
#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Create an empty ledger; the log key's name is the ledger's origin.
    Init(InitArgs),
    /// Append certificates' issue events or raw event records; prints their indexes.
    Append(AppendArgs),
    /// Write a tlog-proof for an entry against the current (cosigned) checkpoint.
    Proof(ProofArgs),
}

/// Arguments of `ledger init`.
#[derive(Args)]
pub struct InitArgs {
    /// The log's skey file.
    #[arg(long)]
    pub key: PathBuf,
    /// The ledger directory.
    pub dir: PathBuf,
}

/// Arguments of `ledger append`.
#[derive(Args)]
pub struct AppendArgs {
    /// The log's skey file.
    #[arg(long)]
    pub key: PathBuf,
    /// A file with certificate QR text (`TM1:/…`); repeatable.
    #[arg(long = "certificate")]
    pub certificates: Vec<PathBuf>,
    /// A file with a raw event record; repeatable.
    #[arg(long = "event")]
    pub events: Vec<PathBuf>,
    /// The ledger directory.
    pub dir: PathBuf,
}

/// Arguments of `ledger proof`.
#[derive(Args)]
pub struct ProofArgs {
    /// The entry index.
    #[arg(
        long,
        conflicts_with = "certificate",
        required_unless_present = "certificate"
    )]
    pub index: Option<u64>,
    /// Find the entry recording this certificate (file with `TM1:/…` text).
    #[arg(long)]
    pub certificate: Option<PathBuf>,
    /// Where to write the proof (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The ledger directory.
    pub dir: PathBuf,
}

fn ledger_failure(dir: &Path) -> impl Fn(touchmark::issuer::LedgerError) -> Failure + '_ {
    move |e| Failure::input(format!("ledger {}: {e}", dir.display()))
}

/// Reads a certificate file and returns its issue event.
fn certificate_event(path: &Path) -> Result<LedgerEvent, Failure> {
    let text = files::read_text(path)?;
    let bad = |what: &str| Failure::input(format!("{}: {what}", path.display()));
    let jws = qr_text::decode(text.trim()).map_err(|e| bad(&e.to_string()))?;
    let jws = CompactJws::parse(&jws).map_err(|e| bad(&e.to_string()))?;
    let claims = Claims::from_json(jws.payload()).map_err(|e| bad(&e.to_string()))?;
    Ok(LedgerEvent::issue(&claims.serial, jws.as_str()))
}

/// Runs a ledger subcommand.
pub fn run(command: &LedgerCommand) -> CommandResult {
    match command {
        LedgerCommand::Init(args) => {
            let key = files::signer_key(&args.key)?;
            let ledger = LedgerDir::init(&args.dir, &key).map_err(ledger_failure(&args.dir))?;
            println!(
                "created ledger {} for origin {}",
                args.dir.display(),
                ledger.checkpoint().origin
            );
        }
        LedgerCommand::Append(args) => {
            let key = files::signer_key(&args.key)?;
            let mut records = Vec::new();
            for path in &args.certificates {
                records.push(certificate_event(path)?.encode());
            }
            for path in &args.events {
                let bytes = files::read(path)?;
                LedgerEvent::decode(&bytes)
                    .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
                records.push(bytes);
            }
            if records.is_empty() {
                return Err(Failure::input(
                    "nothing to append: give --certificate or --event",
                ));
            }
            let mut ledger = LedgerDir::open(&args.dir).map_err(ledger_failure(&args.dir))?;
            let first = ledger
                .append(&records, &key)
                .map_err(ledger_failure(&args.dir))?;
            for i in 0..records.len() as u64 {
                println!("{}", first + i);
            }
        }
        LedgerCommand::Proof(args) => {
            let ledger = LedgerDir::open(&args.dir).map_err(ledger_failure(&args.dir))?;
            let index = match (&args.index, &args.certificate) {
                (Some(i), _) => *i,
                (None, Some(path)) => ledger
                    .find_leaf(&certificate_event(path)?.leaf_hash())
                    .ok_or_else(|| {
                        Failure::rejected(format!(
                            "{} is not recorded in the ledger",
                            path.display()
                        ))
                    })?,
                (None, None) => return Err(Failure::input("give --index or --certificate")),
            };
            let proof = ledger.proof(index).map_err(ledger_failure(&args.dir))?;
            match &args.out {
                Some(path) => files::write(path, proof.to_text().as_bytes())?,
                None => print!("{}", proof.to_text()),
            }
        }
    }
    Ok(0)
}
