//! Images derived from the originals: JPEG thumbnails for the gallery grid and the four
//! quadrants of a 2x2 grid when a provider sent only the grid.
//!
//! Originals are only ever read. Decoding is bounded (at most [`MAX_IMAGE_SIDE`] pixels a
//! side, [`MAX_IMAGE_PIXELS`] pixels in all, read from the header before anything is
//! decoded, and [`MAX_DECODE_ALLOC`] bytes of decoder memory), so a decompression bomb fails
//! cleanly instead of exhausting memory. Outputs are written to a temporary file and renamed
//! into place, so a crash never leaves half a file under the final name.
//!
//! These functions take tens of milliseconds on big images: run them on a blocking thread
//! (`tokio::task::spawn_blocking`) from async code.

use crate::check::{MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE};
use crate::LibraryError;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageError, ImageFormat, ImageReader, Limits};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// The longest side of a gallery thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 384;
/// The most memory a decoder may allocate for one image (512 MiB).
pub const MAX_DECODE_ALLOC: u64 = 512 * 1024 * 1024;
/// JPEG quality of thumbnails.
const JPEG_QUALITY: u8 = 82;

/// Decodes `path` within the memory and size limits. The header's dimensions are checked
/// first, so an image claiming too many pixels is refused before its buffer is allocated.
fn decode_bounded(path: &Path) -> Result<DynamicImage, LibraryError> {
    let (w, h) = ImageReader::open(path)?
        .with_guessed_format()?
        .into_dimensions()
        .map_err(decode_error)?;
    if w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE || u64::from(w) * u64::from(h) > MAX_IMAGE_PIXELS {
        return Err(LibraryError::ImageTooLarge);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    let mut reader = ImageReader::open(path)?.with_guessed_format()?;
    reader.limits(limits);
    reader.decode().map_err(decode_error)
}

/// A decoding failure: running out of bytes means the original is cut short, not that the
/// library folder could not be written.
fn decode_error(e: ImageError) -> LibraryError {
    match e {
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            LibraryError::Image("the file is cut short".into())
        }
        other => image_error(other),
    }
}

fn image_error(e: ImageError) -> LibraryError {
    match e {
        ImageError::Limits(_) => LibraryError::ImageTooLarge,
        ImageError::IoError(io) => LibraryError::Io(io),
        other => LibraryError::Image(other.to_string()),
    }
}

/// Writes through `write` into a temporary file next to `dest`, then renames it into place.
fn write_atomically(
    dest: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), LibraryError>,
) -> Result<(), LibraryError> {
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.part"));
    let result = (|| {
        let mut out = BufWriter::new(File::create(&tmp)?);
        write(&mut out)?;
        out.into_inner()
            .map_err(|e| LibraryError::Io(e.into_error()))?
            .sync_all()?;
        std::fs::rename(&tmp, dest)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Makes a JPEG thumbnail of `src` at `dest` whose longer side is at most `max_side` pixels
/// (never enlarged), keeping the aspect ratio; transparency is flattened. `src` is only read.
/// Returns the thumbnail's (width, height).
pub fn make_thumbnail(src: &Path, dest: &Path, max_side: u32) -> Result<(u32, u32), LibraryError> {
    if max_side == 0 {
        return Err(LibraryError::InvalidInput(
            "A thumbnail must be at least one pixel wide.".into(),
        ));
    }
    let img = decode_bounded(src)?;
    let small = if img.width() > max_side || img.height() > max_side {
        img.thumbnail(max_side, max_side)
    } else {
        img
    };
    let rgb = small.to_rgb8();
    let size = rgb.dimensions();
    write_atomically(dest, |out| {
        JpegEncoder::new_with_quality(out, JPEG_QUALITY)
            .encode_image(&rgb)
            .map_err(image_error)
    })?;
    Ok(size)
}

/// Splits a 2x2 grid into its four quadrants, saved losslessly as `single-1.png` ..
/// `single-4.png` in `out_dir` (1 top-left, 2 top-right, 3 bottom-left, 4 bottom-right; the
/// names [`crate::ImageCache`] uses for singles). With an odd width or height the right /
/// bottom quadrants get the extra pixel. `grid_path` is only read.
pub fn split_grid(grid_path: &Path, out_dir: &Path) -> Result<[PathBuf; 4], LibraryError> {
    let grid = decode_bounded(grid_path)?;
    let (w, h) = (grid.width(), grid.height());
    if w < 2 || h < 2 {
        return Err(LibraryError::Image(format!(
            "a {w}x{h} image is too small to be a 2x2 grid"
        )));
    }
    let (left, top) = (w / 2, h / 2);
    let quadrants = [
        (0, 0, left, top),
        (left, 0, w - left, top),
        (0, top, left, h - top),
        (left, top, w - left, h - top),
    ];
    let mut paths: [PathBuf; 4] = Default::default();
    for (i, (x, y, qw, qh)) in quadrants.into_iter().enumerate() {
        let part = grid.crop_imm(x, y, qw, qh);
        let path = out_dir.join(format!("single-{}.png", i + 1));
        write_atomically(&path, |out| {
            part.write_to(out, ImageFormat::Png).map_err(image_error)
        })?;
        paths[i] = path;
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A grid whose quadrants have four different colours.
    fn write_grid(path: &Path, w: u32, h: u32) {
        let img = image::RgbaImage::from_fn(w, h, |x, y| {
            let q = u8::from(x >= w / 2) + 2 * u8::from(y >= h / 2);
            image::Rgba([q * 60, 255 - q * 60, 7, 255])
        });
        img.save(path).expect("save grid");
    }

    #[test]
    fn thumbnail_keeps_aspect_never_enlarges_and_leaves_the_original() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("grid.png");
        write_grid(&src, 1024, 512);
        let before = std::fs::read(&src).expect("read");
        let dest = dir.path().join("thumbs/grid.jpg");
        assert_eq!(
            make_thumbnail(&src, &dest, THUMBNAIL_SIDE).expect("thumb"),
            (384, 192)
        );
        let thumb = image::open(&dest).expect("open thumb");
        assert_eq!((thumb.width(), thumb.height()), (384, 192));
        assert_eq!(
            image::guess_format(&std::fs::read(&dest).expect("read")).ok(),
            Some(ImageFormat::Jpeg)
        );
        assert_eq!(
            std::fs::read(&src).expect("read"),
            before,
            "original untouched"
        );

        let small = dir.path().join("small.png");
        write_grid(&small, 100, 60);
        assert_eq!(
            make_thumbnail(&small, &dir.path().join("s.jpg"), 384).expect("thumb"),
            (100, 60)
        );
    }

    #[test]
    fn grid_splits_into_four_quadrants_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("grid.png");
        write_grid(&src, 201, 100);
        let parts = split_grid(&src, &dir.path().join("out")).expect("split");
        let sizes = [(100, 50), (101, 50), (100, 50), (101, 50)];
        for (i, p) in parts.iter().enumerate() {
            assert!(p.ends_with(format!("single-{}.png", i + 1)), "{p:?}");
            let img = image::open(p).expect("open").to_rgba8();
            assert_eq!(img.dimensions(), sizes[i]);
            // every pixel has its quadrant's colour: lossless and the right quadrant
            let q = i as u8;
            assert!(
                img.pixels()
                    .all(|px| px.0 == [q * 60, 255 - q * 60, 7, 255]),
                "quadrant {}",
                i + 1
            );
        }
    }

    #[test]
    fn garbage_and_bombs_fail_cleanly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let junk = dir.path().join("junk.png");
        std::fs::write(&junk, b"<html>nope</html>").expect("write");
        assert!(make_thumbnail(&junk, &dir.path().join("j.jpg"), 384).is_err());
        assert!(!dir.path().join("j.jpg").exists());

        // A real 1x1 PNG whose header claims 50000x50000 pixels.
        let mut bytes = std::io::Cursor::new(Vec::new());
        image::RgbImage::new(1, 1)
            .write_to(&mut bytes, ImageFormat::Png)
            .expect("encode");
        let mut bytes = bytes.into_inner();
        bytes[16..20].copy_from_slice(&50_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&50_000u32.to_be_bytes());
        let bomb = dir.path().join("bomb.png");
        std::fs::write(&bomb, &bytes).expect("write");
        let r = split_grid(&bomb, dir.path());
        assert!(
            matches!(r, Err(LibraryError::ImageTooLarge | LibraryError::Image(_))),
            "{r:?}"
        );
        assert!(make_thumbnail(&bomb, &dir.path().join("b.jpg"), 384).is_err());

        // A genuine image wider than the limit is refused by the decoder's limits.
        let wide = dir.path().join("wide.png");
        image::GrayImage::new(MAX_IMAGE_SIDE + 1, 1)
            .save(&wide)
            .expect("save");
        let r = make_thumbnail(&wide, &dir.path().join("w.jpg"), 384);
        assert!(matches!(r, Err(LibraryError::ImageTooLarge)), "{r:?}");
    }
}
