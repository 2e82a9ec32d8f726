//! Binding generation and the Kotlin and Swift test runs.

/// Runs `bindings`, `test-kotlin` or `test-swift` (`args[0]` is the task name).
pub fn run(args: &[String]) -> Result<(), String> {
    Err(format!("{:?}: not available yet", args.first()))
}
