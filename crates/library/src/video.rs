//! Videos in the library (JourneyAPI's `/imagine-video` results): telling a video file from
//! anything else by its first bytes, reading its frame size where the container says it
//! cheaply, and finding a poster frame for the gallery's thumbnail. No codec: an AVI of JPEG
//! frames (Motion-JPEG, what the simulator serves) gives its first frame as the poster; an
//! MP4 / QuickTime file gives its size from the track header (`tkhd`) and no poster; WebM /
//! Matroska is recognised with an unknown size. Videos are kept byte for byte.

use crate::LibraryError;

/// The largest video file the library accepts (bytes). Midjourney's videos are a few MB.
pub const MAX_VIDEO_BYTES: usize = 256 * 1024 * 1024;

/// What a video file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoInfo {
    /// The file extension to keep it under: "mp4", "mov", "webm" or "avi".
    pub ext: &'static str,
    /// Frame width in pixels (0 when the container does not say it cheaply).
    pub width: u32,
    /// Frame height in pixels (0 when unknown).
    pub height: u32,
}

/// Checks `bytes` are a video the webview can be handed (MP4, QuickTime, WebM/Matroska or
/// AVI) and reads what it cheaply can. Anything else is refused with a sentence.
pub fn check_video_bytes(bytes: &[u8]) -> Result<VideoInfo, LibraryError> {
    if bytes.len() > MAX_VIDEO_BYTES {
        return Err(LibraryError::Image(format!(
            "The video is larger than {} MB.",
            MAX_VIDEO_BYTES / (1024 * 1024)
        )));
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let ext = if &bytes[8..10] == b"qt" { "mov" } else { "mp4" };
        let (width, height) = mp4_size(bytes).unwrap_or((0, 0));
        return Ok(VideoInfo { ext, width, height });
    }
    if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return Ok(VideoInfo {
            ext: "webm",
            width: 0,
            height: 0,
        });
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"AVI " {
        let (width, height) = avi_size(bytes).unwrap_or((0, 0));
        return Ok(VideoInfo {
            ext: "avi",
            width,
            height,
        });
    }
    Err(LibraryError::Image(
        "The file is not a video (MP4, WebM or AVI).".into(),
    ))
}

/// The first frame of a Motion-JPEG AVI, as JPEG bytes: the video's poster.
pub fn avi_poster(bytes: &[u8]) -> Option<&[u8]> {
    let movi = find(bytes, b"movi")?;
    let mut at = movi + 4;
    // Chunks inside `movi`: 4-byte id, 4-byte little-endian size, data padded to even.
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().ok()?) as usize;
        let data = bytes.get(at + 8..at.checked_add(8)?.checked_add(size)?)?;
        if id.ends_with(b"dc") && data.starts_with(&[0xFF, 0xD8]) {
            return Some(data);
        }
        if id == b"LIST" {
            at += 12;
            continue;
        }
        at += 8 + size + (size & 1);
    }
    None
}

/// The frame size in an AVI's main header (`avih`: width and height at bytes 32 and 36 of
/// its data).
fn avi_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let avih = find(bytes, b"avih")?;
    let data = avih + 8;
    let le = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    let (w, h) = (le(data + 32)?, le(data + 36)?);
    (w > 0 && h > 0 && w <= 16_384 && h <= 16_384).then_some((w, h))
}

/// The size of the first MP4 track that has one (`tkhd`: 16.16 fixed-point width and height
/// in its last 8 bytes).
fn mp4_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut from = 0;
    // Look at a few track headers at most; the video track is usually the first.
    for _ in 0..8 {
        let at = from + find(&bytes[from..], b"tkhd")?;
        let start = at.checked_sub(4)?;
        let size = u32::from_be_bytes(bytes.get(start..at)?.try_into().ok()?) as usize;
        let end = start.checked_add(size)?;
        if size >= 92 && end <= bytes.len() {
            let be = |i: usize| -> Option<u32> {
                Some(u32::from_be_bytes(bytes.get(i..i + 4)?.try_into().ok()?))
            };
            let (w, h) = (be(end - 8)? >> 16, be(end - 4)? >> 16);
            if w > 0 && h > 0 && w <= 16_384 && h <= 16_384 {
                return Some((w, h));
            }
        }
        from = at + 4;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny Motion-JPEG AVI in the layout the simulator writes: `avih` with the size, then
    /// `movi` with one `00dc` chunk holding a JPEG.
    fn avi(jpeg: &[u8], w: u32, h: u32) -> Vec<u8> {
        let mut avih = vec![0u8; 56];
        avih[32..36].copy_from_slice(&w.to_le_bytes());
        avih[36..40].copy_from_slice(&h.to_le_bytes());
        let mut out = b"RIFF\0\0\0\0AVI LIST\0\0\0\0hdrl".to_vec();
        out.extend_from_slice(b"avih");
        out.extend_from_slice(&56u32.to_le_bytes());
        out.extend_from_slice(&avih);
        out.extend_from_slice(b"LIST\0\0\0\0movi00dc");
        out.extend_from_slice(&(jpeg.len() as u32).to_le_bytes());
        out.extend_from_slice(jpeg);
        out
    }

    #[test]
    fn videos_are_told_from_other_files() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0xFF, 0xD9];
        let file = avi(&jpeg, 256, 144);
        assert_eq!(
            check_video_bytes(&file).expect("an AVI"),
            VideoInfo {
                ext: "avi",
                width: 256,
                height: 144
            }
        );
        assert_eq!(avi_poster(&file), Some(&jpeg[..]));

        let mut mp4 = b"\0\0\0\x18ftypisom\0\0\0\0isommp41".to_vec();
        let mut tkhd = vec![0u8; 92];
        tkhd[..4].copy_from_slice(&92u32.to_be_bytes());
        tkhd[4..8].copy_from_slice(b"tkhd");
        tkhd[84..88].copy_from_slice(&(1280u32 << 16).to_be_bytes());
        tkhd[88..92].copy_from_slice(&(720u32 << 16).to_be_bytes());
        mp4.extend_from_slice(&tkhd);
        let info = check_video_bytes(&mp4).expect("an MP4");
        assert_eq!((info.ext, info.width, info.height), ("mp4", 1280, 720));
        assert_eq!(avi_poster(&mp4), None);

        let webm = [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81];
        assert_eq!(check_video_bytes(&webm).expect("WebM").ext, "webm");
        for bad in [&b"\x89PNG\r\n\x1a\n0000"[..], b"<html>", b""] {
            assert!(check_video_bytes(bad).is_err());
        }
        // A damaged AVI is still a video, with no size and no poster.
        let cut = &file[..40];
        assert_eq!(check_video_bytes(cut).expect("AVI").width, 0);
        assert_eq!(avi_poster(cut), None);
    }
}
