//! `cargo xtask test-kotlin`: compiles the committed generated Kotlin plus the
//! suite in `bindings/kotlin/tests/` with `kotlinc` and runs it on the JVM against
//! the host library, over `test-vectors/` and the FFI crate's own fixtures.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::generate::Built;
use super::util::{check_summary, run as run_cmd, run_tee, target_dir, tools_dir, vectors_dir};

const INSTALL: &str = "install it with `bash ci/install-kotlin.sh` (as root)";

struct Toolchain {
    kotlinc: PathBuf,
    classpath: Vec<PathBuf>,
}

fn toolchain() -> Result<Toolchain, String> {
    let home = std::env::var_os("KOTLIN_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| tools_dir().join("kotlin"));
    let kotlinc = home.join("bin/kotlinc");
    let jna = std::env::var_os("JNA_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/java/jna.jar"));
    let classpath = vec![
        home.join("lib/kotlin-stdlib.jar"),
        home.join("lib/kotlinx-coroutines-core-jvm.jar"),
        jna,
    ];
    for needed in std::iter::once(&kotlinc).chain(&classpath) {
        if !needed.is_file() {
            return Err(format!(
                "Kotlin toolchain missing: {} not found; {INSTALL}",
                needed.display()
            ));
        }
    }
    if Command::new("java").arg("-version").output().is_err() {
        return Err(format!(
            "Kotlin toolchain missing: no `java` on PATH; {INSTALL}"
        ));
    }
    Ok(Toolchain { kotlinc, classpath })
}

/// Writes the FFI crate's fixtures (trust bundle with a ledger URL, checkpoint…)
/// for the API tests beyond the vectors.
pub fn fixtures(root: &Path) -> Result<PathBuf, String> {
    let dir = target_dir(root).join("ffi-fixtures");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run_cmd(Command::new(cargo).current_dir(root).args([
        "run".as_ref(),
        "--quiet".as_ref(),
        "-p".as_ref(),
        "touchmark-ffi".as_ref(),
        "--example".as_ref(),
        "dev_vectors".as_ref(),
        "--".as_ref(),
        dir.as_os_str(),
    ]))?;
    Ok(dir)
}

fn join(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(":")
}

/// Runs the Kotlin suite.
pub fn run(root: &Path, built: &Built) -> Result<(), String> {
    let tools = toolchain()?;
    let vectors = vectors_dir(root)?;
    let fixtures = fixtures(root)?;
    let out = target_dir(root).join("kotlin-tests");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let jar = out.join("touchmark-kotlin-tests.jar");
    let generated = root.join("bindings/kotlin/generated/org/touchmark/touchmark.kt");
    let suite = root.join("bindings/kotlin/tests/VectorSuite.kt");
    println!("test-kotlin: compiling the generated bindings and the suite with kotlinc");
    run_cmd(
        Command::new(&tools.kotlinc)
            .arg("-nowarn")
            .arg("-cp")
            .arg(join(&tools.classpath))
            .arg("-d")
            .arg(&jar)
            .arg(&generated)
            .arg(&suite),
    )?;
    let library_dir = built
        .library
        .parent()
        .ok_or("library has no directory")?
        .to_path_buf();
    let mut classpath = vec![jar];
    classpath.extend(tools.classpath);
    println!(
        "test-kotlin: running on the JVM against {}",
        built.library.display()
    );
    let stdout = run_tee(
        Command::new("java")
            .arg(format!("-Djna.library.path={}", library_dir.display()))
            .arg("-cp")
            .arg(join(&classpath))
            .arg("org.touchmark.tests.VectorSuiteKt")
            .arg(&vectors)
            .arg(&fixtures),
    )?;
    check_summary("kotlin", &stdout)
}
