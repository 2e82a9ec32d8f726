//! `touchmark verify`.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Args;
use touchmark::scan::ScanLimits;
use touchmark::trust::TrustBundle;
use touchmark::verify::{gather, trust_error_reason, Input};
use touchmark::{Overall, ReasonCode, Verdict, Verifier};

use crate::failure::{CommandResult, Failure};
use crate::{files, human};

/// Arguments of `verify`.
#[derive(Args)]
pub struct VerifyArgs {
    /// The signed trust bundle (issuers and ledger policy).
    #[arg(long)]
    pub trust: Option<PathBuf>,
    /// A pinned root key (vkey string or file) that signs trust bundles; repeatable.
    /// Defaults to the TOUCHMARK_ROOT environment variable.
    #[arg(long = "root")]
    pub roots: Vec<String>,
    /// Refuse trust bundles older than this version (rollback protection).
    #[arg(long, default_value_t = 0)]
    pub min_trust_version: u64,
    /// A file remembering the highest trust bundle version seen: older bundles are
    /// refused, and a newer one raises it.
    #[arg(long)]
    pub trust_state: Option<PathBuf>,
    /// Verify as of this POSIX time instead of now.
    #[arg(long)]
    pub now: Option<u64>,
    /// Print one JSON object instead of the human summary.
    #[arg(long)]
    pub json: bool,
    /// Images (PNG, JPEG, WebP) or text files with scanned payloads or a tlog-proof.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

/// The current POSIX time.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(b"\xff\xd8")
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
}

/// Loads the trust bundle; a bundle that fails to load becomes an inconclusive
/// verdict, a missing file is an input error.
fn load_verifier(args: &VerifyArgs, now: u64) -> Result<Result<Verifier, Verdict>, Failure> {
    let Some(path) = &args.trust else {
        return Ok(Err(Verdict::inconclusive(ReasonCode::TrustBundleMissing)));
    };
    let mut root_args = args.roots.clone();
    if root_args.is_empty() {
        root_args.extend(std::env::var("TOUCHMARK_ROOT").ok());
    }
    if root_args.is_empty() {
        return Err(Failure::input(
            "--trust needs a pinned root key: pass --root VKEY or set TOUCHMARK_ROOT",
        ));
    }
    let roots = root_args
        .iter()
        .map(|r| files::verifier_key(r))
        .collect::<Result<Vec<_>, _>>()?;
    let bytes = files::read(path)?;
    let seen = match &args.trust_state {
        Some(state) if state.exists() => files::read_text(state)?
            .trim()
            .parse::<u64>()
            .map_err(|_| Failure::input(format!("{}: not a version number", state.display())))?,
        _ => 0,
    };
    Ok(
        match TrustBundle::load(&bytes, &roots, args.min_trust_version.max(seen), now) {
            Ok(bundle) => {
                if let Some(state) = args.trust_state.as_ref().filter(|_| bundle.version > seen) {
                    files::write(state, format!("{}\n", bundle.version).as_bytes())?;
                }
                Ok(Verifier::new(bundle))
            }
            Err(error) => {
                eprintln!("touchmark: trust bundle {}: {error}", path.display());
                Err(Verdict::inconclusive(trust_error_reason(&error)))
            }
        },
    )
}

/// Reads each input as an image or as text.
fn read_inputs(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    paths
        .iter()
        .map(|p| Ok((p.clone(), files::read(p)?)))
        .collect()
}

/// Runs `verify`.
pub fn run(args: &VerifyArgs) -> CommandResult {
    let now = args.now.unwrap_or_else(unix_now);
    let contents = read_inputs(&args.inputs)?;
    let mut inputs = Vec::with_capacity(contents.len());
    for (path, bytes) in &contents {
        if is_image(bytes) {
            inputs.push(Input::Image(bytes));
        } else {
            let text = std::str::from_utf8(bytes).map_err(|_| {
                Failure::input(format!(
                    "{}: neither a PNG/JPEG/WebP image nor UTF-8 text",
                    path.display()
                ))
            })?;
            inputs.push(Input::Text(text));
        }
    }
    let verdict = match load_verifier(args, now)? {
        Err(verdict) => verdict,
        Ok(verifier) => {
            let gathered = gather(&inputs, &ScanLimits::default()).map_err(|e| {
                let file = image_path_for_error(&contents);
                Failure::input(format!("{}: {e}", file.display()))
            })?;
            verifier.verify_gathered(&gathered)
        }
    };
    if args.json {
        let json = serde_json::to_string(&verdict).map_err(|e| Failure::input(e.to_string()))?;
        println!("{json}");
    } else {
        print!("{}", human::verdict(&verdict));
    }
    Ok(match verdict.verdict {
        Overall::Authentic => 0,
        Overall::NotAuthentic => 1,
        Overall::Inconclusive => 2,
    })
}

/// The first image input (scan errors come from images).
fn image_path_for_error(contents: &[(PathBuf, Vec<u8>)]) -> &Path {
    contents
        .iter()
        .find(|(_, b)| is_image(b))
        .map_or(Path::new("input"), |(p, _)| p.as_path())
}
