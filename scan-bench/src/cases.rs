//! Test cases: an image file and the texts it holds, gathered from the public
//! zxing / zxing-cpp sample folders or from a synthetic manifest.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One image and what it should read as.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Case {
    /// The set it belongs to (for the table).
    pub set: String,
    /// The image file.
    pub file: PathBuf,
    /// The texts it holds. Empty with `codes > 0` when the texts are not known.
    pub expected: Vec<String>,
    /// How many codes the image holds.
    pub codes: usize,
    /// The conditions a synthetic image was made under (empty for public
    /// photos), for the per-condition table of `compare.py`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
}

/// Gathers a zxing-style blackbox folder: `<dir>/<subset>/N.<ext>` with `N.txt`.
/// Images without a `.txt` are skipped, except `multi-qrcode-*` folders, whose
/// single image holds four codes of unpublished text.
pub fn blackbox(set: &str, dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let Ok(subsets) = fs::read_dir(dir) else {
        return cases;
    };
    let mut subsets: Vec<PathBuf> = subsets.filter_map(|e| e.ok().map(|e| e.path())).collect();
    subsets.sort();
    for subset in subsets.iter().filter(|p| p.is_dir()) {
        let name = subset
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let multi = name.starts_with("multi-");
        let Ok(files) = fs::read_dir(subset) else {
            continue;
        };
        let mut files: Vec<PathBuf> = files.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for file in files {
            let ext = file
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if !matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "webp") {
                continue;
            }
            let txt = file.with_extension("txt");
            if let Ok(text) = fs::read(&txt) {
                let text = String::from_utf8_lossy(&text).into_owned();
                cases.push(Case {
                    set: set.to_string(),
                    file,
                    expected: vec![text],
                    codes: 1,
                    conditions: Vec::new(),
                });
            } else if multi {
                cases.push(Case {
                    set: set.to_string(),
                    file,
                    expected: Vec::new(),
                    codes: 4,
                    conditions: Vec::new(),
                });
            }
        }
    }
    cases
}

/// The manifest of a synthetic set (see `generate`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// The images.
    pub images: Vec<ManifestEntry>,
}

/// One synthetic image.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// File name, relative to the manifest.
    pub file: String,
    /// The texts it holds.
    pub expected: Vec<String>,
    /// Where each code lies, in the order of `expected`: its modules' outer
    /// corners (top-left, top-right, bottom-right, bottom-left), in pixels.
    #[serde(default)]
    pub corners: Vec<[[f64; 2]; 4]>,
    /// The conditions it was made under (for reading the results).
    pub conditions: Vec<String>,
    /// The group it belongs to: `certificate`, `hallmark` or `pair`.
    pub group: String,
}

/// Reads a synthetic manifest; each group becomes a set named `<set>-<group>`.
pub fn synthetic(set: &str, manifest: &Path) -> Result<Vec<Case>, String> {
    let text = fs::read_to_string(manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let parsed: Manifest =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let base = manifest.parent().unwrap_or(Path::new("."));
    Ok(parsed
        .images
        .into_iter()
        .map(|entry| Case {
            set: format!("{set}-{}", entry.group),
            file: base.join(&entry.file),
            codes: entry.expected.len(),
            expected: entry.expected,
            conditions: entry.conditions,
        })
        .collect())
}
