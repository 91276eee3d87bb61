//! Drag out of the window: the core makes the files ready (`Atelier::drag_out_files`), and
//! this module hands them to the system's drag from the main thread. On Linux that is GTK 3's
//! drag and drop (the files as a `text/uri-list`, which file managers, browsers and editors
//! take); on macOS and Windows it is CrabNebula's drag-rs (AppKit / OLE), the engine of
//! `tauri-plugin-drag`.
//!
//! drag-rs is not used on Linux because it disconnects its `drag-data-get` handler on GTK's
//! `drop-performed`, which GTK emits when the button is released, before the drop target has
//! asked for the data: another app then gets a drop without files (seen with the e2e tests'
//! GTK drop target under X11). Here the handler stays until `drag-end`.
//!
//! The UI asks with image ids (a selection), never with paths, so the page cannot hand an
//! arbitrary file of this computer to another app.

use atelier_core::{AppError, DragOutFiles, ErrorCode};
use serde::Serialize;
use tauri::{AppHandle, Emitter, WebviewWindow};

/// The event that says a drag out has ended, and whether something took the files.
pub const DRAG_OUT_EVENT: &str = "drag-out-ended";

/// The drag's picture when the image's own cannot be read: the app's icon.
const FALLBACK_ICON: &[u8] = include_bytes!("../icons/64x64.png");

/// The payload of [`DRAG_OUT_EVENT`].
#[derive(Serialize, Clone, Copy, Debug)]
#[serde(rename_all = "camelCase")]
pub struct DragOutEnded {
    /// True when another app (or a collection in this window) took the files.
    pub dropped: bool,
}

/// Hands `staged` to the system's drag, from the main thread (GTK and AppKit want it there);
/// returns how many files the drag carries once it has started. [`DRAG_OUT_EVENT`] follows at
/// its end.
pub async fn start(
    handle: &AppHandle,
    window: WebviewWindow,
    staged: DragOutFiles,
) -> Result<usize, AppError> {
    let count = staged.files.len();
    let icon = staged.icon.unwrap_or_else(|| FALLBACK_ICON.to_vec());
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let emitter = handle.clone();
    let ended = move |dropped: bool| {
        tracing::info!(target: "atelier::drag_out", dropped, "drag out ended");
        if let Err(e) = emitter.emit(DRAG_OUT_EVENT, DragOutEnded { dropped }) {
            tracing::warn!("could not tell the window a drag ended: {e}");
        }
    };
    handle
        .run_on_main_thread(move || {
            let _ = started_tx.send(begin(&window, staged.files, icon, ended));
        })
        .map_err(|e| not_started(&e.to_string()))?;
    match started_rx.await {
        Ok(Ok(())) => {
            tracing::info!(target: "atelier::drag_out", count, "drag out started");
            Ok(count)
        }
        Ok(Err(e)) => Err(not_started(&e)),
        Err(_) => Err(not_started("the window did not answer")),
    }
}

/// The sentence for a drag the system would not start.
fn not_started(why: &str) -> AppError {
    AppError::new(
        ErrorCode::Internal,
        format!("The drag could not start ({why}). Export the images instead (E)."),
    )
}

/// Starts the GTK drag of `files` from the window; `ended(dropped)` runs once it is over.
#[cfg(target_os = "linux")]
fn begin(
    window: &WebviewWindow,
    files: Vec<std::path::PathBuf>,
    icon: Vec<u8>,
    ended: impl Fn(bool) + 'static,
) -> Result<(), String> {
    use gtk::prelude::*;
    use gtk::{gdk, gdk_pixbuf, glib};
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    let source = window.gtk_window().map_err(|e| e.to_string())?;
    // Percent-encoded `file://` URIs (a space in a folder name stays a valid URI).
    let uris: Vec<String> = files
        .iter()
        .filter_map(|p| tauri::Url::from_file_path(p).ok())
        .map(|u| u.to_string())
        .collect();
    let targets = gtk::TargetList::new(&[]);
    targets.add_uri_targets(0);

    let handlers: Rc<RefCell<Vec<glib::SignalHandlerId>>> = Rc::default();
    let failed = Rc::new(Cell::new(false));
    let data = source.connect_drag_data_get(move |_, _, data, _, _| {
        let uris: Vec<&str> = uris.iter().map(String::as_str).collect();
        data.set_uris(&uris);
    });
    let failure = {
        let failed = failed.clone();
        source.connect_drag_failed(move |_, _, _| {
            failed.set(true);
            glib::Propagation::Proceed
        })
    };
    let end = {
        let handlers = handlers.clone();
        let source = source.clone();
        source.clone().connect_drag_end(move |_, _| {
            for id in handlers.borrow_mut().drain(..) {
                source.disconnect(id);
            }
            ended(!failed.get());
        })
    };
    handlers.borrow_mut().extend([data, failure, end]);

    let Some(context) =
        source.drag_begin_with_coordinates(&targets, gdk::DragAction::COPY, 1, None, -1, -1)
    else {
        for id in handlers.borrow_mut().drain(..) {
            source.disconnect(id);
        }
        return Err("the desktop refused it".into());
    };
    let loader = gdk_pixbuf::PixbufLoader::new();
    if loader.write(&icon).and_then(|()| loader.close()).is_ok() {
        if let Some(picture) = loader.pixbuf() {
            context.drag_set_icon_pixbuf(&picture, 0, 0);
        }
    }
    Ok(())
}

/// Starts the system drag of `files` (drag-rs); `ended(dropped)` runs once it is over.
#[cfg(not(target_os = "linux"))]
fn begin(
    window: &WebviewWindow,
    files: Vec<std::path::PathBuf>,
    icon: Vec<u8>,
    ended: impl Fn(bool) + Send + 'static,
) -> Result<(), String> {
    drag::start_drag(
        window,
        drag::DragItem::Files(files),
        drag::Image::Raw(icon),
        move |result, _pointer| ended(matches!(result, drag::DragResult::Dropped)),
        drag::Options::default(),
    )
    .map_err(|e| e.to_string())
}
