//! Generating the Kotlin and Swift sources with the workspace's own
//! `uniffi-bindgen`, and the drift check.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::util::{run, target_dir};

/// What a generation built.
pub struct Built {
    /// The host shared library (debug profile) the sources were generated from.
    pub library: PathBuf,
}

/// Each flavour: the language, where its committed sources live under
/// `bindings/` (in `<dir>/generated`), and an optional global uniffi config
/// (relative to `bindings/`) layered over `bindings/uniffi.toml`.
const FLAVOURS: [(&str, &str, Option<&str>); 3] = [
    ("kotlin", "kotlin", None),
    ("kotlin", "android", Some("android/uniffi-android.toml")),
    ("swift", "swift", None),
];

/// Builds the library and bindgen, generates into a scratch directory, then
/// writes the committed sources (or, with `check`, compares them).
pub fn generate(root: &Path, check: bool) -> Result<Built, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(&cargo).current_dir(root).args([
        "build",
        "--quiet",
        "-p",
        "touchmark-ffi",
        "--features",
        "cli",
        "--lib",
        "--bin",
        "uniffi-bindgen",
    ]))?;
    let debug = target_dir(root).join("debug");
    let library = debug.join(format!(
        "{}touchmark_ffi{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    let bindgen = debug.join(format!("uniffi-bindgen{}", std::env::consts::EXE_SUFFIX));
    let scratch = target_dir(root).join("bindings-generated");
    let _ = fs::remove_dir_all(&scratch);

    let mut drift = Vec::new();
    for (language, dir, config) in FLAVOURS {
        let out = scratch.join(dir);
        let mut command = Command::new(&bindgen);
        command.current_dir(root.join("bindings")).args([
            "generate".as_ref(),
            "--library".as_ref(),
            library.as_os_str(),
            "--language".as_ref(),
            language.as_ref(),
            "--no-format".as_ref(),
            "--out-dir".as_ref(),
            out.as_os_str(),
        ]);
        if let Some(config) = config {
            command
                .arg("--config")
                .arg(root.join("bindings").join(config));
        }
        run(&mut command)?;
        if language == "kotlin" {
            check_kotlin_checksums(&out)?;
        }
        let committed = root.join("bindings").join(dir).join("generated");
        let fresh = read_tree(&out)?;
        if check {
            let old = read_tree(&committed).unwrap_or_default();
            drift.extend(diff(&old, &fresh, &committed));
        } else {
            let _ = fs::remove_dir_all(&committed);
            for (rel, bytes) in &fresh {
                let path = committed.join(rel);
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
                }
                fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            println!("bindings: wrote {}", committed.display());
        }
    }
    if !drift.is_empty() {
        return Err(format!(
            "generated bindings differ from the committed ones (API drift); run `cargo xtask bindings` and commit, updating bindings/API.md:\n  {}",
            drift.join("\n  ")
        ));
    }
    if check {
        println!("bindings: committed Kotlin (JVM, Android) and Swift sources are up to date");
    }
    Ok(Built { library })
}

/// The known uniffi 0.31/0.32 Android problem: checksums are `u16` but Kotlin
/// compares them as signed `Short`, so any checksum ≥ 0x8000 fails at load time
/// on Android unless the comparison masks with `and 0xFFFF` (or checksums are
/// omitted). Fail generation when neither holds.
fn check_kotlin_checksums(out: &Path) -> Result<(), String> {
    for (rel, bytes) in read_tree(out)? {
        let text = String::from_utf8_lossy(&bytes);
        let comparisons: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("uniffi_touchmark_ffi_checksum_"))
            .filter(|l| l.contains("!="))
            .collect();
        if let Some(bad) = comparisons.iter().find(|l| !l.contains("and 0xFFFF")) {
            return Err(format!(
                "{}: checksum comparison without `and 0xFFFF` masking (Android checksum bug): {}",
                rel.display(),
                bad.trim()
            ));
        }
    }
    Ok(())
}

fn read_tree(dir: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>, String> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = fs::read_dir(&current).map_err(|e| format!("{}: {e}", current.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                let rel = path.strip_prefix(dir).map_err(|e| e.to_string())?;
                files.insert(rel.to_path_buf(), bytes);
            }
        }
    }
    Ok(files)
}

fn diff(
    old: &BTreeMap<PathBuf, Vec<u8>>,
    new: &BTreeMap<PathBuf, Vec<u8>>,
    base: &Path,
) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, bytes) in new {
        match old.get(rel) {
            None => out.push(format!("missing: {}", base.join(rel).display())),
            Some(old_bytes) if old_bytes != bytes => {
                out.push(format!("changed: {}", base.join(rel).display()))
            }
            Some(_) => {}
        }
    }
    for rel in old.keys().filter(|rel| !new.contains_key(*rel)) {
        out.push(format!("stale: {}", base.join(rel).display()));
    }
    out
}
