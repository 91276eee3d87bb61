//! The CDN: `/cdn/{task_id}/grid.png`, `/cdn/{task_id}/0.png`..`3.png`,
//! `/cdn/{task_id}/image.png` and, for videos, `/cdn/{task_id}/video-0.avi`..`video-3.avi`
//! (Motion-JPEG AVI, `video/x-msvideo`), drawn on first request and cached in memory.
//! Single byte ranges are honoured (`206`), as media players (WebKit's GStreamer source)
//! ask for them.

use std::collections::{HashMap, VecDeque};

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use crate::images::{encode_png, render, tile};
use crate::mask::render_region;
use crate::state::AppState;
use crate::task::{Media, State as TaskState};
use crate::util::lock;
use crate::video::{render_video, VIDEOS};

/// Most bytes of PNG and video kept in the cache.
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

/// The file name of video `i` of a task.
pub fn video_file(i: usize) -> String {
    format!("video-{i}.avi")
}

/// The media type of a CDN file, from its name.
fn content_type(file: &str) -> &'static str {
    if file.ends_with(".avi") {
        "video/x-msvideo"
    } else {
        "image/png"
    }
}

/// A single `Range: bytes=...` request resolved against a body of `len` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteRange {
    /// No (usable) range header: the whole body.
    Whole,
    /// Bytes `start..=end`.
    Part(u64, u64),
    /// A range that cannot be satisfied (416).
    Unsatisfiable,
}

/// Reads a `Range` header (`bytes=a-b`, `bytes=a-`, `bytes=-n`) as media players send it.
/// Several ranges or another unit are served whole, as HTTP allows.
pub fn byte_range(value: Option<&str>, len: u64) -> ByteRange {
    let Some(spec) = value.and_then(|v| v.trim().strip_prefix("bytes=")) else {
        return ByteRange::Whole;
    };
    if spec.contains(',') {
        return ByteRange::Whole;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return ByteRange::Whole;
    };
    let (a, b) = (a.trim(), b.trim());
    let parsed = match (a.is_empty(), b.is_empty()) {
        (false, _) => {
            let Ok(start) = a.parse::<u64>() else {
                return ByteRange::Whole;
            };
            let end = if b.is_empty() {
                Some(len.saturating_sub(1))
            } else {
                b.parse::<u64>().ok().map(|e| e.min(len.saturating_sub(1)))
            };
            match end {
                Some(end) if start < len && start <= end => Some((start, end)),
                Some(_) => None,
                None => return ByteRange::Whole,
            }
        }
        (true, false) => match b.parse::<u64>() {
            Ok(0) => None,
            Ok(n) if len > 0 => Some((len.saturating_sub(n), len - 1)),
            Ok(_) => None,
            Err(_) => return ByteRange::Whole,
        },
        (true, true) => return ByteRange::Whole,
    };
    match parsed {
        Some((start, end)) => ByteRange::Part(start, end),
        None => ByteRange::Unsatisfiable,
    }
}

fn file_response(file: &str, body: Bytes, range: Option<&str>) -> Response {
    let len = body.len() as u64;
    let (status, body, content_range) = match byte_range(range, len) {
        ByteRange::Whole => (StatusCode::OK, body, None),
        ByteRange::Part(start, end) => (
            StatusCode::PARTIAL_CONTENT,
            body.slice(start as usize..=end as usize),
            Some(format!("bytes {start}-{end}/{len}")),
        ),
        ByteRange::Unsatisfiable => (
            StatusCode::RANGE_NOT_SATISFIABLE,
            Bytes::new(),
            Some(format!("bytes */{len}")),
        ),
    };
    let mut resp = (status, body).into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(file)),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(v) = content_range.and_then(|v| HeaderValue::from_str(&v).ok()) {
        headers.insert(header::CONTENT_RANGE, v);
    }
    resp
}

/// Draws every file of `media` that `file` needs: `(file name, bytes)` pairs.
fn draw(media: &Media, file: &str) -> Option<Vec<(String, Vec<u8>)>> {
    match (media, file) {
        (
            Media::Grid {
                looks,
                size,
                region,
            },
            "grid.png" | "0.png" | "1.png" | "2.png" | "3.png",
        ) => {
            let singles: [image::RgbImage; 4] = std::array::from_fn(|i| match region {
                Some(r) => render_region(r, &looks[i], size.0, size.1),
                None => render(&looks[i], size.0, size.1),
            });
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
        (
            Media::Video {
                start,
                size,
                motion,
            },
            name,
        ) => {
            let i = (0..VIDEOS).find(|i| video_file(*i) == name)?;
            let avi = render_video(start, *size, *motion, u8::try_from(i).ok()?).ok()?;
            Some(vec![(name.to_string(), avi)])
        }
        _ => None,
    }
}

/// `GET /cdn/{task_id}/{file}`: the PNG, once the task has finished.
pub async fn serve(
    State(state): State<AppState>,
    Path((task_id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let range = range.as_deref();
    let key = format!("{task_id}/{file}");
    if let Some(body) = lock(&state.images).get(&key) {
        return file_response(&file, body, range);
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
        Some(body) => file_response(&file, body, range),
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
    fn byte_ranges() {
        use ByteRange::*;
        assert_eq!(byte_range(None, 100), Whole);
        assert_eq!(byte_range(Some("bytes=0-"), 100), Part(0, 99));
        assert_eq!(byte_range(Some("bytes=10-19"), 100), Part(10, 19));
        assert_eq!(byte_range(Some("bytes=90-200"), 100), Part(90, 99));
        assert_eq!(byte_range(Some("bytes=-10"), 100), Part(90, 99));
        assert_eq!(byte_range(Some("bytes=-500"), 100), Part(0, 99));
        assert_eq!(byte_range(Some("bytes=100-"), 100), Unsatisfiable);
        assert_eq!(byte_range(Some("bytes=20-10"), 100), Unsatisfiable);
        assert_eq!(byte_range(Some("bytes=-0"), 100), Unsatisfiable);
        assert_eq!(byte_range(Some("bytes=0-1,5-6"), 100), Whole);
        assert_eq!(byte_range(Some("items=0-1"), 100), Whole);
        assert_eq!(byte_range(Some("bytes=x-1"), 100), Whole);
        assert_eq!(byte_range(Some("bytes=-"), 100), Whole);
    }

    #[test]
    fn draw_rejects_the_wrong_file() {
        let look = crate::images::Look::new(1, 0.0);
        let single = Media::Single { look, size: (8, 8) };
        assert!(draw(&single, "grid.png").is_none());
        assert!(draw(&single, "../etc/passwd").is_none());
        let files = draw(&single, "image.png").expect("draws");
        assert_eq!(files.len(), 1);
        let video = Media::Video {
            start: look,
            size: (16, 16),
            motion: crate::task::Motion::Low,
        };
        assert!(draw(&video, "video-4.avi").is_none());
        assert!(draw(&video, "image.png").is_none());
        let files = draw(&video, "video-3.avi").expect("draws");
        assert!(crate::video::read_avi(&files[0].1).is_some());
        assert_eq!(content_type("video-3.avi"), "video/x-msvideo");
        assert_eq!(content_type("grid.png"), "image/png");
    }
}
