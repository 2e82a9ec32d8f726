//! `cargo xtask test-swift`: compiles the committed generated Swift plus the
//! suite in `bindings/swift/tests/` with `swiftc` inside the cached Debian trixie
//! chroot (Swift 6.0 from `swiftlang`, see `ci/install-swift.sh`) and runs it
//! against the host library, over `test-vectors/` and the FFI crate's fixtures.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::generate::Built;
use super::kotlin::fixtures;
use super::util::{check_summary, run as run_cmd, run_tee, tools_dir, vectors_dir};

const INSTALL: &str = "install it with `bash ci/install-swift.sh` (as root)";
/// The work directory, as seen inside the chroot.
const WORK: &str = "/tmp/touchmark-swift";

/// Mounts `/proc` in the chroot for as long as it lives (swiftc needs it), and
/// unmounts it afterwards if it was not mounted before.
struct ProcMount {
    proc_dir: PathBuf,
    mounted_here: bool,
}

impl ProcMount {
    fn new(chroot: &Path) -> Result<Self, String> {
        let proc_dir = chroot.join("proc");
        let already = proc_dir.join("self").exists();
        if !already {
            run_cmd(
                Command::new("mount")
                    .args(["-t", "proc", "proc"])
                    .arg(&proc_dir),
            )?;
        }
        Ok(Self {
            proc_dir,
            mounted_here: !already,
        })
    }
}

impl Drop for ProcMount {
    fn drop(&mut self) {
        if self.mounted_here {
            let _ = Command::new("umount").arg(&self.proc_dir).status();
        }
    }
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().ok_or("entry without a name")?;
        if path.is_dir() {
            copy_tree(&path, &to.join(name))?;
        } else {
            fs::copy(&path, to.join(name)).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copy {} -> {}: {e}", from.display(), to.display()))
}

/// Runs the Swift suite.
pub fn run(root: &Path, built: &Built) -> Result<(), String> {
    let chroot = tools_dir().join("swift-trixie");
    if !chroot.join(".touchmark-swift-ready").is_file() || !chroot.join("usr/bin/swiftc").is_file()
    {
        return Err(format!(
            "Swift toolchain missing: no ready chroot at {}; {INSTALL}",
            chroot.display()
        ));
    }
    let vectors = vectors_dir(root)?;
    let fixtures = fixtures(root)?;

    let work = chroot.join(WORK.trim_start_matches('/'));
    let _ = fs::remove_dir_all(&work);
    let (src, lib) = (work.join("src"), work.join("lib"));
    for dir in [&src, &lib] {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let generated = root.join("bindings/swift/generated");
    for name in [
        "Touchmark.swift",
        "TouchmarkFFI.h",
        "TouchmarkFFI.modulemap",
    ] {
        copy(&generated.join(name), &src.join(name))?;
    }
    copy(
        &root.join("bindings/swift/tests/main.swift"),
        &src.join("main.swift"),
    )?;
    let library_name = built
        .library
        .file_name()
        .ok_or("library without a file name")?;
    copy(&built.library, &lib.join(library_name))?;
    copy_tree(&vectors, &work.join("vectors"))?;
    copy_tree(&fixtures, &work.join("fixtures"))?;

    let _proc = ProcMount::new(&chroot)?;
    println!(
        "test-swift: compiling the generated bindings and the suite with swiftc (chroot {})",
        chroot.display()
    );
    run_cmd(Command::new("chroot").arg(&chroot).args([
        "/usr/bin/swiftc",
        "-module-name",
        "TouchmarkTests",
        "-suppress-warnings",
        "-I",
        &format!("{WORK}/src"),
        "-Xcc",
        &format!("-fmodule-map-file={WORK}/src/TouchmarkFFI.modulemap"),
        "-L",
        &format!("{WORK}/lib"),
        "-ltouchmark_ffi",
        &format!("{WORK}/src/Touchmark.swift"),
        &format!("{WORK}/src/main.swift"),
        "-o",
        &format!("{WORK}/runner"),
    ]))?;
    println!("test-swift: running against {}", built.library.display());
    let stdout = run_tee(Command::new("chroot").arg(&chroot).args([
        "/usr/bin/env",
        &format!("LD_LIBRARY_PATH={WORK}/lib"),
        &format!("{WORK}/runner"),
        &format!("{WORK}/vectors"),
        &format!("{WORK}/fixtures"),
    ]))?;
    check_summary("swift", &stdout)
}
