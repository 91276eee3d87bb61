//! Writing tasks and their images into the gallery library as they happen, and picking up
//! where the app left off after a restart or a crash.

use crate::completion_trace::{mark, Phase};
use crate::media::{cached_media, download_media};
use crate::view::TaskMedia;
use atelier_library::{
    check_image_bytes, check_video_bytes, ImageCache, ImageKind, ImageSlot, Library, MAX_VIDEOS,
};
use atelier_providers::{Task, TaskStatus};
use std::sync::Arc;

/// Downloads a succeeded task's images into the library folder, records each in the
/// database and cuts a grid the provider sent alone into its four singles. Returns what the
/// webview can show. Thumbnails are the gallery's, not the card's: make them after the card
/// has its images ([`make_thumbnails`]; until then the gallery shows the originals).
pub async fn archive_images(library: Arc<Library>, cache: ImageCache, task: Task) -> TaskMedia {
    let media = download_media(&cache, &task).await;
    if task.status != TaskStatus::Succeeded {
        return media;
    }
    mark(&task.id, Phase::Downloaded);
    let error = media.error.clone();
    let result = tokio::task::spawn_blocking({
        let cache = cache.clone();
        let task = task.clone();
        move || catalogue(&library, &cache, &task)
    })
    .await;
    let catalogue_error = match result {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e),
        Err(e) => Some(format!("The images could not be catalogued ({e}).")),
    };
    if let Some(e) = &catalogue_error {
        tracing::error!(task = %task.id, "{e}");
    }
    let mut media = cached_media(&cache, &task);
    media.error = error.or(catalogue_error);
    media
}

fn catalogue(library: &Library, cache: &ImageCache, task: &Task) -> Result<(), String> {
    let slots = [
        ImageSlot::Grid,
        ImageSlot::Single(1),
        ImageSlot::Single(2),
        ImageSlot::Single(3),
        ImageSlot::Single(4),
        ImageSlot::Result,
    ]
    .into_iter()
    .chain(
        (1..=MAX_VIDEOS)
            .take(task.video_urls.len())
            .map(ImageSlot::Video),
    );
    let mut has_singles = false;
    let mut has_grid = false;
    for slot in slots {
        let Some(path) = cache.find(&task.id, slot) else {
            continue;
        };
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        let (w, h) = if slot.is_video() {
            let v = check_video_bytes(&bytes).map_err(|e| e.to_string())?;
            (v.width, v.height)
        } else {
            check_image_bytes(&bytes).map_err(|e| e.to_string())?
        };
        library
            .add_image(&task.id, slot, &path, w, h, bytes.len() as u64)
            .map_err(|e| e.to_string())?;
        has_grid |= slot == ImageSlot::Grid;
        has_singles |= matches!(slot, ImageSlot::Single(_));
    }
    if has_grid && !has_singles && task.kind.produces_grid() {
        library
            .split_task_grid(&task.id)
            .map_err(|e| e.to_string())?;
    }
    mark(&task.id, Phase::Catalogued);
    Ok(())
}

/// Makes the gallery thumbnails of `task_id`'s catalogued images that have none yet, off the
/// async threads. A failure is logged: the gallery then shows the original.
pub async fn make_thumbnails(library: Arc<Library>, task_id: String) {
    let result = tokio::task::spawn_blocking(move || -> Result<(), String> {
        for item in library.task_images(&task_id).map_err(|e| e.to_string())? {
            if item.thumb_path.is_none() {
                match library.create_thumbnail(item.image_id) {
                    Ok(_) => {}
                    // A video without a readable first frame has no thumbnail: the gallery
                    // shows the video itself.
                    Err(e) if item.kind == ImageKind::Video => {
                        tracing::debug!(task = %task_id, "no thumbnail for a video: {e}");
                    }
                    Err(e) => return Err(e.to_string()),
                }
            }
        }
        mark(&task_id, Phase::Thumbnails);
        Ok(())
    })
    .await;
    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!("thumbnails could not be made: {e}"),
        Err(e) => tracing::warn!("thumbnails could not be made ({e})"),
    }
}
