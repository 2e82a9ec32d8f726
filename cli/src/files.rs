//! Reading and writing files with errors that name the file.

use std::path::Path;

use touchmark::keys::{SignerKey, VerifierKey};

use crate::failure::Failure;

/// Reads a file's bytes.
pub fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))
}

/// Reads a UTF-8 text file.
pub fn read_text(path: &Path) -> Result<String, Failure> {
    String::from_utf8(read(path)?)
        .map_err(|_| Failure::input(format!("{} is not UTF-8 text", path.display())))
}

/// Writes a file, creating parent directories.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::input(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, bytes)
        .map_err(|e| Failure::input(format!("cannot write {}: {e}", path.display())))
}

/// Parses a vkey given literally or as a file containing it.
pub fn verifier_key(arg: &str) -> Result<VerifierKey, Failure> {
    let text = if Path::new(arg).is_file() {
        read_text(Path::new(arg))?
    } else {
        arg.to_owned()
    };
    VerifierKey::parse(text.trim())
        .map_err(|e| Failure::input(format!("bad verifier key {arg}: {e}")))
}

/// Reads an skey file.
pub fn signer_key(path: &Path) -> Result<SignerKey, Failure> {
    let text = read_text(path)?;
    SignerKey::parse(text.trim())
        .map_err(|e| Failure::input(format!("bad signer key in {}: {e}", path.display())))
}
