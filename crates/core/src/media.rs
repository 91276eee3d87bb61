//! Results into the local image cache, and cache files into URLs the webview may load.
//!
//! The webview never loads a provider's link: its CSP only allows the asset protocol (and
//! the loopback simulator). So every result is downloaded here first, which also keeps it
//! after the provider's link has expired.
//!
//! Hostile addresses are stopped twice: [`ImageCache::fetch`] refuses to download anything
//! [`check_source_url`] refuses (non-http(s) schemes; private and link-local hosts; loopback
//! unless the provider itself is loopback), and [`ui_task`] drops the same addresses from the
//! task before it is handed to the UI, so the only image sources the webview ever gets are
//! the asset URLs of [`TaskMedia`].

use crate::view::TaskMedia;
use atelier_library::{
    check_source_url, GalleryItem, ImageCache, ImageSlot, LibraryError, MAX_VIDEOS,
};
use atelier_providers::{Task, TaskStatus};
use std::path::Path;
use std::time::Duration;

/// How often a failed download is tried before the card says so.
const DOWNLOAD_ATTEMPTS: u32 = 3;

/// The asset-protocol URL of a file, as Tauri's `convertFileSrc` would make it.
pub fn asset_url(path: &Path) -> String {
    let encoded = encode_uri_component(&path.to_string_lossy());
    if cfg!(windows) {
        format!("http://asset.localhost/{encoded}")
    } else {
        format!("asset://localhost/{encoded}")
    }
}

/// JavaScript's `encodeURIComponent`.
fn encode_uri_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'~'
            | b'*'
            | b'\''
            | b'('
            | b')' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The task as the UI may see it: image, video and link-button addresses that the download
/// policy refuses ([`check_source_url`] with `allow_loopback`, true only when the provider's
/// base URL is itself loopback) are dropped, so the webview is never handed one. The `raw`
/// JSON is left as the provider sent it, for diagnosis; the UI never renders it.
pub fn ui_task(mut task: Task, allow_loopback: bool) -> Task {
    let ok = |u: &String| check_source_url(u, allow_loopback).is_ok();
    task.grid_url = task.grid_url.filter(ok);
    task.image_url = task.image_url.filter(ok);
    task.image_urls.retain(ok);
    task.video_urls.retain(ok);
    for action in &mut task.actions {
        if action.url.as_ref().is_some_and(|u| !ok(u)) {
            action.url = None;
        }
    }
    task
}

/// What is already in the cache for `task`, without downloading anything.
pub fn cached_media(cache: &ImageCache, task: &Task) -> TaskMedia {
    media_from(|slot| cache.find(&task.id, slot).map(|p| asset_url(&p)))
}

/// The media of a task whose image in each slot is `url_of(slot)` (an asset URL, or none):
/// the grid, the four singles only when all four are there (else the UI crops the grid), and
/// the single result.
fn media_from(url_of: impl Fn(ImageSlot) -> Option<String>) -> TaskMedia {
    let singles: Vec<String> = (1..=4u8)
        .filter_map(|n| url_of(ImageSlot::Single(n)))
        .collect();
    let grid = url_of(ImageSlot::Grid);
    let videos = (1..=MAX_VIDEOS)
        .map_while(|n| url_of(ImageSlot::Video(n)))
        .collect();
    TaskMedia {
        videos,
        singles_from_grid: grid.is_some() && singles.len() < 4,
        singles: if singles.len() == 4 {
            singles
        } else {
            Vec::new()
        },
        grid,
        single: url_of(ImageSlot::Result),
        downloading: false,
        error: None,
    }
}

/// The media of a task as the library catalogued it (its `images` rows), for a task whose
/// media is not in memory: a finished task from an earlier run, in either lane. The database
/// is the record of what was archived (grid, the four singles, cut from the grid when the
/// provider sent only the grid, and the single result), so a restart shows exactly what the
/// gallery shows. Files that are gone from disk are left out.
pub fn library_media(items: &[GalleryItem]) -> TaskMedia {
    media_from(|slot| {
        items
            .iter()
            .find(|i| ImageSlot::from_key(&i.slot) == Some(slot))
            .map(|i| Path::new(&i.path))
            .filter(|p| p.is_file())
            .map(asset_url)
    })
}

/// True when `media` shows no image (and no video) at all.
pub fn is_empty(media: &TaskMedia) -> bool {
    media.grid.is_none()
        && media.singles.is_empty()
        && media.single.is_none()
        && media.videos.is_empty()
}

/// Every image a finished task offers, with the slot it is kept in.
fn wanted(task: &Task) -> Vec<(ImageSlot, String)> {
    let mut out = Vec::new();
    if let Some(g) = &task.grid_url {
        out.push((ImageSlot::Grid, g.clone()));
    }
    if task.image_urls.len() == 4 {
        for (i, u) in task.image_urls.iter().enumerate() {
            out.push((ImageSlot::Single(i as u8 + 1), u.clone()));
        }
    }
    if let Some(u) = &task.image_url {
        if task.grid_url.as_deref() != Some(u.as_str()) {
            out.push((ImageSlot::Result, u.clone()));
        }
    }
    for (n, u) in (1..=MAX_VIDEOS).zip(&task.video_urls) {
        out.push((ImageSlot::Video(n), u.clone()));
    }
    out
}

/// Downloads every image of a succeeded task into the cache (retrying transient failures)
/// and returns the media the webview can show. A failure is reported in `media.error`,
/// never hidden; what did download is still shown.
pub async fn download_media(cache: &ImageCache, task: &Task) -> TaskMedia {
    if task.status != TaskStatus::Succeeded {
        return cached_media(cache, task);
    }
    // All at once: a grid and its four singles take one round trip's time, not five
    // (`bash scripts/bench-completion.sh` times this step).
    let mut downloads = tokio::task::JoinSet::new();
    for (order, (slot, url)) in wanted(task).into_iter().enumerate() {
        let cache = cache.clone();
        let task_id = task.id.clone();
        downloads.spawn(async move { (order, download_one(&cache, &task_id, slot, &url).await) });
    }
    // The first failure in slot order, so the sentence does not depend on timing.
    let mut failures: Vec<(usize, String)> = Vec::new();
    while let Some(joined) = downloads.join_next().await {
        match joined {
            Ok((_, Ok(()))) => {}
            Ok((order, Err(e))) => failures.push((order, e)),
            Err(e) => failures.push((usize::MAX, format!("An image download stopped ({e})."))),
        }
    }
    failures.sort_by_key(|(order, _)| *order);
    let mut media = cached_media(cache, task);
    media.error = failures.into_iter().next().map(|(_, e)| e);
    media
}

/// Downloads one image into the cache, retrying transient failures; the reason when it
/// could not.
async fn download_one(
    cache: &ImageCache,
    task_id: &str,
    slot: ImageSlot,
    url: &str,
) -> Result<(), String> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match cache.fetch(task_id, slot, url).await {
            Ok(_) => return Ok(()),
            Err(LibraryError::Download(reason)) if attempt < DOWNLOAD_ATTEMPTS => {
                tracing::debug!(task = %task_id, ?slot, %reason, "image download failed, retrying");
                tokio::time::sleep(Duration::from_millis(400 * u64::from(attempt))).await;
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_providers::{Action, ActionGroup, ActionMode, ProviderKind, TaskKind};

    /// Image addresses a hostile provider might send; none may be downloaded or shown when
    /// the provider is public.
    const HOSTILE: [&str; 14] = [
        "javascript:alert(1)",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "file:///etc/passwd",
        "ftp://cdn.example.com/a.png",
        "asset://localhost/%2Fetc%2Fpasswd",
        "http://127.0.0.1:9/x.png",
        "http://localhost/x.png",
        "http://[::1]/x.png",
        "http://10.0.0.1/x.png",
        "http://172.16.5.4/x.png",
        "http://192.168.1.1/x.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/x.png",
        "http://[fd00::1]/x.png",
    ];

    fn hostile_task(url: &str) -> Task {
        let mut task = Task::new("t-1", ProviderKind::Linkr, TaskKind::Imagine);
        task.status = TaskStatus::Succeeded;
        task.grid_url = Some(url.to_string());
        task.image_urls = vec![url.to_string(); 4];
        task.image_url = Some(format!("{url}#single"));
        task.video_urls = vec![url.to_string()];
        task.actions = vec![Action {
            id: "link:1".into(),
            label: "Open".into(),
            emoji: None,
            kind: None,
            group: ActionGroup::Other,
            index: None,
            mode: ActionMode::Link,
            url: Some(url.to_string()),
            unavailable: None,
            credits: None,
            takes_prompt: false,
        }];
        task
    }

    fn urls(task: &Task) -> Vec<String> {
        let mut out: Vec<String> = task
            .grid_url
            .iter()
            .chain(&task.image_url)
            .cloned()
            .collect();
        out.extend(task.image_urls.iter().chain(&task.video_urls).cloned());
        out.extend(task.actions.iter().filter_map(|a| a.url.clone()));
        out
    }

    #[test]
    fn hostile_addresses_never_reach_the_ui() {
        for url in HOSTILE {
            let task = ui_task(hostile_task(url), false);
            assert_eq!(urls(&task), Vec::<String>::new(), "{url}");
        }
        let public = "https://cdn.discordapp.com/attachments/1/2/grid.png";
        assert_eq!(urls(&ui_task(hostile_task(public), false)).len(), 8);
        // The simulator's loopback images stay when the provider is loopback; private never.
        let sim = ui_task(hostile_task("http://127.0.0.1:9/x.png"), true);
        assert_eq!(urls(&sim).len(), 8);
        let lan = ui_task(hostile_task("http://192.168.1.1/x.png"), true);
        assert!(urls(&lan).is_empty());
    }

    #[tokio::test]
    async fn hostile_addresses_are_never_downloaded() {
        // Something listening where a loopback address points: it must never be contacted.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ImageCache::new(dir.path(), false);
        let local = format!("http://127.0.0.1:{port}/grid.png");
        for url in HOSTILE.iter().copied().chain([local.as_str()]) {
            let media = download_media(&cache, &hostile_task(url)).await;
            assert_eq!(media.grid, None, "{url}");
            assert!(media.singles.is_empty() && media.single.is_none(), "{url}");
            let error = media.error.unwrap_or_default();
            assert!(
                error.starts_with("The provider sent an image address ")
                    && error.ends_with("it was not downloaded."),
                "{url}: {error}"
            );
        }
        assert!(
            matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "nothing connected to the loopback listener"
        );
        assert!(std::fs::read_dir(dir.path()).expect("ls").next().is_none());
    }

    #[test]
    fn asset_urls_match_convert_file_src() {
        let url = asset_url(Path::new("/home/a b/x(1).png"));
        if !cfg!(windows) {
            assert_eq!(url, "asset://localhost/%2Fhome%2Fa%20b%2Fx(1).png");
        }
    }
}
