//! `touchmark scan`: the codes in each image, one JSON object per file with `--json`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use serde::Serialize;
use touchmark::scan::{scan_image, CaptureProblem, ScanLimits, ScannedCode};

use crate::failure::{CommandResult, Failure, EXIT_USAGE};
use crate::files;

/// Arguments of `scan`.
#[derive(Args)]
pub struct ScanArgs {
    /// Print one JSON object per file, one per line.
    #[arg(long)]
    pub json: bool,
    /// Images, or directories whose images are all scanned.
    #[arg(required = true)]
    pub images: Vec<PathBuf>,
}

/// One line of `scan --json` output; benchmarks read this shape.
#[derive(Serialize)]
struct FileReport<'a> {
    file: String,
    ms: f64,
    codes: &'a [ScannedCode],
    problem: Option<CaptureProblem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn is_image_name(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "png" | "jpg" | "jpeg" | "webp"
        )
    })
}

/// Expands directories into their images, sorted by name.
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path)
                .map_err(|e| Failure::input(format!("cannot list {}: {e}", path.display())))?;
            let mut images: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| is_image_name(p))
                .collect();
            images.sort();
            out.extend(images);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Runs `scan`.
pub fn run(args: &ScanArgs) -> CommandResult {
    let limits = ScanLimits::default();
    let mut exit = 0;
    for path in expand(&args.images)? {
        let start = Instant::now();
        let result = files::read(&path).and_then(|bytes| {
            scan_image(&bytes, &limits)
                .map_err(|e| Failure::input(format!("{}: {e}", path.display())))
        });
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let (codes, problem, error) = match &result {
            Ok(outcome) => (outcome.codes.as_slice(), outcome.problem, None),
            Err(failure) => {
                exit = EXIT_USAGE;
                (&[][..], None, Some(failure.message.clone()))
            }
        };
        let report = FileReport {
            file: path.display().to_string(),
            ms,
            codes,
            problem,
            error,
        };
        if args.json {
            println!(
                "{}",
                serde_json::to_string(&report).map_err(|e| Failure::input(e.to_string()))?
            );
        } else {
            print_human(&report);
        }
    }
    Ok(exit)
}

fn print_human(report: &FileReport<'_>) {
    println!("{} ({:.1} ms)", report.file, report.ms);
    if let Some(error) = &report.error {
        println!("  error: {error}");
    }
    for code in report.codes {
        let [tl, _, br, _] = code.corners;
        println!(
            "  {:?} at ({:.0},{:.0})-({:.0},{:.0}): {}",
            code.kind, tl[0], tl[1], br[0], br[1], code.text
        );
    }
    if let Some(problem) = report.problem {
        println!(
            "  problem: {} ({})",
            serde_json::to_string(&problem)
                .unwrap_or_default()
                .trim_matches('"'),
            problem.advice()
        );
    }
}
