//! Writing vector files and the manifest, and comparing trees for `--check`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// The manifest format name.
pub const MANIFEST_FORMAT: &str = "touchmark-vectors/v1";

/// Collects files and cases under a root directory.
pub struct VectorWriter {
    root: PathBuf,
    header: serde_json::Map<String, Value>,
    cases: Vec<Value>,
    names: BTreeSet<String>,
}

impl VectorWriter {
    /// A writer for `root`.
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
            header: serde_json::Map::new(),
            cases: vec![],
            names: BTreeSet::new(),
        }
    }

    /// The output root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Sets a manifest header field.
    pub fn header(&mut self, key: &str, value: Value) {
        self.header.insert(key.to_owned(), value);
    }

    /// Writes `bytes` at `rel` (relative to the root) and returns `rel`.
    pub fn file(&mut self, rel: &str, bytes: &[u8]) -> Result<String, String> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(rel.to_owned())
    }

    /// Adds a case; names must be unique.
    pub fn case(&mut self, case: Value) -> Result<(), String> {
        let name = case["name"].as_str().unwrap_or_default().to_owned();
        if !self.names.insert(name.clone()) {
            return Err(format!("duplicate case name {name}"));
        }
        self.cases.push(case);
        Ok(())
    }

    /// Writes `manifest.json` and returns the number of cases.
    pub fn finish(mut self) -> Result<usize, String> {
        let count = self.cases.len();
        let mut manifest = json!({ "format": MANIFEST_FORMAT });
        if let Some(obj) = manifest.as_object_mut() {
            obj.extend(std::mem::take(&mut self.header));
            obj.insert(
                "cases".into(),
                Value::Array(std::mem::take(&mut self.cases)),
            );
        }
        let mut text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
        text.push('\n');
        self.file("manifest.json", text.as_bytes())?;
        Ok(count)
    }
}

fn list_files(root: &Path, rel: &Path, out: &mut BTreeSet<PathBuf>) {
    let dir = root.join(rel);
    if dir.is_file() {
        out.insert(rel.to_owned());
        return;
    }
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        list_files(root, &rel.join(entry.file_name()), out);
    }
}

/// Lists the relative paths under `parts` that differ between two trees.
pub fn compare_trees(
    fresh: &Path,
    committed: &Path,
    parts: &[&str],
) -> Result<Vec<String>, String> {
    let (mut a, mut b) = (BTreeSet::new(), BTreeSet::new());
    for part in parts {
        list_files(fresh, Path::new(part), &mut a);
        list_files(committed, Path::new(part), &mut b);
    }
    let mut differences = Vec::new();
    for path in a.union(&b) {
        let left = std::fs::read(fresh.join(path)).ok();
        let right = std::fs::read(committed.join(path)).ok();
        match (left, right) {
            (Some(l), Some(r)) if l == r => {}
            (None, _) => differences.push(format!("{} (stale, not generated)", path.display())),
            (_, None) => differences.push(format!("{} (missing)", path.display())),
            _ => differences.push(format!("{} (differs)", path.display())),
        }
    }
    Ok(differences)
}
