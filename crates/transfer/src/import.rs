//! Reading an export back into a library: tasks, images (restored byte for byte), lineage,
//! favorites and collections. A task the library already has is skipped; a damaged file is
//! reported and the rest imported.

use crate::embed::{strip, Container};
use crate::error::{Result, TransferError};
use crate::manifest::{
    ExportedTask, ImageMetadata, Manifest, MANIFEST_FILE, MANIFEST_FORMAT, MANIFEST_VERSION,
};
use crate::store::ImportSource;
use atelier_library::{
    check_image_bytes, is_safe_task_id, FavoriteTarget, ImageSlot, Library, MAX_IMAGE_BYTES,
};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use ts_rs::TS;

/// The largest manifest read (about a million images).
const MAX_MANIFEST_BYTES: u64 = 1 << 30;
/// The largest thumbnail read.
const MAX_THUMBNAIL_BYTES: u64 = 4 << 20;
/// Tasks written per database transaction.
const TASKS_PER_WRITE: usize = 200;

/// How an import ended.
#[derive(Serialize, Clone, Debug, Default, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ImportSummary {
    /// Tasks added to the library.
    #[ts(type = "number")]
    pub tasks: u64,
    /// Images added.
    #[ts(type = "number")]
    pub images: u64,
    /// Tasks the library already had, left as they were.
    #[ts(type = "number")]
    pub skipped_tasks: u64,
    /// Collections made (those that existed by the same name were reused).
    #[ts(type = "number")]
    pub collections_created: u64,
    /// Files that could not be imported, each with the reason in words.
    pub problems: Vec<String>,
    /// Stopped by a cancel; what came before it stays imported.
    pub cancelled: bool,
}

/// One image ready to be recorded.
struct ReadyImage<'m> {
    meta: &'m ImageMetadata,
    slot: ImageSlot,
    path: PathBuf,
    width: u32,
    height: u32,
    bytes: u64,
    thumbnail: Option<PathBuf>,
}

/// Imports the export at `source` (a folder or a zip). `progress(done, total)` counts
/// images; `cancel` is checked between tasks.
pub fn import_export(
    library: &Library,
    source: &Path,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportSummary> {
    let mut source = ImportSource::open(source)?;
    let manifest = read_manifest(&mut source)?;
    let total = manifest.images.len() as u64;
    let mut images_of: HashMap<&str, Vec<&ImageMetadata>> = HashMap::new();
    for image in &manifest.images {
        images_of.entry(&image.task_id).or_default().push(image);
    }
    let mut summary = ImportSummary::default();
    let mut seen_tasks = HashSet::new();
    let mut collected: HashMap<String, Vec<i64>> = HashMap::new();
    let mut done = 0u64;
    let tasks: Vec<&ExportedTask> = manifest
        .tasks
        .iter()
        .filter(|t| seen_tasks.insert(t.task.id.as_str()))
        .collect();
    for chunk in tasks.chunks(TASKS_PER_WRITE) {
        let mut ready: Vec<(&ExportedTask, Vec<ReadyImage<'_>>)> = Vec::new();
        for task in chunk {
            if cancel.load(Ordering::Relaxed) {
                summary.cancelled = true;
                break;
            }
            let images = images_of
                .get(task.task.id.as_str())
                .cloned()
                .unwrap_or_default();
            done += images.len() as u64;
            if !is_safe_task_id(&task.task.id) {
                summary.problems.push(format!(
                    "The task id {:?} cannot be stored, so its images were skipped.",
                    task.task.id
                ));
                continue;
            }
            if library.get_task(&task.task.id)?.is_some() {
                summary.skipped_tasks += 1;
                continue;
            }
            let mut files = Vec::with_capacity(images.len());
            for meta in images {
                match restore_image(library, &mut source, &task.task.id, meta) {
                    Ok(image) => files.push(image),
                    Err(problem) => summary.problems.push(format!("{}: {problem}", meta.file)),
                }
            }
            if !files.is_empty() {
                ready.push((task, files));
            }
        }
        record(library, &ready, &mut summary, &mut collected)?;
        progress(done.min(total), total);
        if summary.cancelled {
            break;
        }
    }
    summary.collections_created = add_to_collections(library, &manifest.collections, collected)?;
    Ok(summary)
}

fn read_manifest(source: &mut ImportSource) -> Result<Manifest> {
    let shown = source.path().display().to_string();
    let text = source
        .read(MANIFEST_FILE, MAX_MANIFEST_BYTES)
        .map_err(TransferError::BadManifest)?
        .ok_or(TransferError::NotAnExport(shown))?;
    let manifest: Manifest =
        serde_json::from_slice(&text).map_err(|e| TransferError::BadManifest(e.to_string()))?;
    if manifest.format != MANIFEST_FORMAT {
        return Err(TransferError::BadManifest(format!(
            "its format is {:?}, not {MANIFEST_FORMAT:?}",
            manifest.format
        )));
    }
    if manifest.version > MANIFEST_VERSION {
        return Err(TransferError::BadManifest(format!(
            "it was written by a newer Atelier (version {}); update Atelier to import it",
            manifest.version
        )));
    }
    Ok(manifest)
}

/// Reads, checks and stores one image file (and its thumbnail) in the library folder.
fn restore_image<'m>(
    library: &Library,
    source: &mut ImportSource,
    task_id: &str,
    meta: &'m ImageMetadata,
) -> std::result::Result<ReadyImage<'m>, String> {
    let slot = ImageSlot::from_key(&meta.slot)
        .ok_or_else(|| format!("its slot {:?} is not one Atelier knows", meta.slot))?;
    let data = source
        .read(&meta.file, MAX_IMAGE_BYTES as u64 + (1 << 20))?
        .ok_or("the file is missing from the export")?;
    // The original as it was in the library: without what the export embedded.
    let original = match strip(&data) {
        Some(stripped) if crc32fast::hash(&stripped) == meta.original_crc32 => stripped,
        _ if crc32fast::hash(&data) == meta.original_crc32 => data,
        _ => return Err("the file is damaged (it is not what was exported)".into()),
    };
    let (width, height) = check_image_bytes(&original).map_err(|e| e.to_string())?;
    let ext = match Container::sniff(&original) {
        Container::Png => "png",
        Container::Jpeg => "jpg",
        Container::WebP => "webp",
        Container::Other if original.starts_with(b"GIF8") => "gif",
        Container::Other => return Err("it is not an image format Atelier keeps".into()),
    };
    let dir = library.images_dir().join(task_id);
    let path = dir.join(format!("{}.{ext}", slot.file_stem()));
    write_atomically(&path, &original).map_err(|e| e.to_string())?;
    let thumbnail = meta
        .thumbnail
        .as_deref()
        .and_then(|name| source.read_thumbnail(name, MAX_THUMBNAIL_BYTES))
        .filter(|t| Container::sniff(t) == Container::Jpeg && check_image_bytes(t).is_ok())
        .and_then(|bytes| {
            let dest = library.thumbnail_path(task_id, slot).ok()?;
            write_atomically(&dest, &bytes).ok()?;
            Some(dest)
        });
    Ok(ReadyImage {
        meta,
        slot,
        path,
        width,
        height,
        bytes: original.len() as u64,
        thumbnail,
    })
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.import"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Records one chunk of tasks and their images in one transaction, then makes thumbnails
/// for images whose export had none.
fn record(
    library: &Library,
    ready: &[(&ExportedTask, Vec<ReadyImage<'_>>)],
    summary: &mut ImportSummary,
    collected: &mut HashMap<String, Vec<i64>>,
) -> Result<()> {
    if ready.is_empty() {
        return Ok(());
    }
    let without_thumbnail = library.batch(|batch| {
        let mut without = Vec::new();
        for (task, images) in ready {
            batch.upsert_task(&task.task, task.demo, None)?;
            for image in images {
                let id = batch.add_image(
                    &task.task.id,
                    image.slot,
                    &image.path,
                    image.width,
                    image.height,
                    image.bytes,
                )?;
                match &image.thumbnail {
                    Some(thumb) => batch.set_thumbnail(id, thumb)?,
                    None => without.push(id),
                }
                if image.meta.favorite {
                    batch.set_favorite(&FavoriteTarget::Image(id), true)?;
                }
                for name in &image.meta.collections {
                    collected.entry(name.clone()).or_default().push(id);
                }
            }
        }
        Ok(without)
    })?;
    for (_, images) in ready {
        summary.tasks += 1;
        summary.images += images.len() as u64;
    }
    for id in without_thumbnail {
        if let Err(e) = library.create_thumbnail(id) {
            summary
                .problems
                .push(format!("No thumbnail could be made for image {id} ({e})."));
        }
    }
    Ok(())
}

/// Puts imported images into their collections, making the ones the library lacks (names
/// match without regard to case). Returns how many were made.
fn add_to_collections(
    library: &Library,
    order: &[String],
    mut collected: HashMap<String, Vec<i64>>,
) -> Result<u64> {
    let mut existing: HashMap<String, i64> = library
        .collections()?
        .into_iter()
        .map(|c| (c.name.to_lowercase(), c.id))
        .collect();
    let mut created = 0;
    let mut names: Vec<String> = order.to_vec();
    names.extend(collected.keys().filter(|k| !order.contains(k)).cloned());
    for name in names {
        let Some(ids) = collected.remove(&name) else {
            continue;
        };
        let id = match existing.get(&name.to_lowercase()) {
            Some(id) => *id,
            None => {
                let c = library.create_collection(&name)?;
                created += 1;
                existing.insert(name.to_lowercase(), c.id);
                c.id
            }
        };
        for chunk in ids.chunks(2_000) {
            library.add_to_collection(id, chunk)?;
        }
    }
    Ok(created)
}
