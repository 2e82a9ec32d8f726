//! Conformance vector generation.

/// Regenerates or checks `test-vectors/`.
pub fn run(_args: &[String]) -> Result<(), String> {
    Err("not available yet".into())
}
