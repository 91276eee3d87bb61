//! Writing images of a library out: originals byte for byte plus embedded metadata, a JSON
//! sidecar per image, thumbnails, and `manifest.json` last.

use crate::embed::{embed, Container, Embedding};
use crate::error::{Result, TransferError};
use crate::manifest::{
    prompt_parameters, ExportedTask, ImageMetadata, LineageStep, Manifest, MANIFEST_FILE,
    MANIFEST_FORMAT, MANIFEST_VERSION,
};
use crate::names::NameBook;
use crate::store::{ExportFormat, ExportTarget};
use atelier_library::{GalleryItem, Library, StoredTask};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use ts_rs::TS;

/// The deepest lineage an export follows (a guard against a loop in bad data).
const MAX_LINEAGE: usize = 256;

/// What to export and where.
#[derive(Clone, Debug)]
pub struct ExportRequest {
    /// The images, in order.
    pub image_ids: Vec<i64>,
    /// The folder the export goes into.
    pub dir: PathBuf,
    /// The export's name (a folder name, or a zip name without `.zip`).
    pub name: String,
    /// Folder or zip.
    pub format: ExportFormat,
    /// Written into the manifest ("Atelier 0.1.0").
    pub app: String,
}

/// How an export ended.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ExportOutcome {
    /// Where it is (empty when cancelled: nothing is left).
    pub path: String,
    /// Images written.
    #[ts(type = "number")]
    pub images: u64,
    /// Bytes of image data written.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Images left out, each with the reason in words (an original missing from disk).
    pub problems: Vec<String>,
    /// Stopped by a cancel; nothing was kept.
    pub cancelled: bool,
}

/// Reads what the library knows about tasks, once per task.
struct TaskBook<'a> {
    library: &'a Library,
    tasks: HashMap<String, Option<StoredTask>>,
}

impl TaskBook<'_> {
    fn get(&mut self, id: &str) -> Result<Option<&StoredTask>> {
        if !self.tasks.contains_key(id) {
            let task = self.library.get_task(id)?;
            self.tasks.insert(id.to_string(), task);
        }
        Ok(self.tasks.get(id).and_then(Option::as_ref))
    }

    fn lineage(&mut self, parent: Option<&str>) -> Result<Vec<LineageStep>> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut next = parent.map(str::to_string);
        while let Some(id) = next.take() {
            if out.len() >= MAX_LINEAGE || !seen.insert(id.clone()) {
                break;
            }
            let task = self.get(&id)?;
            let kind_label = task.map(|t| t.task.kind.label());
            next = task.and_then(|t| t.task.parent_id.clone());
            out.push(LineageStep {
                task_id: id,
                kind_label,
            });
        }
        Ok(out)
    }
}

/// Exports `request.image_ids`. `progress(done, total)` is called after every image;
/// `cancel` is checked before each one, and a cancelled or failed export removes all it wrote.
pub fn export_images(
    library: &Library,
    request: &ExportRequest,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ExportOutcome> {
    if request.image_ids.is_empty() {
        return Err(TransferError::InvalidInput(
            "There is nothing to export: select some images first.".into(),
        ));
    }
    let mut target = ExportTarget::create(&request.dir, &request.name, request.format)?;
    match write_all(library, request, &mut target, cancel, progress) {
        Ok(Some(mut outcome)) => {
            outcome.path = target.finish()?.display().to_string();
            Ok(outcome)
        }
        Ok(None) => {
            target.abort();
            Ok(ExportOutcome {
                path: String::new(),
                images: 0,
                bytes: 0,
                problems: Vec::new(),
                cancelled: true,
            })
        }
        Err(e) => {
            target.abort();
            Err(e)
        }
    }
}

/// Writes every file but does not finish; `None` when cancelled.
fn write_all(
    library: &Library,
    request: &ExportRequest,
    target: &mut ExportTarget,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Option<ExportOutcome>> {
    let total = request.image_ids.len() as u64;
    let collection_names: HashMap<i64, String> = library
        .collections()?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let mut tasks = TaskBook {
        library,
        tasks: HashMap::new(),
    };
    let mut names = NameBook::default();
    names.claim("manifest", "json");
    let mut manifest = Manifest {
        format: MANIFEST_FORMAT.into(),
        version: MANIFEST_VERSION,
        exported_at: chrono::Utc::now(),
        app: request.app.clone(),
        tasks: Vec::new(),
        images: Vec::with_capacity(request.image_ids.len()),
        collections: Vec::new(),
    };
    let mut exported_tasks = HashSet::new();
    let mut used_collections = HashSet::new();
    let mut outcome = ExportOutcome {
        path: String::new(),
        images: 0,
        bytes: 0,
        problems: Vec::new(),
        cancelled: false,
    };
    for (done, &image_id) in request.image_ids.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let Some(item) = library.get_image(image_id)? else {
            continue; // deleted since it was selected
        };
        let original = match std::fs::read(&item.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                outcome.problems.push(format!(
                    "The original of an image of task {} is missing from the library folder, so it was left out.",
                    item.task_id
                ));
                continue;
            }
            Err(e) => return Err(TransferError::io(Path::new(&item.path), e)),
        };
        let Some(stored) = tasks.get(&item.task_id)?.cloned() else {
            continue; // deleted since it was selected
        };
        let collections = library
            .image_collections(item.image_id)?
            .into_iter()
            .filter_map(|id| collection_names.get(&id).cloned())
            .collect::<Vec<_>>();
        let parent_chain = tasks.lineage(stored.task.parent_id.as_deref())?;
        let fallback_ext = Path::new(&item.path)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("bin")
            .to_ascii_lowercase();
        let ext = Container::sniff(&original).extension(&fallback_ext);
        let file = names.item_name(&item, &ext);
        let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s);
        let thumbnail = item
            .thumb_path
            .as_deref()
            .and_then(|p| std::fs::read(p).ok())
            .map(|bytes| (format!("{stem}.jpg"), bytes));
        let mut meta = metadata(&item, &original, collections, parent_chain, file.clone());
        meta.thumbnail = thumbnail.as_ref().map(|(name, _)| name.clone());
        let json = serde_json::to_string(&meta).map_err(json_error)?;
        let embedding = Embedding {
            prompt: item.prompt.as_deref(),
            json: &json,
        };
        let data = match embed(&original, embedding) {
            Some(with) => with,
            None => {
                meta.embedded = false;
                original
            }
        };
        target.put(&file, &data, false)?;
        let sidecar = serde_json::to_vec_pretty(&meta).map_err(json_error)?;
        target.put(&format!("{stem}.json"), &sidecar, true)?;
        if let Some((name, bytes)) = &thumbnail {
            target.put_thumbnail(name, bytes)?;
        }
        outcome.images += 1;
        outcome.bytes += data.len() as u64;
        for name in &meta.collections {
            if used_collections.insert(name.clone()) {
                manifest.collections.push(name.clone());
            }
        }
        if exported_tasks.insert(item.task_id.clone()) {
            let mut task = stored.task.clone();
            task.created_at = Some(stored.created_at);
            manifest.tasks.push(ExportedTask {
                task,
                demo: stored.demo,
            });
        }
        manifest.images.push(meta);
        progress(done as u64 + 1, total);
    }
    if cancel.load(Ordering::Relaxed) {
        return Ok(None);
    }
    if outcome.images == 0 {
        return Err(TransferError::InvalidInput(
            "None of the selected images could be exported (they were deleted, or their files are missing).".into(),
        ));
    }
    let text = serde_json::to_vec_pretty(&manifest).map_err(json_error)?;
    target.put(MANIFEST_FILE, &text, true)?;
    Ok(Some(outcome))
}

fn metadata(
    item: &GalleryItem,
    original: &[u8],
    collections: Vec<String>,
    parent_chain: Vec<LineageStep>,
    file: String,
) -> ImageMetadata {
    ImageMetadata {
        file,
        thumbnail: None,
        task_id: item.task_id.clone(),
        slot: item.slot.clone(),
        kind: item.kind.as_str().to_string(),
        kind_label: item.kind_label.clone(),
        prompt: item.prompt.clone(),
        parameters: item
            .prompt
            .as_deref()
            .map(prompt_parameters)
            .unwrap_or_default(),
        provider: item.provider,
        model: item.model.clone(),
        parent_chain,
        created_at: item.created_at,
        favorite: item.favorite,
        collections,
        width: item.width,
        height: item.height,
        bytes: original.len() as u64,
        original_crc32: crc32fast::hash(original),
        embedded: true,
        demo: item.demo,
    }
}

fn json_error(e: serde_json::Error) -> TransferError {
    TransferError::InvalidInput(format!("The export's metadata could not be written ({e})."))
}
