//! The on-disk image cache: one folder per task under the library folder, holding the
//! originals exactly as the provider sent them.

use crate::check::{check_image_bytes, check_source_url, ImageCheckError, MAX_IMAGE_BYTES};
use crate::LibraryError;
use futures_util::StreamExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Which image of a task a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageSlot {
    /// The 2x2 grid.
    Grid,
    /// One of the four singles, quadrant 1..=4.
    Single(u8),
    /// The one image of a single-image task (an upscale, a Flux result).
    Result,
}

impl ImageSlot {
    /// The file name (without extension) this slot is kept under: "grid", "single-N", "image".
    pub fn file_stem(self) -> String {
        match self {
            ImageSlot::Grid => "grid".into(),
            ImageSlot::Single(n) => format!("single-{n}"),
            ImageSlot::Result => "image".into(),
        }
    }

    /// The word the gallery database stores: "grid", "single-1".."single-4", "result".
    pub fn key(self) -> String {
        match self {
            ImageSlot::Grid => "grid".into(),
            ImageSlot::Single(n) => format!("single-{n}"),
            ImageSlot::Result => "result".into(),
        }
    }

    /// Reads [`ImageSlot::key`] back; `None` for anything else.
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "grid" => Some(ImageSlot::Grid),
            "result" => Some(ImageSlot::Result),
            _ => {
                let n: u8 = key.strip_prefix("single-")?.parse().ok()?;
                (1..=4).contains(&n).then_some(ImageSlot::Single(n))
            }
        }
    }

    fn stem(self) -> String {
        self.file_stem()
    }
}

/// An image that is in the library folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedImage {
    /// Where the original lives.
    pub path: PathBuf,
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
}

/// Downloads task images into `<root>/<task id>/` and finds them again.
#[derive(Debug, Clone)]
pub struct ImageCache {
    root: PathBuf,
    http: reqwest::Client,
    allow_loopback: bool,
}

const EXTENSIONS: [&str; 4] = ["png", "jpg", "webp", "gif"];

impl ImageCache {
    /// A cache rooted at `root` (created on first write). `allow_loopback` lets images come
    /// from 127.0.0.1, which only the built-in simulator and tests need.
    pub fn new(root: impl Into<PathBuf>, allow_loopback: bool) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .connect_timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .unwrap_or_default();
        ImageCache {
            root: root.into(),
            http,
            allow_loopback,
        }
    }

    /// The folder all images live under.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn task_dir(&self, task_id: &str) -> Result<PathBuf, LibraryError> {
        if !is_safe_task_id(task_id) {
            return Err(ImageCheckError::BadUrl(format!("task id {task_id:?}")).into());
        }
        Ok(self.root.join(task_id))
    }

    /// The cached file for `slot` of `task_id`, if it has been downloaded.
    pub fn find(&self, task_id: &str, slot: ImageSlot) -> Option<PathBuf> {
        let dir = self.task_dir(task_id).ok()?;
        EXTENSIONS
            .iter()
            .map(|ext| dir.join(format!("{}.{ext}", slot.stem())))
            .find(|p| p.is_file())
    }

    /// Downloads `url` as `slot` of `task_id` unless it is already there. The bytes are
    /// checked (scheme, private address, size, real image, sane dimensions) and written
    /// atomically, never re-encoded.
    pub async fn fetch(
        &self,
        task_id: &str,
        slot: ImageSlot,
        url: &str,
    ) -> Result<CachedImage, LibraryError> {
        let dir = self.task_dir(task_id)?;
        if let Some(path) = self.find(task_id, slot) {
            let bytes = tokio::fs::read(&path).await?;
            let (width, height) = check_image_bytes(&bytes)?;
            return Ok(CachedImage {
                path,
                width,
                height,
            });
        }
        let url = check_source_url(url, self.allow_loopback)?;
        let bytes = self.download(url).await?;
        let (width, height) = check_image_bytes(&bytes)?;
        let ext = match image::guess_format(&bytes) {
            Ok(image::ImageFormat::Jpeg) => "jpg",
            Ok(image::ImageFormat::WebP) => "webp",
            Ok(image::ImageFormat::Gif) => "gif",
            _ => "png",
        };
        tokio::fs::create_dir_all(&dir).await?;
        let path = dir.join(format!("{}.{ext}", slot.stem()));
        let tmp = dir.join(format!(".{}.{ext}.part", slot.stem()));
        tokio::fs::write(&tmp, &bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(CachedImage {
            path,
            width,
            height,
        })
    }

    async fn download(&self, url: url::Url) -> Result<Vec<u8>, LibraryError> {
        let resp = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| LibraryError::Download(plain_reqwest_error(&e)))?;
        if !resp.status().is_success() {
            return Err(LibraryError::Download(format!(
                "the server answered {}",
                resp.status()
            )));
        }
        if resp
            .content_length()
            .is_some_and(|n| n > MAX_IMAGE_BYTES as u64)
        {
            return Err(ImageCheckError::TooLarge.into());
        }
        let mut body = Vec::new();
        let mut stream = resp.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| LibraryError::Download(plain_reqwest_error(&e)))?;
            if body.len() + chunk.len() > MAX_IMAGE_BYTES {
                return Err(ImageCheckError::TooLarge.into());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// Removes every file of `task_id`.
    pub async fn remove_task(&self, task_id: &str) -> Result<(), LibraryError> {
        let dir = self.task_dir(task_id)?;
        match tokio::fs::remove_dir_all(&dir).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// True when `task_id` can name a folder: 1..=128 ASCII letters, digits, `-` or `_`.
pub(crate) fn is_safe_task_id(task_id: &str) -> bool {
    !task_id.is_empty()
        && task_id.len() <= 128
        && task_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn plain_reqwest_error(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "it took too long".into()
    } else if e.is_connect() {
        "the image server could not be reached".into()
    } else {
        "the connection failed".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{routing::get, Router};
    use std::io::Cursor;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 20, 30]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png)
            .expect("encode");
        out.into_inner()
    }

    async fn serve() -> String {
        let good = png(40, 30);
        let app = Router::new()
            .route("/good.png", get(move || async move { good.clone() }))
            .route("/html", get(|| async { "<script>alert(1)</script>" }))
            .route(
                "/missing",
                get(|| async { (axum::http::StatusCode::NOT_FOUND, "no") }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn downloads_checks_and_keeps_original_bytes() {
        let base = serve().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ImageCache::new(dir.path(), true);
        let got = cache
            .fetch("task-1", ImageSlot::Grid, &format!("{base}/good.png"))
            .await
            .expect("fetch");
        assert_eq!((got.width, got.height), (40, 30));
        assert_eq!(std::fs::read(&got.path).expect("read"), png(40, 30));
        assert_eq!(
            cache.find("task-1", ImageSlot::Grid),
            Some(got.path.clone())
        );
        // second fetch is served from disk even if the link is gone
        let again = cache
            .fetch("task-1", ImageSlot::Grid, &format!("{base}/missing"))
            .await
            .expect("cached");
        assert_eq!(again.path, got.path);
        cache.remove_task("task-1").await.expect("remove");
        assert_eq!(cache.find("task-1", ImageSlot::Grid), None);
    }

    #[tokio::test]
    async fn refuses_non_images_http_errors_and_bad_ids() {
        let base = serve().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ImageCache::new(dir.path(), true);
        let html = cache
            .fetch("t", ImageSlot::Single(1), &format!("{base}/html"))
            .await;
        assert!(
            matches!(
                html,
                Err(LibraryError::Rejected(ImageCheckError::NotAnImage))
            ),
            "{html:?}"
        );
        let missing = cache
            .fetch("t", ImageSlot::Single(2), &format!("{base}/missing"))
            .await;
        assert!(
            matches!(missing, Err(LibraryError::Download(_))),
            "{missing:?}"
        );
        let traversal = cache
            .fetch("../etc", ImageSlot::Grid, &format!("{base}/good.png"))
            .await;
        assert!(traversal.is_err());
        assert!(
            std::fs::read_dir(dir.path()).expect("ls").next().is_none(),
            "nothing written"
        );
    }

    #[tokio::test]
    async fn loopback_refused_unless_allowed() {
        let base = serve().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ImageCache::new(dir.path(), false);
        let r = cache
            .fetch("t", ImageSlot::Grid, &format!("{base}/good.png"))
            .await;
        assert!(
            matches!(
                r,
                Err(LibraryError::Rejected(ImageCheckError::PrivateAddress(_)))
            ),
            "{r:?}"
        );
    }
}
