//! The image CDN: `/cdn/{task_id}/grid.png`, `/cdn/{task_id}/0.png`..`3.png` and
//! `/cdn/{task_id}/image.png`, drawn on first request and cached in memory.

use std::collections::{HashMap, VecDeque};

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::images::{encode_png, render, tile};
use crate::state::AppState;
use crate::task::{Media, State as TaskState};
use crate::util::lock;

/// Most bytes of PNG kept in the cache.
pub const MAX_CACHE_BYTES: usize = 256 * 1024 * 1024;

/// Rendered PNGs by `task_id/file`, oldest dropped first beyond [`MAX_CACHE_BYTES`].
#[derive(Debug, Default)]
pub struct ImageCache {
    files: HashMap<String, Bytes>,
    order: VecDeque<String>,
    bytes: usize,
}

impl ImageCache {
    /// A cached file.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.files.get(key).cloned()
    }

    /// Caches a file.
    pub fn put(&mut self, key: String, png: Bytes) {
        if self.files.contains_key(&key) {
            return;
        }
        while self.bytes + png.len() > MAX_CACHE_BYTES {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(b) = self.files.remove(&old) {
                self.bytes -= b.len();
            }
        }
        self.bytes += png.len();
        self.order.push_back(key.clone());
        self.files.insert(key, png);
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not Found").into_response()
}

fn png_response(png: Bytes) -> Response {
    let mut resp = (StatusCode::OK, png).into_response();
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    resp
}

/// Draws every file of `media` that `file` needs: `(file name, png)` pairs.
fn draw(media: &Media, file: &str) -> Option<Vec<(String, Vec<u8>)>> {
    match (media, file) {
        (Media::Grid { looks, size }, "grid.png" | "0.png" | "1.png" | "2.png" | "3.png") => {
            let singles: [image::RgbImage; 4] =
                std::array::from_fn(|i| render(&looks[i], size.0, size.1));
            let mut out = Vec::with_capacity(5);
            for (i, single) in singles.iter().enumerate() {
                out.push((format!("{i}.png"), encode_png(single).ok()?));
            }
            out.push(("grid.png".to_string(), encode_png(&tile(&singles)).ok()?));
            Some(out)
        }
        (Media::Single { look, size }, "image.png") => Some(vec![(
            "image.png".to_string(),
            encode_png(&render(look, size.0, size.1)).ok()?,
        )]),
        _ => None,
    }
}

/// `GET /cdn/{task_id}/{file}`: the PNG, once the task has finished.
pub async fn serve(
    State(state): State<AppState>,
    Path((task_id, file)): Path<(String, String)>,
) -> Response {
    let key = format!("{task_id}/{file}");
    if let Some(png) = lock(&state.images).get(&key) {
        return png_response(png);
    }
    let Some(task) = state.task(&task_id) else {
        return not_found();
    };
    if task.state(state.now()) != TaskState::Done {
        return not_found();
    }
    let media = task.media.clone();
    let wanted = file.clone();
    let drawn = tokio::task::spawn_blocking(move || draw(&media, &wanted)).await;
    let Ok(Some(files)) = drawn else {
        return not_found();
    };
    let mut found = None;
    let mut cache = lock(&state.images);
    for (name, png) in files {
        let png = Bytes::from(png);
        if name == file {
            found = Some(png.clone());
        }
        cache.put(format!("{task_id}/{name}"), png);
    }
    drop(cache);
    match found {
        Some(png) => png_response(png),
        None => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_is_bounded() {
        let mut c = ImageCache::default();
        let big = Bytes::from(vec![0u8; MAX_CACHE_BYTES / 2 + 1]);
        c.put("a".into(), big.clone());
        c.put("b".into(), big);
        assert!(c.get("a").is_none());
        assert!(c.get("b").is_some());
    }

    #[test]
    fn draw_rejects_the_wrong_file() {
        let look = crate::images::Look::new(1, 0.0);
        let single = Media::Single { look, size: (8, 8) };
        assert!(draw(&single, "grid.png").is_none());
        assert!(draw(&single, "../etc/passwd").is_none());
        let files = draw(&single, "image.png").expect("draws");
        assert_eq!(files.len(), 1);
    }
}
