//! Atelier's local archive of everything a person made.
//!
//! Provider image links expire (Discord CDN links within about a day), so every result is
//! downloaded into the library folder as soon as its task succeeds. This crate owns that
//! folder: [`ImageCache`] fetches originals (never re-encoded), checks that they are what they
//! claim to be, and stores them under a stable path per task.

mod cache;
mod check;

pub use cache::{CachedImage, ImageCache, ImageSlot};
pub use check::{check_image_bytes, check_source_url, ImageCheckError};

/// Everything that can go wrong while archiving an image, as a sentence a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// The image failed a safety check (scheme, size, format); nothing was written.
    #[error(transparent)]
    Rejected(#[from] ImageCheckError),
    /// The image server could not be reached or answered with an error.
    #[error("The image could not be downloaded ({0}). It will be tried again.")]
    Download(String),
    /// The library folder could not be written.
    #[error("The image could not be saved in the library folder ({0}). Check that the disk is not full and the folder is writable.")]
    Io(#[from] std::io::Error),
}
