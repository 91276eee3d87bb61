//! What can go wrong moving images out of or into a library, as sentences.

use atelier_library::LibraryError;
use std::io;
use std::path::Path;

/// Everything that stops an export or an import. A damaged file inside an import is not
/// one of these: it is reported in [`crate::ImportSummary::problems`] and the rest goes on.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// The disk filled up while writing.
    #[error("The disk is full: {0} could not be written. Free some space and try again; nothing half-written was left behind.")]
    DiskFull(String),
    /// The place may not be written (or read).
    #[error("Atelier may not write to {0}. Pick a folder you own, or change its permissions.")]
    Permission(String),
    /// Something else failed reading or writing a file.
    #[error("{path} could not be read or written ({reason}).")]
    Io {
        /// The file or folder.
        path: String,
        /// What the system said.
        reason: String,
    },
    /// The export would replace something that is already there.
    #[error("There is already something named {0}. Pick another name.")]
    AlreadyExists(String),
    /// The import source is not an Atelier export.
    #[error("{0} is not an Atelier export: it has no manifest.json.")]
    NotAnExport(String),
    /// The export's manifest cannot be read.
    #[error("The export's manifest.json is damaged ({0}), so nothing was imported.")]
    BadManifest(String),
    /// The library failed.
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// The request itself is wrong (an empty selection, an empty name...).
    #[error("{0}")]
    InvalidInput(String),
}

impl TransferError {
    /// Turns an I/O error about `path` into the sentence a person can act on.
    pub fn io(path: &Path, e: io::Error) -> TransferError {
        let shown = path.display().to_string();
        match e.kind() {
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
                TransferError::DiskFull(shown)
            }
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
                TransferError::Permission(shown)
            }
            io::ErrorKind::AlreadyExists => TransferError::AlreadyExists(shown),
            _ => TransferError::Io {
                path: shown,
                reason: e.to_string(),
            },
        }
    }

    /// A zip library error about `path`, through [`TransferError::io`] when it is one.
    pub(crate) fn zip(path: &Path, e: zip::result::ZipError) -> TransferError {
        match e {
            zip::result::ZipError::Io(e) => TransferError::io(path, e),
            other => TransferError::Io {
                path: path.display().to_string(),
                reason: other.to_string(),
            },
        }
    }
}

/// This crate's result type.
pub type Result<T, E = TransferError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_full_and_permission_are_sentences() {
        let p = Path::new("/media/usb/export.zip");
        let full = TransferError::io(p, io::Error::from(io::ErrorKind::StorageFull));
        assert!(full
            .to_string()
            .starts_with("The disk is full: /media/usb/export.zip"));
        let denied = TransferError::io(p, io::Error::from(io::ErrorKind::PermissionDenied));
        assert!(denied
            .to_string()
            .contains("may not write to /media/usb/export.zip"));
        let ro = TransferError::io(p, io::Error::from(io::ErrorKind::ReadOnlyFilesystem));
        assert!(matches!(ro, TransferError::Permission(_)));
    }
}
