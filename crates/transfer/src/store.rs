//! Where an export is written and where an import is read from: a folder or a `.zip`, the
//! same names inside either.
//!
//! An export is written under a hidden `.<name>.partial` beside its final place and renamed
//! only when complete, so a cancel, an error or a crash never leaves a half export under the
//! name a person asked for ([`ExportTarget::abort`] removes the partial one).

use crate::error::{Result, TransferError};
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};
use ts_rs::TS;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The longest export name accepted.
const MAX_NAME: usize = 200;

/// How an export is packed.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ExportFormat {
    /// A new folder of files.
    Folder,
    /// One `.zip` file (images stored as they are, not compressed again).
    Zip,
}

/// The place an export is being written to.
pub struct ExportTarget {
    partial: PathBuf,
    final_path: PathBuf,
    zip: Option<ZipWriter<BufWriter<File>>>,
}

/// Checks an export name: one file name, not empty, no path separators.
pub fn check_export_name(name: &str) -> Result<&str> {
    let name = name.trim();
    let bad = name.is_empty()
        || name.len() > MAX_NAME
        || name == "."
        || name == ".."
        || name.starts_with('.')
        || name
            .chars()
            .any(|c| matches!(c, '/' | '\\' | '\0') || c.is_control());
    if bad {
        return Err(TransferError::InvalidInput(
            "Give the export a name: one file name, not starting with a dot, without / or \\."
                .into(),
        ));
    }
    Ok(name)
}

impl ExportTarget {
    /// Starts an export called `name` in the folder `dir` (`<dir>/<name>/` or
    /// `<dir>/<name>.zip`). Refuses to replace anything already there.
    pub fn create(dir: &Path, name: &str, format: ExportFormat) -> Result<ExportTarget> {
        let name = check_export_name(name)?;
        if !dir.is_dir() {
            return Err(TransferError::InvalidInput(format!(
                "The folder {} does not exist. Pick a folder that does.",
                dir.display()
            )));
        }
        let file = match format {
            ExportFormat::Folder => name.to_string(),
            ExportFormat::Zip if name.to_lowercase().ends_with(".zip") => name.to_string(),
            ExportFormat::Zip => format!("{name}.zip"),
        };
        let final_path = dir.join(&file);
        if final_path.symlink_metadata().is_ok() {
            return Err(TransferError::AlreadyExists(
                final_path.display().to_string(),
            ));
        }
        let partial = dir.join(format!(".{file}.partial"));
        // A partial left by a crash is ours to replace.
        let _ = fs::remove_dir_all(&partial);
        let _ = fs::remove_file(&partial);
        let zip = match format {
            ExportFormat::Folder => {
                fs::create_dir(&partial).map_err(|e| TransferError::io(&partial, e))?;
                None
            }
            ExportFormat::Zip => {
                let f = File::create_new(&partial).map_err(|e| TransferError::io(&partial, e))?;
                Some(ZipWriter::new(BufWriter::with_capacity(1 << 20, f)))
            }
        };
        Ok(ExportTarget {
            partial,
            final_path,
            zip,
        })
    }

    /// Writes one file of the export. `compress` is for text; images are stored as they are.
    pub fn put(&mut self, name: &str, bytes: &[u8], compress: bool) -> Result<()> {
        match &mut self.zip {
            Some(zip) => {
                let method = if compress {
                    CompressionMethod::Deflated
                } else {
                    CompressionMethod::Stored
                };
                let options = SimpleFileOptions::default()
                    .compression_method(method)
                    .large_file(bytes.len() as u64 >= u32::MAX as u64);
                zip.start_file(name, options)
                    .map_err(|e| TransferError::zip(&self.partial, e))?;
                zip.write_all(bytes)
                    .map_err(|e| TransferError::io(&self.partial, e))
            }
            None => {
                let path = self.partial.join(name);
                if let Some(parent) = path.parent().filter(|p| *p != self.partial) {
                    fs::create_dir_all(parent).map_err(|e| TransferError::io(parent, e))?;
                }
                fs::write(&path, bytes).map_err(|e| TransferError::io(&path, e))
            }
        }
    }

    /// Completes the export and moves it to its name; returns where it is.
    pub fn finish(mut self) -> Result<PathBuf> {
        if let Some(zip) = self.zip.take() {
            let out = zip
                .finish()
                .map_err(|e| TransferError::zip(&self.partial, e))?;
            let file = out
                .into_inner()
                .map_err(|e| TransferError::io(&self.partial, e.into_error()))?;
            file.sync_all()
                .map_err(|e| TransferError::io(&self.partial, e))?;
        }
        if self.final_path.symlink_metadata().is_ok() {
            let taken = self.final_path.display().to_string();
            self.abort();
            return Err(TransferError::AlreadyExists(taken));
        }
        fs::rename(&self.partial, &self.final_path)
            .map_err(|e| TransferError::io(&self.final_path, e))?;
        Ok(self.final_path.clone())
    }

    /// Removes everything written so far.
    pub fn abort(mut self) {
        drop(self.zip.take());
        let _ = fs::remove_dir_all(&self.partial);
        let _ = fs::remove_file(&self.partial);
    }
}

/// An export being read: a folder or a zip file.
pub enum ImportSource {
    /// An export folder.
    Folder(PathBuf),
    /// An export zip file.
    Zip {
        /// The file, for messages.
        path: PathBuf,
        /// The open archive.
        archive: Box<ZipArchive<BufReader<File>>>,
    },
}

/// True for a name an export may contain: relative, no `..`, at most one folder deep.
pub fn is_safe_entry_name(name: &str) -> bool {
    let path = Path::new(name);
    !name.is_empty()
        && !name.contains('\\')
        && !name.contains('\0')
        && path.components().count() <= 2
        && path.components().all(|c| matches!(c, Component::Normal(_)))
}

impl ImportSource {
    /// Opens a folder or a zip file.
    pub fn open(path: &Path) -> Result<ImportSource> {
        let meta = fs::metadata(path).map_err(|e| TransferError::io(path, e))?;
        if meta.is_dir() {
            return Ok(ImportSource::Folder(path.to_path_buf()));
        }
        let file = File::open(path).map_err(|e| TransferError::io(path, e))?;
        let archive = ZipArchive::new(BufReader::new(file))
            .map_err(|_| TransferError::NotAnExport(path.display().to_string()))?;
        Ok(ImportSource::Zip {
            path: path.to_path_buf(),
            archive: Box::new(archive),
        })
    }

    /// Where the export is, for messages.
    pub fn path(&self) -> &Path {
        match self {
            ImportSource::Folder(p) => p,
            ImportSource::Zip { path, .. } => path,
        }
    }

    /// Reads one file of the export, at most `limit` bytes; `Ok(None)` when it is not there.
    pub fn read(&mut self, name: &str, limit: u64) -> std::result::Result<Option<Vec<u8>>, String> {
        if !is_safe_entry_name(name) {
            return Err(format!("{name:?} is not a file name an export may use"));
        }
        let too_big = || format!("{name} is larger than any image Atelier keeps");
        match self {
            ImportSource::Folder(dir) => {
                let path = dir.join(name);
                match fs::metadata(&path) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                    Err(e) => return Err(e.to_string()),
                    Ok(m) if m.len() > limit => return Err(too_big()),
                    Ok(_) => {}
                }
                fs::read(&path).map(Some).map_err(|e| e.to_string())
            }
            ImportSource::Zip { archive, .. } => {
                let entry = match archive.by_name(name) {
                    Ok(e) => e,
                    Err(zip::result::ZipError::FileNotFound) => return Ok(None),
                    Err(e) => return Err(e.to_string()),
                };
                if entry.size() > limit {
                    return Err(too_big());
                }
                let mut out = Vec::with_capacity(entry.size() as usize);
                entry
                    .take(limit + 1)
                    .read_to_end(&mut out)
                    .map_err(|e| e.to_string())?;
                if out.len() as u64 > limit {
                    return Err(too_big());
                }
                Ok(Some(out))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_escape_are_refused() {
        for bad in [
            "",
            "../x.png",
            "/etc/passwd",
            "a/../../b",
            "a\\b",
            "a/b/c.png",
        ] {
            assert!(!is_safe_entry_name(bad), "{bad}");
        }
        for good in ["x.png", ".thumbnails/x.jpg", "manifest.json"] {
            assert!(is_safe_entry_name(good), "{good}");
        }
        for bad in ["", " ", "a/b", "..", ".hidden", "a\\b", "x\0"] {
            assert!(check_export_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_aborted_export_leaves_nothing_and_a_finished_one_has_its_name() {
        for format in [ExportFormat::Folder, ExportFormat::Zip] {
            let dir = tempfile::tempdir().expect("dir");
            let mut t = ExportTarget::create(dir.path(), "out", format).expect("create");
            t.put("a.png", b"data", false).expect("put");
            t.put(".thumbnails/a.jpg", b"thumb", false).expect("put");
            t.abort();
            assert_eq!(
                fs::read_dir(dir.path()).expect("ls").count(),
                0,
                "{format:?}"
            );

            let mut t = ExportTarget::create(dir.path(), "out", format).expect("create");
            t.put("a.png", b"data", false).expect("put");
            t.put(".thumbnails/a.jpg", b"thumb", false).expect("put");
            let done = t.finish().expect("finish");
            let names: Vec<_> = fs::read_dir(dir.path())
                .expect("ls")
                .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
                .collect();
            assert_eq!(names.len(), 1, "{names:?}");
            assert!(matches!(
                ExportTarget::create(dir.path(), "out", format),
                Err(TransferError::AlreadyExists(_))
            ));
            let mut source = ImportSource::open(&done).expect("open");
            assert_eq!(
                source.read("a.png", 100).expect("read"),
                Some(b"data".to_vec())
            );
            assert_eq!(
                source.read(".thumbnails/a.jpg", 100).expect("read"),
                Some(b"thumb".to_vec())
            );
            assert_eq!(source.read("b.png", 100).expect("read"), None);
            assert!(source.read("a.png", 2).is_err(), "over the limit");
            assert!(source.read("../a.png", 100).is_err());
        }
    }
}
