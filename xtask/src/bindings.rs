//! Binding generation and the Kotlin and Swift test runs.
//!
//! - `bindings [--check]`: builds `touchmark-ffi` and its `uniffi-bindgen`, generates
//!   Kotlin and Swift into `bindings/kotlin/` and `bindings/swift/` (or, with
//!   `--check`, fails when the committed sources differ from a fresh generation).
//! - `test-kotlin`: the drift check, then the Kotlin vector suite on the JVM.
//! - `test-swift`: the drift check, then the Swift vector suite in a Debian chroot.
//!
//! Toolchains come from `ci/install-kotlin.sh` and `ci/install-swift.sh`; a missing
//! toolchain is an error, never a silent skip.

mod generate;
mod kotlin;
mod swift;
mod util;

/// Runs `bindings`, `test-kotlin` or `test-swift` (`args[0]` is the task name).
pub fn run(args: &[String]) -> Result<(), String> {
    let root = util::workspace_root();
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("bindings") => {
            let check = match rest {
                [] => false,
                [flag] if flag == "--check" => true,
                _ => return Err(format!("bindings: unexpected arguments {rest:?}")),
            };
            generate::generate(&root, check).map(|_| ())
        }
        Some("test-kotlin") => {
            let built = generate::generate(&root, true)?;
            kotlin::run(&root, &built)
        }
        Some("test-swift") => {
            let built = generate::generate(&root, true)?;
            swift::run(&root, &built)
        }
        other => Err(format!("unknown bindings task {other:?}")),
    }
}
