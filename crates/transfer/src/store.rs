//! Where an export is written and where an import is read from: a folder or a `.zip`, the
//! same names inside either.
//!
//! An export is written under a hidden `.<name>.partial` beside its final place and renamed
//! only when complete, so a cancel, an error or a crash never leaves a half export under the
//! name a person asked for ([`ExportTarget::abort`] removes the partial one).

use crate::error::{Result, TransferError};
use crate::manifest::{THUMBNAILS_DIR, THUMBNAILS_PACK};
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
    /// A folder export's [`THUMBNAILS_PACK`], opened with the first thumbnail.
    thumbnails: Option<ZipWriter<BufWriter<File>>>,
}

fn stored() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
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
            thumbnails: None,
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

    /// Writes one thumbnail: under [`THUMBNAILS_DIR`] in a zip, into the
    /// [`THUMBNAILS_PACK`] of a folder.
    pub fn put_thumbnail(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        if self.zip.is_some() {
            return self.put(&format!("{THUMBNAILS_DIR}/{name}"), bytes, false);
        }
        let pack_path = self.partial.join(THUMBNAILS_PACK);
        if self.thumbnails.is_none() {
            let f = File::create_new(&pack_path).map_err(|e| TransferError::io(&pack_path, e))?;
            self.thumbnails = Some(ZipWriter::new(BufWriter::with_capacity(1 << 20, f)));
        }
        let Some(pack) = self.thumbnails.as_mut() else {
            return Ok(());
        };
        pack.start_file(name, stored())
            .map_err(|e| TransferError::zip(&pack_path, e))?;
        pack.write_all(bytes)
            .map_err(|e| TransferError::io(&pack_path, e))
    }

    /// Completes the export and moves it to its name; returns where it is.
    pub fn finish(mut self) -> Result<PathBuf> {
        if let Some(pack) = self.thumbnails.take() {
            let pack_path = self.partial.join(THUMBNAILS_PACK);
            pack.finish()
                .map_err(|e| TransferError::zip(&pack_path, e))?
                .flush()
                .map_err(|e| TransferError::io(&pack_path, e))?;
        }
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
        drop(self.thumbnails.take());
        let _ = fs::remove_dir_all(&self.partial);
        let _ = fs::remove_file(&self.partial);
    }
}

/// An export being read: a folder or a zip file.
pub enum ImportSource {
    /// An export folder, with its [`THUMBNAILS_PACK`] once opened.
    Folder(PathBuf, Option<Box<ZipArchive<BufReader<File>>>>),
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
            return Ok(ImportSource::Folder(path.to_path_buf(), None));
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
            ImportSource::Folder(p, _) => p,
            ImportSource::Zip { path, .. } => path,
        }
    }

    /// Reads one file of the export, at most `limit` bytes; `Ok(None)` when it is not there.
    pub fn read(&mut self, name: &str, limit: u64) -> std::result::Result<Option<Vec<u8>>, String> {
        if !is_safe_entry_name(name) {
            return Err(format!("{name:?} is not a file name an export may use"));
        }
        match self {
            ImportSource::Folder(dir, _) => {
                let too_big = || format!("{name} is larger than any image Atelier keeps");
                let path = dir.join(name);
                match fs::metadata(&path) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                    Err(e) => return Err(e.to_string()),
                    Ok(m) if m.len() > limit => return Err(too_big()),
                    Ok(_) => {}
                }
                fs::read(&path).map(Some).map_err(|e| e.to_string())
            }
            ImportSource::Zip { archive, .. } => read_entry(archive, name, limit),
        }
    }

    /// Reads a thumbnail the manifest names, wherever the export keeps it; `None` when it
    /// is not there (the import then makes one).
    pub fn read_thumbnail(&mut self, name: &str, limit: u64) -> Option<Vec<u8>> {
        if !is_safe_entry_name(name) || name.contains('/') {
            return None;
        }
        match self {
            ImportSource::Zip { archive, .. } => {
                read_entry(archive, &format!("{THUMBNAILS_DIR}/{name}"), limit).ok()?
            }
            ImportSource::Folder(dir, pack) => {
                if pack.is_none() {
                    let file = File::open(dir.join(THUMBNAILS_PACK)).ok()?;
                    *pack = Some(Box::new(ZipArchive::new(BufReader::new(file)).ok()?));
                }
                read_entry(pack.as_mut()?, name, limit).ok()?
            }
        }
    }
}

/// One entry of a zip, at most `limit` bytes; `Ok(None)` when it is not there.
fn read_entry(
    archive: &mut ZipArchive<BufReader<File>>,
    name: &str,
    limit: u64,
) -> std::result::Result<Option<Vec<u8>>, String> {
    let too_big = || format!("{name} is larger than any image Atelier keeps");
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
            t.put_thumbnail("a.jpg", b"thumb").expect("put");
            t.abort();
            assert_eq!(
                fs::read_dir(dir.path()).expect("ls").count(),
                0,
                "{format:?}"
            );

            let mut t = ExportTarget::create(dir.path(), "out", format).expect("create");
            t.put("a.png", b"data", false).expect("put");
            t.put_thumbnail("a.jpg", b"thumb").expect("put");
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
            assert_eq!(source.read_thumbnail("a.jpg", 100), Some(b"thumb".to_vec()));
            assert_eq!(source.read_thumbnail("../a.jpg", 100), None);
            assert_eq!(source.read("b.png", 100).expect("read"), None);
            assert!(source.read("a.png", 2).is_err(), "over the limit");
            assert!(source.read("../a.png", 100).is_err());
        }
    }
}
