//! The on-disk image cache: one folder per task under the library folder, holding the
//! originals exactly as the provider sent them.

use crate::check::{
    check_image_bytes, check_source_url, ip_allowed, ImageCheckError, MAX_IMAGE_BYTES,
};
use crate::video::{check_video_bytes, MAX_VIDEO_BYTES};
use crate::LibraryError;
use futures_util::StreamExt;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The most redirects followed for one image.
const MAX_REDIRECTS: usize = 3;

/// Which image of a task a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageSlot {
    /// The 2x2 grid.
    Grid,
    /// One of the four singles, quadrant 1..=4.
    Single(u8),
    /// The one image of a single-image task (an upscale, a Flux result).
    Result,
    /// One of a video task's videos, 1-based in the provider's order (kept byte for byte).
    Video(u8),
}

impl ImageSlot {
    /// The file name (without extension) this slot is kept under: "grid", "single-N", "image".
    pub fn file_stem(self) -> String {
        match self {
            ImageSlot::Grid => "grid".into(),
            ImageSlot::Single(n) => format!("single-{n}"),
            ImageSlot::Result => "image".into(),
            ImageSlot::Video(n) => format!("video-{n}"),
        }
    }

    /// The word the gallery database stores: "grid", "single-1".."single-4", "result".
    pub fn key(self) -> String {
        match self {
            ImageSlot::Grid => "grid".into(),
            ImageSlot::Single(n) => format!("single-{n}"),
            ImageSlot::Result => "result".into(),
            ImageSlot::Video(n) => format!("video-{n}"),
        }
    }

    /// Reads [`ImageSlot::key`] back; `None` for anything else.
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "grid" => Some(ImageSlot::Grid),
            "result" => Some(ImageSlot::Result),
            _ => {
                if let Some(n) = key.strip_prefix("video-") {
                    let n: u8 = n.parse().ok()?;
                    return (1..=MAX_VIDEOS).contains(&n).then_some(ImageSlot::Video(n));
                }
                let n: u8 = key.strip_prefix("single-")?.parse().ok()?;
                (1..=4).contains(&n).then_some(ImageSlot::Single(n))
            }
        }
    }

    fn stem(self) -> String {
        self.file_stem()
    }

    /// True for a video slot.
    pub fn is_video(self) -> bool {
        matches!(self, ImageSlot::Video(_))
    }
}

/// The most videos of one task the library keeps.
pub const MAX_VIDEOS: u8 = 16;

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
const VIDEO_EXTENSIONS: [&str; 4] = ["mp4", "webm", "mov", "avi"];

impl ImageCache {
    /// A cache rooted at `root` (created on first write). `allow_loopback` lets images come
    /// from 127.0.0.1, which only the built-in simulator and tests need: pass
    /// [`crate::is_loopback_base_url`] of the provider's base URL.
    ///
    /// The address policy of [`check_source_url`] holds for every request this cache makes:
    /// each redirect target is checked the same way, and host names are resolved by a
    /// resolver that drops addresses [`ip_allowed`] refuses.
    pub fn new(root: impl Into<PathBuf>, allow_loopback: bool) -> Self {
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            // `previous` holds the first address too, as in `Policy::limited`.
            if attempt.previous().len() > MAX_REDIRECTS {
                return attempt.error("the image server redirected too many times");
            }
            match check_source_url(attempt.url().as_str(), allow_loopback) {
                Ok(_) => attempt.follow(),
                Err(refused) => attempt.error(refused),
            }
        });
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .connect_timeout(Duration::from_secs(15))
            .redirect(redirects)
            .dns_resolver(Arc::new(GuardedResolver {
                allow_loopback,
                proxy_hosts: proxy_hosts_from_env(),
            }))
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
        let extensions = if slot.is_video() {
            VIDEO_EXTENSIONS
        } else {
            EXTENSIONS
        };
        extensions
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
            let (width, height) = if slot.is_video() {
                let v = check_video_bytes(&bytes)?;
                (v.width, v.height)
            } else {
                check_image_bytes(&bytes)?
            };
            return Ok(CachedImage {
                path,
                width,
                height,
            });
        }
        let url = check_source_url(url, self.allow_loopback)?;
        let max = if slot.is_video() {
            MAX_VIDEO_BYTES
        } else {
            MAX_IMAGE_BYTES
        };
        let bytes = self.download(url, max).await?;
        let (width, height, ext) = if slot.is_video() {
            let v = check_video_bytes(&bytes)?;
            (v.width, v.height, v.ext)
        } else {
            let (w, h) = check_image_bytes(&bytes)?;
            let ext = match image::guess_format(&bytes) {
                Ok(image::ImageFormat::Jpeg) => "jpg",
                Ok(image::ImageFormat::WebP) => "webp",
                Ok(image::ImageFormat::Gif) => "gif",
                _ => "png",
            };
            (w, h, ext)
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

    /// Asks whether `url` still answers with a picture, without downloading it: a `HEAD`, and
    /// a `GET` of the first byte when the server refuses `HEAD` (405, 501, or no answer to
    /// it), each within `timeout`. The address policy holds as for downloads (the scheme,
    /// private and loopback hosts, every redirect). Ok when the answer is a 2xx; otherwise a
    /// [`LibraryError`] saying why (refused address, HTTP status, unreachable, too slow).
    pub async fn check_reachable(&self, url: &str, timeout: Duration) -> Result<(), LibraryError> {
        let url = check_source_url(url, self.allow_loopback)?;
        let head = self.http.head(url.clone()).timeout(timeout).send().await;
        let status = match head {
            Ok(resp) if resp.status().is_success() => return Ok(()),
            Ok(resp) if !matches!(resp.status().as_u16(), 405 | 501 | 403) => resp.status(),
            Err(e) if e.is_timeout() || matches!(download_error(&e), LibraryError::Rejected(_)) => {
                return Err(download_error(&e))
            }
            _ => {
                let resp = self
                    .http
                    .get(url)
                    .header(reqwest::header::RANGE, "bytes=0-0")
                    .timeout(timeout)
                    .send()
                    .await
                    .map_err(|e| download_error(&e))?;
                if resp.status().is_success() {
                    return Ok(());
                }
                resp.status()
            }
        };
        Err(LibraryError::Download(format!(
            "the server answered {status}"
        )))
    }

    async fn download(&self, url: url::Url, max: usize) -> Result<Vec<u8>, LibraryError> {
        let resp = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| download_error(&e))?;
        if !resp.status().is_success() {
            return Err(LibraryError::Download(format!(
                "the server answered {}",
                resp.status()
            )));
        }
        if resp.content_length().is_some_and(|n| n > max as u64) {
            return Err(ImageCheckError::TooLarge.into());
        }
        let mut body = Vec::new();
        let mut stream = resp.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| download_error(&e))?;
            if body.len() + chunk.len() > max {
                return Err(ImageCheckError::TooLarge.into());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// True when `task_id` can name a folder: 1..=128 ASCII letters, digits, `-` or `_`.
pub fn is_safe_task_id(task_id: &str) -> bool {
    !task_id.is_empty()
        && task_id.len() <= 128
        && task_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Resolves image hosts with the system resolver, keeping only addresses the policy allows,
/// so a public-looking name that points at this computer or the local network is refused.
/// The one exception is the host of a proxy the user configured (`HTTPS_PROXY`...), which
/// reqwest resolves through here too and which is often `localhost`.
struct GuardedResolver {
    allow_loopback: bool,
    proxy_hosts: Vec<String>,
}

/// The host names of the proxies reqwest reads from the environment.
fn proxy_hosts_from_env() -> Vec<String> {
    ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"]
        .iter()
        .flat_map(|name| [name.to_string(), name.to_ascii_lowercase()])
        .filter_map(|name| std::env::var(name).ok())
        .filter_map(|value| {
            let value = value.trim();
            let with_scheme = if value.contains("://") {
                value.to_string()
            } else {
                format!("http://{value}")
            };
            url::Url::parse(&with_scheme)
                .ok()?
                .host_str()
                .map(|h| h.to_ascii_lowercase())
        })
        .collect()
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        let is_proxy = self
            .proxy_hosts
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&host));
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let (allowed, refused): (Vec<SocketAddr>, Vec<SocketAddr>) = found
                .into_iter()
                .partition(|a| is_proxy || ip_allowed(a.ip(), allow_loopback));
            if allowed.is_empty() {
                if let Some(first) = refused.first() {
                    let why = ImageCheckError::PrivateAddress(format!("{host} is {}", first.ip()));
                    return Err(why.into());
                }
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// A failed request as a library error: a refusal by the address policy (in a redirect or
/// the resolver) stays a refusal; anything else is a download failure worth retrying.
fn download_error(e: &reqwest::Error) -> LibraryError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(refused) = err.downcast_ref::<ImageCheckError>() {
            return LibraryError::Rejected(refused.clone());
        }
        source = err.source();
    }
    LibraryError::Download(plain_reqwest_error(e))
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

    fn redirect(to: &'static str) -> impl axum::response::IntoResponse {
        (
            axum::http::StatusCode::FOUND,
            [(axum::http::header::LOCATION, to)],
        )
    }

    async fn serve() -> String {
        let good = png(40, 30);
        let app = Router::new()
            .route("/good.png", get(move || async move { good.clone() }))
            .route("/html", get(|| async { "<script>alert(1)</script>" }))
            .route("/to-good", get(|| async { redirect("/good.png") }))
            .route(
                "/to-metadata",
                get(|| async { redirect("http://169.254.169.254/latest/meta-data/") }),
            )
            .route(
                "/to-lan",
                get(|| async { redirect("http://192.168.1.1/x.png") }),
            )
            .route(
                "/to-script",
                get(|| async { redirect("javascript:alert(1)") }),
            )
            .route("/to-file", get(|| async { redirect("file:///etc/passwd") }))
            .route(
                "/clip.avi",
                get(|| async { b"RIFF\0\0\0\0AVI LIST\0\0\0\0movi".to_vec() }),
            )
            .route(
                "/no-head.png",
                get(|| async { "a picture" })
                    .head(|| async { (axum::http::StatusCode::METHOD_NOT_ALLOWED, "") }),
            )
            .route("/loop", get(|| async { redirect("/loop") }))
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
    }

    #[tokio::test]
    async fn videos_are_kept_byte_for_byte_and_found_again() {
        let base = serve().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ImageCache::new(dir.path(), true);
        let got = cache
            .fetch("task-v", ImageSlot::Video(2), &format!("{base}/clip.avi"))
            .await
            .expect("a video");
        assert!(got.path.ends_with("task-v/video-2.avi"), "{:?}", got.path);
        assert_eq!(cache.find("task-v", ImageSlot::Video(2)), Some(got.path));
        // An image where a video belongs, and a video where an image belongs, are refused.
        assert!(cache
            .fetch("task-v", ImageSlot::Video(1), &format!("{base}/good.png"))
            .await
            .is_err());
        assert!(cache
            .fetch("task-v", ImageSlot::Result, &format!("{base}/clip.avi"))
            .await
            .is_err());
        assert_eq!(ImageSlot::from_key("video-3"), Some(ImageSlot::Video(3)));
        assert_eq!(ImageSlot::Video(3).key(), "video-3");
        assert_eq!(ImageSlot::from_key("video-99"), None);
    }

    #[tokio::test]
    async fn reachability_is_asked_with_head_then_get_under_the_same_policy() {
        let base = serve().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ImageCache::new(dir.path(), true);
        let t = Duration::from_secs(5);
        assert!(cache
            .check_reachable(&format!("{base}/good.png"), t)
            .await
            .is_ok());
        assert!(cache
            .check_reachable(&format!("{base}/no-head.png"), t)
            .await
            .is_ok());
        let missing = cache.check_reachable(&format!("{base}/missing"), t).await;
        assert!(
            matches!(missing, Err(LibraryError::Download(_))),
            "{missing:?}"
        );
        let lan = cache.check_reachable(&format!("{base}/to-lan"), t).await;
        assert!(matches!(lan, Err(LibraryError::Rejected(_))), "{lan:?}");
        let public_only = ImageCache::new(dir.path(), false);
        let local = public_only
            .check_reachable(&format!("{base}/good.png"), t)
            .await;
        assert!(matches!(local, Err(LibraryError::Rejected(_))), "{local:?}");
        assert!(cache
            .check_reachable("file:///etc/passwd", t)
            .await
            .is_err());
        // Nothing was written.
        assert_eq!(cache.find("x", ImageSlot::Grid), None);
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

    #[tokio::test]
    async fn redirects_are_held_to_the_same_address_policy() {
        let base = serve().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = ImageCache::new(dir.path(), true);
        let ok = cache
            .fetch("r", ImageSlot::Grid, &format!("{base}/to-good"))
            .await
            .expect("a redirect within the allowed hosts is followed");
        assert_eq!((ok.width, ok.height), (40, 30));
        for (i, (path, host)) in [
            ("/to-metadata", "169.254.169.254"),
            ("/to-lan", "192.168.1.1"),
        ]
        .into_iter()
        .enumerate()
        {
            let r = cache
                .fetch(
                    "r",
                    ImageSlot::Single(i as u8 + 1),
                    &format!("{base}{path}"),
                )
                .await;
            match r {
                Err(LibraryError::Rejected(ImageCheckError::PrivateAddress(h))) => {
                    assert_eq!(h, host)
                }
                other => panic!("{path}: {other:?}"),
            }
        }
        for (i, path) in ["/to-script", "/to-file", "/loop"].into_iter().enumerate() {
            let r = cache
                .fetch(
                    "r",
                    ImageSlot::Single(i as u8 + 3),
                    &format!("{base}{path}"),
                )
                .await;
            assert!(r.is_err(), "{path}: {r:?}");
        }
        assert_eq!(cache.find("r", ImageSlot::Single(1)), None);
        assert_eq!(cache.find("r", ImageSlot::Single(3)), None);
    }

    #[tokio::test]
    async fn host_names_resolving_to_refused_addresses_are_dropped() {
        let resolve = |allow_loopback: bool| async move {
            GuardedResolver {
                allow_loopback,
                proxy_hosts: Vec::new(),
            }
            .resolve("localhost".parse().expect("name"))
            .await
        };
        match resolve(false).await {
            Err(e) => {
                let refused = e
                    .downcast_ref::<ImageCheckError>()
                    .expect("a policy refusal");
                assert!(
                    matches!(refused, ImageCheckError::PrivateAddress(h) if h.starts_with("localhost is ")),
                    "{refused:?}"
                );
            }
            Ok(addrs) => panic!("localhost resolved to {:?}", addrs.collect::<Vec<_>>()),
        }
        let addrs: Vec<SocketAddr> = resolve(true).await.expect("allowed").collect();
        assert!(!addrs.is_empty());
        assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
        // A proxy the user configured on this computer is still reachable.
        let proxy = GuardedResolver {
            allow_loopback: false,
            proxy_hosts: vec!["localhost".into()],
        };
        let via_proxy = proxy.resolve("LOCALHOST".parse().expect("name")).await;
        assert!(via_proxy.is_ok_and(|mut a| a.next().is_some()));
    }
}
