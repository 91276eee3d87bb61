//! What an export says about itself: `manifest.json` (every task, image and collection, which
//! an import reads back) and one [`ImageMetadata`] per image, embedded in the file and
//! written beside it as `<name>.json` for other tools.

use atelier_providers::{ProviderKind, Task};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `format` word of a manifest.
pub const MANIFEST_FORMAT: &str = "atelier-export";
/// The manifest version this build writes and reads.
pub const MANIFEST_VERSION: u32 = 1;
/// The manifest's file name at the top of an export.
pub const MANIFEST_FILE: &str = "manifest.json";
/// Where an export keeps the thumbnails (so an import need not decode every image): a
/// `.thumbnails/` folder inside a zip export; a folder export packs them into one
/// [`THUMBNAILS_PACK`] instead (one file rather than one per image, which costs a file
/// system far more than the bytes).
pub const THUMBNAILS_DIR: &str = ".thumbnails";
/// The one file (a zip, images stored as they are) holding a folder export's thumbnails.
pub const THUMBNAILS_PACK: &str = ".thumbnails.zip";

/// The whole export: written last, so an export with a manifest is a complete one.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// [`MANIFEST_VERSION`] when written.
    pub version: u32,
    /// When the export was made.
    pub exported_at: DateTime<Utc>,
    /// The Atelier that wrote it ("Atelier 0.1.0").
    pub app: String,
    /// Every task an image belongs to, each once.
    pub tasks: Vec<ExportedTask>,
    /// Every image, in the order exported.
    pub images: Vec<ImageMetadata>,
    /// The collections any exported image is in, by name.
    pub collections: Vec<String>,
}

/// A task as the library keeps it, enough to record it again.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ExportedTask {
    /// The task (its `createdAt` always set).
    pub task: Task,
    /// Made in demo mode.
    pub demo: bool,
}

/// One step up an image's lineage.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LineageStep {
    /// The ancestor task.
    pub task_id: String,
    /// What made it ("Imagine", "Upscale 2"...), when that task is in the library.
    pub kind_label: Option<String>,
}

/// Everything known about one exported image.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ImageMetadata {
    /// The image's file name in the export.
    pub file: String,
    /// Its thumbnail's name in [`THUMBNAILS_DIR`] or [`THUMBNAILS_PACK`], when the library
    /// had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
    /// The task that made it.
    pub task_id: String,
    /// Which image of the task: "grid", "single-1".."single-4", "result".
    pub slot: String,
    /// "grid", "single" or "upscale".
    pub kind: String,
    /// What made the task, in words.
    pub kind_label: String,
    /// The prompt, when known.
    pub prompt: Option<String>,
    /// The prompt's `--` parameters ("ar" -> "16:9"; a flag without a value maps to "").
    pub parameters: BTreeMap<String, String>,
    /// Where it was made.
    pub provider: ProviderKind,
    /// The model, when known.
    pub model: Option<String>,
    /// The task's parent, grandparent... (nearest first).
    pub parent_chain: Vec<LineageStep>,
    /// When the task was made.
    pub created_at: DateTime<Utc>,
    /// Marked as a favorite.
    pub favorite: bool,
    /// The collections it is in, by name.
    pub collections: Vec<String>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The original's size in bytes (before metadata was embedded).
    pub bytes: u64,
    /// The original's CRC-32, which an import checks to restore it byte for byte.
    pub original_crc32: u32,
    /// Whether the metadata is inside the file too (not for GIF, or a file with XMP).
    pub embedded: bool,
    /// Made in demo mode.
    pub demo: bool,
}

/// The `--name value` parameters of a Midjourney prompt. A repeated name keeps its last
/// value; a name without a value (`--tile`) maps to "".
pub fn prompt_parameters(prompt: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut name: Option<String> = None;
    let mut value: Vec<&str> = Vec::new();
    let mut flush = |name: &mut Option<String>, value: &mut Vec<&str>| {
        if let Some(n) = name.take() {
            out.insert(n, value.join(" "));
        }
        value.clear();
    };
    let mut in_params = false;
    for token in prompt.split_whitespace() {
        if let Some(n) = token
            .strip_prefix("--")
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            flush(&mut name, &mut value);
            name = Some(n.to_ascii_lowercase());
            in_params = true;
        } else if in_params && name.is_some() {
            value.push(token);
        }
    }
    flush(&mut name, &mut value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_read_from_the_prompt() {
        let p = prompt_parameters(
            "a fox --ar 16:9 --v 7 --sref https://x/y.png 123 --tile --no red, blue",
        );
        assert_eq!(p["ar"], "16:9");
        assert_eq!(p["v"], "7");
        assert_eq!(p["sref"], "https://x/y.png 123");
        assert_eq!(p["tile"], "");
        assert_eq!(p["no"], "red, blue");
        assert!(prompt_parameters("no params -- here").is_empty());
    }
}
