//! Paths and process helpers.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}

/// Cargo's target directory (honours `CARGO_TARGET_DIR`).
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        }
        None => root.join("target"),
    }
}

/// The cache root of the installed toolchains (see `ci/install-*.sh`).
pub fn tools_dir() -> PathBuf {
    std::env::var_os("TOUCHMARK_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/cache/touchmark"))
}

/// The conformance vectors: `$TOUCHMARK_VECTORS` or `test-vectors/`.
pub fn vectors_dir(root: &Path) -> Result<PathBuf, String> {
    let dir = std::env::var_os("TOUCHMARK_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("test-vectors"));
    if dir.join("manifest.json").is_file() {
        Ok(dir)
    } else {
        Err(format!(
            "{} not found: the vector suites need the conformance vectors",
            dir.join("manifest.json").display()
        ))
    }
}

/// Runs a command, failing with its description when it does not succeed.
pub fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

/// Runs a command and returns its standard output, echoing it, failing when the
/// command fails.
pub fn run_tee(command: &mut Command) -> Result<String, String> {
    let shown = format!("{command:?}");
    let output = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    print!("{stdout}");
    if output.status.success() {
        Ok(stdout)
    } else {
        Err(format!("{shown} failed with {}", output.status))
    }
}

/// Checks the runner's closing `N passed, M failed` line and that it ran cases.
pub fn check_summary(language: &str, stdout: &str) -> Result<(), String> {
    let last = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let numbers: Vec<u64> = last
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers.as_slice() {
        [passed, 0] if *passed > 0 && last.contains("passed") => Ok(()),
        [_, failed] if last.contains("failed") => Err(format!("{language}: {failed} failed")),
        _ => Err(format!("{language}: no summary line (got {last:?})")),
    }
}
