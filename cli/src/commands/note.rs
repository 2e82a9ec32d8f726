//! `touchmark note verify`.

use touchmark::note::Note;

use crate::failure::{CommandResult, Failure};
use crate::{files, NoteVerifyArgs};

/// Runs `note verify`: exit 0 when a known key verified the note, 1 when rejected.
pub fn run(args: &NoteVerifyArgs) -> CommandResult {
    let keys = args
        .keys
        .iter()
        .map(|k| files::verifier_key(k))
        .collect::<Result<Vec<_>, _>>()?;
    let bytes = files::read(&args.file)?;
    let verified = Note::parse(&bytes)
        .and_then(|note| note.verify(&keys))
        .map_err(|e| Failure::rejected(format!("{}: {e}", args.file.display())))?;
    for sig in &verified.verified {
        match sig.timestamp {
            Some(t) => println!("verified: {} (cosigned at {t})", sig.key.name()),
            None => println!("verified: {}", sig.key.name()),
        }
    }
    for (name, id) in &verified.unknown {
        println!("ignored: {name} ({id:08x}, unknown key)");
    }
    Ok(0)
}
