//! Conformance vector generation: `cargo xtask vectors [--check]`.
//!
//! Everything is derived from fixed seeds (keys from `SHA-256("touchmark-vectors/" ||
//! label)`, fixed cosignature times, deterministic Ed25519 and PNG encoding), so
//! regenerating gives the same bytes. Expected verdicts are written by hand in
//! [`cases`], never computed by the verifier under test.

mod actors;
mod cases;
mod images;
mod writer;

use std::path::{Path, PathBuf};

use writer::VectorWriter;

/// The generated parts of `test-vectors/` (the rest is hand-written or owned by
/// the scanner's image generator).
pub const GENERATED: &[&str] = &["manifest.json", "keys", "trust", "ledger", "cases"];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Regenerates or checks `test-vectors/`.
pub fn run(args: &[String]) -> Result<(), String> {
    let target = repo_root().join("test-vectors");
    match args.first().map(String::as_str) {
        None => {
            for part in GENERATED {
                let path = target.join(part);
                if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                } else if path.exists() {
                    std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                }
            }
            let count = generate(&target)?;
            println!("wrote {count} cases to {}", target.display());
            Ok(())
        }
        Some("--check") => {
            let scratch =
                std::env::temp_dir().join(format!("touchmark-vectors-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&scratch);
            generate(&scratch)?;
            let differences = writer::compare_trees(&scratch, &target, GENERATED)?;
            let _ = std::fs::remove_dir_all(&scratch);
            if differences.is_empty() {
                println!("test-vectors/ is up to date");
                Ok(())
            } else {
                Err(format!(
                    "regenerating changes test-vectors/ (run `cargo xtask vectors`):\n  {}",
                    differences.join("\n  ")
                ))
            }
        }
        Some(other) => Err(format!("unknown option {other}")),
    }
}

fn generate(root: &Path) -> Result<usize, String> {
    let mut out = VectorWriter::new(root);
    let world = actors::World::build(&mut out)?;
    cases::write_all(&world, &mut out)?;
    out.finish()
}

#[cfg(test)]
mod tests {
    /// The committed vectors must be exactly what the generator makes from its seeds.
    #[test]
    fn committed_vectors_are_up_to_date() {
        super::run(&["--check".to_owned()]).unwrap_or_else(|e| panic!("{e}"));
    }
}
