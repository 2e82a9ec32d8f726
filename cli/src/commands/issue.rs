//! `touchmark issue`.

use std::path::PathBuf;

use clap::Args;
use touchmark::issuer::render::{self, CERTIFICATE, HALLMARK};
use touchmark::issuer::{issue_certificate, random_bytes, LedgerDir, PieceDescription};

use crate::failure::{CommandResult, Failure};
use crate::files;

/// Arguments of `issue`.
#[derive(Args)]
pub struct IssueArgs {
    /// The issuer's skey file; its name is the issuer id.
    #[arg(long)]
    pub key: PathBuf,
    /// The piece description (JSON: serial, edition, item, issued).
    #[arg(long)]
    pub piece: PathBuf,
    /// The ledger directory to record the certificate in (its origin goes into the claims).
    #[arg(long)]
    pub ledger: PathBuf,
    /// The ledger's log skey file.
    #[arg(long)]
    pub log_key: PathBuf,
    /// Output directory for certificate.{txt,png,svg}, hallmark.{txt,png,svg},
    /// claims.json and proof.tlog-proof.
    #[arg(long)]
    pub out: PathBuf,
    /// Pixels per QR module in the PNGs.
    #[arg(long, default_value_t = 6)]
    pub module_px: u32,
}

/// Runs `issue`.
pub fn run(args: &IssueArgs) -> CommandResult {
    let signer = files::signer_key(&args.key)?;
    let log_key = files::signer_key(&args.log_key)?;
    let piece: PieceDescription = serde_json::from_slice(&files::read(&args.piece)?)
        .map_err(|e| Failure::input(format!("{}: {e}", args.piece.display())))?;
    let ledger_failure = |e: touchmark::issuer::LedgerError| {
        Failure::input(format!("ledger {}: {e}", args.ledger.display()))
    };
    let mut ledger = LedgerDir::open(&args.ledger).map_err(ledger_failure)?;
    let issuer_id = signer.verifier().name().to_owned();
    let issued = issue_certificate(
        &signer,
        &issuer_id,
        &ledger.checkpoint().origin.clone(),
        &piece,
        random_bytes(),
    )
    .map_err(|e| Failure::input(format!("{}: {e}", args.piece.display())))?;

    let cert_code =
        render::encode(&issued.qr_text, CERTIFICATE).map_err(|e| Failure::input(e.to_string()))?;
    let hallmark_text = issued.hallmark.to_text();
    let hallmark_code =
        render::encode(&hallmark_text, HALLMARK).map_err(|e| Failure::input(e.to_string()))?;
    let out = &args.out;
    let png =
        |code| render::to_png(code, args.module_px).map_err(|e| Failure::input(e.to_string()));
    files::write(
        &out.join("certificate.txt"),
        format!("{}\n", issued.qr_text).as_bytes(),
    )?;
    files::write(&out.join("certificate.png"), &png(&cert_code)?)?;
    files::write(
        &out.join("certificate.svg"),
        render::to_svg(&cert_code, 4).as_bytes(),
    )?;
    files::write(
        &out.join("hallmark.txt"),
        format!("{hallmark_text}\n").as_bytes(),
    )?;
    files::write(&out.join("hallmark.png"), &png(&hallmark_code)?)?;
    files::write(
        &out.join("hallmark.svg"),
        render::to_svg(&hallmark_code, 4).as_bytes(),
    )?;
    let claims =
        serde_json::to_string_pretty(&issued.claims).map_err(|e| Failure::input(e.to_string()))?;
    files::write(&out.join("claims.json"), claims.as_bytes())?;

    let index = ledger
        .append(&[issued.event.encode()], &log_key)
        .map_err(ledger_failure)?;
    let proof = ledger.proof(index).map_err(ledger_failure)?;
    files::write(&out.join("proof.tlog-proof"), proof.to_text().as_bytes())?;
    println!(
        "issued {} (certificate QR version {}, hallmark QR version {}), ledger index {index}",
        issued.claims.serial,
        render::version_of(&cert_code),
        render::version_of(&hallmark_code)
    );
    println!(
        "wrote {}/{{certificate,hallmark}}.{{txt,png,svg}}, claims.json, proof.tlog-proof",
        out.display()
    );
    println!(
        "witnesses can now cosign {}/checkpoint; re-run `touchmark ledger proof` afterwards",
        args.ledger.display()
    );
    Ok(0)
}
