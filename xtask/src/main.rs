//! Developer tasks. Run `cargo xtask help`.

mod bindings;
mod vectors;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <task>

  vectors          regenerate test-vectors/ from fixed seeds
  vectors --check  fail if regenerating would change test-vectors/
  bindings         regenerate the Kotlin and Swift bindings under bindings/
  bindings --check fail if regenerating would change the committed bindings
  test-kotlin      compile the generated Kotlin + its test suite and run it on the JVM
  test-swift       compile the generated Swift + its test suite and run it (Debian chroot)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("vectors") => vectors::run(rest),
        Some("bindings") | Some("test-kotlin") | Some("test-swift") => bindings::run(&args),
        _ => {
            print!("{HELP}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
