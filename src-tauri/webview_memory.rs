//! How much the webview keeps in memory once a picture has left the screen.
//!
//! WebKitGTK's default cache model is a web browser's: it keeps decoded pictures of resources
//! no page shows any more ("dead" resources) in memory, sized for back/forward browsing of
//! image-heavy sites. Atelier's gallery shows up to 40,000 thumbnails in one page as the person
//! scrolls, and each one scrolled past stayed decoded: `bash scripts/bench-gallery.sh` measured
//! the web process growing pass after pass. The document-viewer model keeps no dead resources
//! (thumbnails come from local files, so reading one again costs a file read and a decode).
//! macOS and Windows webviews manage this themselves.

/// Puts the window's webview on WebKitGTK's document-viewer cache model (Linux only).
#[cfg(target_os = "linux")]
pub fn keep_only_what_is_shown(window: &tauri::WebviewWindow) {
    let result = window.with_webview(|webview| {
        use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
        if let Some(context) = webview.inner().context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    });
    if let Err(e) = result {
        tracing::warn!("could not set the webview's cache model: {e}");
    }
}

/// Nothing to do: the platform's webview manages its own cache.
#[cfg(not(target_os = "linux"))]
pub fn keep_only_what_is_shown(_window: &tauri::WebviewWindow) {}
