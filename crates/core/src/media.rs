//! Results into the local image cache, and cache files into URLs the webview may load.
//!
//! The webview never loads a provider's link: its CSP only allows the asset protocol (and
//! the loopback simulator). So every result is downloaded here first, which also keeps it
//! after the provider's link has expired.

use crate::view::TaskMedia;
use atelier_library::{ImageCache, ImageSlot, LibraryError};
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

/// What is already in the cache for `task`, without downloading anything.
pub fn cached_media(cache: &ImageCache, task: &Task) -> TaskMedia {
    let url = |slot| cache.find(&task.id, slot).map(|p| asset_url(&p));
    let singles: Vec<String> = (1..=4u8)
        .filter_map(|n| url(ImageSlot::Single(n)))
        .collect();
    let grid = url(ImageSlot::Grid);
    TaskMedia {
        singles_from_grid: grid.is_some() && singles.len() < 4,
        singles: if singles.len() == 4 {
            singles
        } else {
            Vec::new()
        },
        grid,
        single: url(ImageSlot::Result),
        downloading: false,
        error: None,
    }
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
    out
}

/// Downloads every image of a succeeded task into the cache (retrying transient failures)
/// and returns the media the webview can show. A failure is reported in `media.error`,
/// never hidden; what did download is still shown.
pub async fn download_media(cache: &ImageCache, task: &Task) -> TaskMedia {
    if task.status != TaskStatus::Succeeded {
        return cached_media(cache, task);
    }
    let mut first_error: Option<String> = None;
    for (slot, url) in wanted(task) {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match cache.fetch(&task.id, slot, &url).await {
                Ok(_) => break,
                Err(LibraryError::Download(reason)) if attempt < DOWNLOAD_ATTEMPTS => {
                    tracing::debug!(task = %task.id, ?slot, %reason, "image download failed, retrying");
                    tokio::time::sleep(Duration::from_millis(400 * u64::from(attempt))).await;
                }
                Err(e) => {
                    first_error.get_or_insert_with(|| e.to_string());
                    break;
                }
            }
        }
    }
    let mut media = cached_media(cache, task);
    media.error = first_error;
    media
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_urls_match_convert_file_src() {
        let url = asset_url(Path::new("/home/a b/x(1).png"));
        if !cfg!(windows) {
            assert_eq!(url, "asset://localhost/%2Fhome%2Fa%20b%2Fx(1).png");
        }
    }
}
