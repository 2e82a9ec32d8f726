//! Seeded synthetic photos of certificate and hallmark codes.

/// Arguments of `scan-bench gen`.
#[derive(clap::Args)]
pub struct GenArgs {
    /// Output folder (the manifest goes to `manifest.json` inside).
    #[arg(long)]
    pub out: std::path::PathBuf,
}

/// Writes the set.
pub fn generate(_args: &GenArgs) -> Result<(), String> {
    Err("not yet".into())
}
