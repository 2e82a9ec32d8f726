//! `scan-bench`: times Touchmark's scanner and the plain-rqrr baseline per image,
//! single-threaded, and prints one JSON line per image; `compare.py` adds
//! zxing-cpp and prints the table. `scan-bench gen` writes a synthetic set.

mod cases;
mod generate;

use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;
use touchmark::scan::{
    decode_to_luma, scan_image, scan_luma, scan_luma_rqrr_baseline, FrameScanner, LumaFrame,
    ScanLimits, ScanOutcome,
};

use cases::Case;

#[derive(Parser)]
#[command(about = "Benchmark Touchmark's scanner; generate synthetic test images")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Engine {
    /// Touchmark's scanning pipeline.
    Touchmark,
    /// rqrr alone, no preprocessing.
    Rqrr,
    /// Touchmark's pipeline on an already decoded luma frame (file decode not
    /// timed), as a camera app calls it.
    TouchmarkLuma,
    /// Touchmark's camera-stream scanner (`FrameScanner`) on decoded luma,
    /// a new stream for each image: the image is scanned as consecutive
    /// frames until a code reads, at most until the deep look has run
    /// (`FrameScanner::DEEP_LOOK_AFTER` + 1 frames; an image with no code:
    /// all of them); `ms` is the mean per frame and `frames` how many.
    TouchmarkStream,
    /// Only decode the file to luma (how much of an image's time is decoding).
    DecodeOnly,
    /// Only decode the file, through `image`'s generic path to RGB and then
    /// luma: the baseline for `decode-only` (lossy WebP skips it).
    DecodeGeneric,
}

#[derive(clap::Args)]
struct Sets {
    /// A zxing-style sample folder, as NAME=DIR.
    #[arg(long, value_name = "NAME=DIR")]
    blackbox: Vec<String>,
    /// A synthetic manifest, as NAME=MANIFEST.
    #[arg(long, value_name = "NAME=MANIFEST")]
    synthetic: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Print the cases as JSON lines.
    List(Sets),
    /// Scan every case with one engine and print a JSON line per image.
    Run {
        /// The engine.
        #[arg(long, value_enum)]
        engine: Engine,
        #[command(flatten)]
        sets: Sets,
    },
    /// Write a synthetic set and its manifest.
    Gen(generate::GenArgs),
}

#[derive(Serialize)]
struct Row<'a> {
    set: &'a str,
    file: &'a std::path::Path,
    engine: &'static str,
    ms: f64,
    codes: usize,
    correct: usize,
    texts: Vec<String>,
    problem: Option<String>,
    error: Option<String>,
    /// Frames scanned (the stream engine only).
    #[serde(skip_serializing_if = "Option::is_none")]
    frames: Option<usize>,
}

fn split(arg: &str) -> Result<(String, PathBuf), String> {
    let (name, path) = arg
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=PATH, got {arg}"))?;
    Ok((name.to_string(), PathBuf::from(path)))
}

fn gather(sets: &Sets) -> Result<Vec<Case>, String> {
    let mut all = Vec::new();
    for arg in &sets.blackbox {
        let (name, dir) = split(arg)?;
        all.extend(cases::blackbox(&name, &dir));
    }
    for arg in &sets.synthetic {
        let (name, manifest) = split(arg)?;
        all.extend(cases::synthetic(&name, &manifest)?);
    }
    Ok(all)
}

/// How many of the expected texts were read; for unknown texts, how many
/// distinct codes (at most the number present).
pub fn score(case: &Case, texts: &[String]) -> usize {
    if case.expected.is_empty() {
        let mut distinct: Vec<&String> = texts.iter().collect();
        distinct.sort();
        distinct.dedup();
        return distinct.len().min(case.codes);
    }
    case.expected
        .iter()
        .filter(|want| texts.iter().any(|got| got == *want))
        .count()
}

fn scan_rqrr(bytes: &[u8], limits: &ScanLimits) -> Result<ScanOutcome, String> {
    let luma = decode_to_luma(bytes, limits).map_err(|e| e.to_string())?;
    let (width, height) = luma.dimensions();
    let frame = LumaFrame {
        data: luma.as_raw(),
        width,
        height,
        stride: width,
    };
    scan_luma_rqrr_baseline(&frame, limits).map_err(|e| e.to_string())
}

/// Scans `luma` as consecutive frames of a new stream until a code reads,
/// at most until the deep look has run (all of those frames when
/// `whole_window`): the last outcome, the mean time per frame and how many
/// frames.
fn scan_stream(
    luma: &image::GrayImage,
    limits: ScanLimits,
    whole_window: bool,
) -> (Result<ScanOutcome, String>, f64, usize) {
    let frame = LumaFrame {
        data: luma.as_raw(),
        width: luma.width(),
        height: luma.height(),
        stride: luma.width(),
    };
    let mut scanner = FrameScanner::new(limits);
    let mut total = 0.0;
    let mut frames = 0;
    let mut last = Err("no frame scanned".to_string());
    while frames <= FrameScanner::DEEP_LOOK_AFTER {
        let start = Instant::now();
        last = scanner.scan(&frame).map_err(|e| e.to_string());
        total += start.elapsed().as_secs_f64() * 1000.0;
        frames += 1;
        let read = last.as_ref().is_ok_and(|o| !o.codes.is_empty());
        if read && !whole_window {
            break;
        }
    }
    (last, total / frames as f64, frames)
}

fn run(engine: Engine, sets: &Sets) -> Result<(), String> {
    let limits = ScanLimits::default();
    for case in gather(sets)? {
        let bytes =
            std::fs::read(&case.file).map_err(|e| format!("{}: {e}", case.file.display()))?;
        let luma = match engine {
            Engine::TouchmarkLuma | Engine::TouchmarkStream => {
                Some(decode_to_luma(&bytes, &limits).map_err(|e| e.to_string())?)
            }
            _ => None,
        };
        if let (Engine::TouchmarkStream, Some(luma)) = (engine, &luma) {
            let (result, ms, frames) = scan_stream(luma, limits, case.codes == 0);
            print_row(&case, "touchmark-stream", ms, result, Some(frames))?;
            continue;
        }
        let start = Instant::now();
        let result = match (engine, &luma) {
            (Engine::TouchmarkLuma, Some(luma)) => {
                let frame = LumaFrame {
                    data: luma.as_raw(),
                    width: luma.width(),
                    height: luma.height(),
                    stride: luma.width(),
                };
                scan_luma(&frame, &limits).map_err(|e| e.to_string())
            }
            (Engine::Rqrr, _) => scan_rqrr(&bytes, &limits),
            (Engine::DecodeOnly, _) => decode_to_luma(&bytes, &limits)
                .map(|_| ScanOutcome {
                    codes: Vec::new(),
                    problem: None,
                })
                .map_err(|e| e.to_string()),
            (Engine::DecodeGeneric, _) => image::load_from_memory(&bytes)
                .map(|image| {
                    std::hint::black_box(image.into_luma8());
                    ScanOutcome {
                        codes: Vec::new(),
                        problem: None,
                    }
                })
                .map_err(|e| e.to_string()),
            _ => scan_image(&bytes, &limits).map_err(|e| e.to_string()),
        };
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let name = match engine {
            Engine::Touchmark => "touchmark",
            Engine::Rqrr => "rqrr",
            Engine::TouchmarkLuma => "touchmark-luma",
            Engine::TouchmarkStream => "touchmark-stream",
            Engine::DecodeOnly => "decode-only",
            Engine::DecodeGeneric => "decode-generic",
        };
        print_row(&case, name, ms, result, None)?;
    }
    Ok(())
}

/// Prints one image's JSON line.
fn print_row(
    case: &Case,
    engine: &'static str,
    ms: f64,
    result: Result<ScanOutcome, String>,
    frames: Option<usize>,
) -> Result<(), String> {
    let (texts, problem, error) = match result {
        Ok(outcome) => (
            outcome.codes.into_iter().map(|c| c.text).collect(),
            outcome.problem.map(|p| format!("{p:?}")),
            None,
        ),
        Err(e) => (Vec::new(), None, Some(e)),
    };
    let row = Row {
        set: &case.set,
        file: &case.file,
        engine,
        ms,
        codes: case.codes,
        correct: score(case, &texts),
        texts,
        problem,
        error,
        frames,
    };
    println!(
        "{}",
        serde_json::to_string(&row).map_err(|e| e.to_string())?
    );
    Ok(())
}

fn main() {
    // rqrr panics on some inputs; the scanner contains them, keep stderr quiet.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::List(sets) => gather(&sets).and_then(|cases| {
            for case in cases {
                println!(
                    "{}",
                    serde_json::to_string(&case).map_err(|e| e.to_string())?
                );
            }
            Ok(())
        }),
        Command::Run { engine, sets } => run(engine, &sets),
        Command::Gen(args) => generate::generate(&args),
    };
    if let Err(e) = result {
        eprintln!("scan-bench: {e}");
        std::process::exit(1);
    }
}
