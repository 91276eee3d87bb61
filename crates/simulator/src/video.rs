//! Short videos for JourneyAPI's `/imagine-video`, made without any codec library: frames
//! drawn from the start picture with a moving camera and a drifting orb, each encoded as a
//! JPEG, in a Motion-JPEG AVI (RIFF `AVI ` with `hdrl` (`avih`, `strl` with `strh` `vids`/
//! `MJPG` and `strf` BITMAPINFOHEADER), `movi` with one `00dc` chunk per frame, and `idx1`).
//! GStreamer plays it with `avidemux ! jpegdec`; so does anything that reads AVI.

use image::codecs::jpeg::JpegEncoder;
use image::RgbImage;

use crate::images::{hue_rgb, render, Look};
use crate::task::Motion;

/// Long side of a video frame, in pixels.
pub const LONG_SIDE: u32 = 256;
/// Frames per video.
pub const FRAMES: u32 = 24;
/// Frames per second (so a video lasts two seconds).
pub const FPS: u32 = 12;
/// Videos per task.
pub const VIDEOS: usize = 4;
/// JPEG quality of each frame.
const QUALITY: u8 = 80;
/// How much more than a frame the drawn backdrop shows, so the camera can move over it.
const MARGIN: f32 = 1.5;

/// Draws and encodes video `variant` (0..4) of a task: an AVI file.
pub fn render_video(
    start: &Look,
    size: (u32, u32),
    motion: Motion,
    variant: u8,
) -> Result<Vec<u8>, image::ImageError> {
    let frames = draw_frames(start, size, motion, variant, FRAMES);
    let mut jpegs = Vec::with_capacity(frames.len());
    for frame in &frames {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, QUALITY).encode_image(frame)?;
        jpegs.push(out);
    }
    let (w, h) = frames.first().map(RgbImage::dimensions).unwrap_or(size);
    Ok(write_avi(&jpegs, w, h, FPS))
}

fn smooth(t: f32) -> f32 {
    t * t * (3.0 - 2.0 * t)
}

/// The camera at `t` (0..1): centre offset in frame sizes and scale (1 = the start view).
fn camera(variant: u8, amp: f32, t: f32) -> (f32, f32, f32) {
    let s = smooth(t);
    match variant % 4 {
        0 => (0.0, 0.0, 1.0 - 0.3 * amp * s),
        1 => (0.22 * amp * s, 0.0, 1.0 - 0.08 * amp * s),
        2 => (-0.1 * amp * s, -0.18 * amp * s, 1.0 - 0.12 * amp * s),
        _ => (0.0, 0.05 * amp * s, 1.0 + 0.4 * amp * s),
    }
}

/// Draws `count` frames of video `variant`.
pub fn draw_frames(
    start: &Look,
    size: (u32, u32),
    motion: Motion,
    variant: u8,
    count: u32,
) -> Vec<RgbImage> {
    let (w, h) = (size.0.clamp(2, 1024), size.1.clamp(2, 1024));
    let (bw, bh) = (
        (w as f32 * MARGIN).ceil() as u32,
        (h as f32 * MARGIN).ceil() as u32,
    );
    // The same scene seen from further away: a centred w x h window of it is the start view.
    let backdrop = render(&start.zoomed(MARGIN), bw, bh);
    let amp = match motion {
        Motion::Low => 0.5,
        Motion::High => 1.0,
    };
    let orb = hue_rgb(start.hue + 180.0 + f32::from(variant) * 40.0);
    let (fw, fh) = (w as f32, h as f32);
    let (bcx, bcy) = (bw as f32 / 2.0, bh as f32 / 2.0);
    let sample = |x: f32, y: f32| -> [f32; 3] {
        let x = (x - 0.5).clamp(0.0, bw as f32 - 1.0);
        let y = (y - 0.5).clamp(0.0, bh as f32 - 1.0);
        let (x0, y0) = (x.floor() as u32, y.floor() as u32);
        let (x1, y1) = ((x0 + 1).min(bw - 1), (y0 + 1).min(bh - 1));
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let p = |xx: u32, yy: u32| backdrop.get_pixel(xx, yy).0;
        let mut out = [0.0; 3];
        for (c, slot) in out.iter_mut().enumerate() {
            let top = f32::from(p(x0, y0)[c]) * (1.0 - fx) + f32::from(p(x1, y0)[c]) * fx;
            let bottom = f32::from(p(x0, y1)[c]) * (1.0 - fx) + f32::from(p(x1, y1)[c]) * fx;
            *slot = top * (1.0 - fy) + bottom * fy;
        }
        out
    };
    (0..count.max(1))
        .map(|i| {
            let t = i as f32 / (count.max(2) - 1) as f32;
            let (dx, dy, scale) = camera(variant, amp, t);
            // Keep the window inside the backdrop.
            let half_w = fw * scale / 2.0;
            let half_h = fh * scale / 2.0;
            let cx = (bcx + dx * fw).clamp(half_w, bw as f32 - half_w);
            let cy = (bcy + dy * fh).clamp(half_h, bh as f32 - half_h);
            // The orb drifts across the frame (further and bobbing with high motion).
            let phase = f32::from(variant) * 1.7;
            let ox = fw * (0.2 + 0.6 * amp * t + 0.05 * phase.sin());
            let oy = fh * (0.3 + 0.1 * phase.cos())
                + fh * 0.08 * amp * (t * std::f32::consts::TAU * 1.5 + phase).sin();
            let or = fh * (0.05 + 0.02 * amp);
            let mut frame = RgbImage::new(w, h);
            for (x, y, px) in frame.enumerate_pixels_mut() {
                let sx = cx + (x as f32 + 0.5 - fw / 2.0) * scale;
                let sy = cy + (y as f32 + 0.5 - fh / 2.0) * scale;
                let mut c = sample(sx, sy);
                let d = ((x as f32 - ox).powi(2) + (y as f32 - oy).powi(2)).sqrt();
                let glow = ((or * 2.2 - d) / (or * 1.2)).clamp(0.0, 1.0) * 0.45;
                let body = (or - d + 0.5).clamp(0.0, 1.0) * 0.9;
                let a = glow.max(body);
                for (ch, v) in c.iter_mut().enumerate() {
                    *v += (orb[ch] * 255.0 - *v) * a;
                }
                *px = image::Rgb(c.map(|v| v.round().clamp(0.0, 255.0) as u8));
            }
            frame
        })
        .collect()
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A chunk: FOURCC, size, data, and a pad byte when the size is odd.
fn chunk(out: &mut Vec<u8>, fourcc: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(fourcc);
    put_u32(out, len32(data.len()));
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}

/// A `LIST` of `kind` holding `body`.
fn list(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
    out.extend_from_slice(b"LIST");
    put_u32(out, len32(body.len() + 4));
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
}

/// `AVIIF_KEYFRAME`: every MJPEG frame stands alone.
const AVIIF_KEYFRAME: u32 = 0x10;
/// `AVIF_HASINDEX`: the file ends with an `idx1`.
const AVIF_HASINDEX: u32 = 0x10;

/// Wraps JPEG frames of `width` x `height` into a Motion-JPEG AVI at `fps` frames a second.
pub fn write_avi(jpegs: &[Vec<u8>], width: u32, height: u32, fps: u32) -> Vec<u8> {
    let fps = fps.max(1);
    let frames = len32(jpegs.len());
    let biggest = len32(jpegs.iter().map(Vec::len).max().unwrap_or(0));

    let mut avih = Vec::with_capacity(56);
    put_u32(&mut avih, 1_000_000 / fps); // dwMicroSecPerFrame
    put_u32(&mut avih, biggest.saturating_mul(fps)); // dwMaxBytesPerSec
    put_u32(&mut avih, 0); // dwPaddingGranularity
    put_u32(&mut avih, AVIF_HASINDEX); // dwFlags
    put_u32(&mut avih, frames); // dwTotalFrames
    put_u32(&mut avih, 0); // dwInitialFrames
    put_u32(&mut avih, 1); // dwStreams
    put_u32(&mut avih, biggest); // dwSuggestedBufferSize
    put_u32(&mut avih, width);
    put_u32(&mut avih, height);
    avih.extend_from_slice(&[0; 16]); // dwReserved[4]

    let mut strh = Vec::with_capacity(56);
    strh.extend_from_slice(b"vids");
    strh.extend_from_slice(b"MJPG");
    put_u32(&mut strh, 0); // dwFlags
    put_u16(&mut strh, 0); // wPriority
    put_u16(&mut strh, 0); // wLanguage
    put_u32(&mut strh, 0); // dwInitialFrames
    put_u32(&mut strh, 1); // dwScale
    put_u32(&mut strh, fps); // dwRate: fps = rate / scale
    put_u32(&mut strh, 0); // dwStart
    put_u32(&mut strh, frames); // dwLength
    put_u32(&mut strh, biggest); // dwSuggestedBufferSize
    put_u32(&mut strh, u32::MAX); // dwQuality: default
    put_u32(&mut strh, 0); // dwSampleSize: varies
    put_u16(&mut strh, 0); // rcFrame left, top, right, bottom
    put_u16(&mut strh, 0);
    put_u16(&mut strh, u16::try_from(width).unwrap_or(u16::MAX));
    put_u16(&mut strh, u16::try_from(height).unwrap_or(u16::MAX));

    let mut strf = Vec::with_capacity(40);
    put_u32(&mut strf, 40); // biSize
    put_u32(&mut strf, width); // biWidth
    put_u32(&mut strf, height); // biHeight
    put_u16(&mut strf, 1); // biPlanes
    put_u16(&mut strf, 24); // biBitCount
    strf.extend_from_slice(b"MJPG"); // biCompression
    put_u32(&mut strf, width.saturating_mul(height).saturating_mul(3)); // biSizeImage
    put_u32(&mut strf, 0); // biXPelsPerMeter
    put_u32(&mut strf, 0); // biYPelsPerMeter
    put_u32(&mut strf, 0); // biClrUsed
    put_u32(&mut strf, 0); // biClrImportant

    let mut strl = Vec::new();
    chunk(&mut strl, b"strh", &strh);
    chunk(&mut strl, b"strf", &strf);
    let mut hdrl = Vec::new();
    chunk(&mut hdrl, b"avih", &avih);
    list(&mut hdrl, b"strl", &strl);

    let mut movi = Vec::new();
    let mut idx1 = Vec::with_capacity(jpegs.len() * 16);
    for jpeg in jpegs {
        // Offsets count from the `movi` FOURCC, as most writers do.
        let offset = len32(movi.len() + 4);
        chunk(&mut movi, b"00dc", jpeg);
        idx1.extend_from_slice(b"00dc");
        put_u32(&mut idx1, AVIIF_KEYFRAME);
        put_u32(&mut idx1, offset);
        put_u32(&mut idx1, len32(jpeg.len()));
    }

    let mut body = Vec::with_capacity(movi.len() + idx1.len() + 512);
    body.extend_from_slice(b"AVI ");
    list(&mut body, b"hdrl", &hdrl);
    list(&mut body, b"movi", &movi);
    chunk(&mut body, b"idx1", &idx1);
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(b"RIFF");
    put_u32(&mut out, len32(body.len()));
    out.extend_from_slice(&body);
    out
}

/// What [`read_avi`] found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AviInfo {
    /// Frame width (from `avih`).
    pub width: u32,
    /// Frame height.
    pub height: u32,
    /// Frames per second (`strh` rate / scale).
    pub fps: u32,
    /// `avih` total frames.
    pub total_frames: u32,
    /// `strh` fccHandler / `strf` biCompression (both must agree).
    pub codec: [u8; 4],
    /// Each `00dc` chunk's data, in order.
    pub frames: Vec<Vec<u8>>,
    /// Number of `idx1` entries (each checked against its chunk).
    pub index_entries: usize,
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let bytes: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(bytes))
}

fn fourcc_at(b: &[u8], at: usize) -> Option<[u8; 4]> {
    b.get(at..at + 4)?.try_into().ok()
}

/// Walks the chunks in `b[from..to]`, returning (fourcc, data start, data size).
fn chunks(b: &[u8], from: usize, to: usize) -> Option<Vec<([u8; 4], usize, usize)>> {
    let mut out = Vec::new();
    let mut at = from;
    while at < to {
        let id = fourcc_at(b, at)?;
        let size = u32_at(b, at + 4)? as usize;
        let start = at + 8;
        let end = start.checked_add(size)?;
        if end > to {
            return None;
        }
        out.push((id, start, size));
        at = end + size % 2;
    }
    (at == to).then_some(out)
}

/// Reads a Motion-JPEG AVI strictly: every size must add up exactly, the headers must be
/// present, and the index must point at the frames. `None` when anything is off.
pub fn read_avi(b: &[u8]) -> Option<AviInfo> {
    if fourcc_at(b, 0)? != *b"RIFF" || fourcc_at(b, 8)? != *b"AVI " {
        return None;
    }
    if u32_at(b, 4)? as usize + 8 != b.len() {
        return None;
    }
    let top = chunks(b, 12, b.len())?;
    let find_list = |items: &[([u8; 4], usize, usize)], kind: &[u8; 4]| {
        items
            .iter()
            .find(|(id, start, _)| id == b"LIST" && fourcc_at(b, *start) == Some(*kind))
            .copied()
    };
    let (_, hdrl_start, hdrl_size) = find_list(&top, b"hdrl")?;
    let hdrl = chunks(b, hdrl_start + 4, hdrl_start + hdrl_size)?;
    let (_, avih, avih_size) = *hdrl.iter().find(|(id, ..)| id == b"avih")?;
    if avih_size != 56 {
        return None;
    }
    let total_frames = u32_at(b, avih + 16)?;
    let width = u32_at(b, avih + 32)?;
    let height = u32_at(b, avih + 36)?;
    let (_, strl_start, strl_size) = find_list(&hdrl, b"strl")?;
    let strl = chunks(b, strl_start + 4, strl_start + strl_size)?;
    let (_, strh, strh_size) = *strl.iter().find(|(id, ..)| id == b"strh")?;
    let (_, strf, strf_size) = *strl.iter().find(|(id, ..)| id == b"strf")?;
    if strh_size != 56 || strf_size != 40 || fourcc_at(b, strh)? != *b"vids" {
        return None;
    }
    let codec = fourcc_at(b, strh + 4)?;
    if fourcc_at(b, strf + 16)? != codec
        || u32_at(b, strf + 4)? != width
        || u32_at(b, strf + 8)? != height
    {
        return None;
    }
    let scale = u32_at(b, strh + 20)?.max(1);
    let fps = u32_at(b, strh + 24)? / scale;
    let (_, movi_start, movi_size) = find_list(&top, b"movi")?;
    let movi = chunks(b, movi_start + 4, movi_start + movi_size)?;
    let frames: Vec<Vec<u8>> = movi
        .iter()
        .filter(|(id, ..)| id == b"00dc")
        .map(|(_, start, size)| b[*start..*start + *size].to_vec())
        .collect();
    let (_, idx_start, idx_size) = *top.iter().find(|(id, ..)| id == b"idx1")?;
    if idx_size % 16 != 0 || idx_size / 16 != frames.len() {
        return None;
    }
    for (i, (_, start, size)) in movi.iter().enumerate() {
        let e = idx_start + i * 16;
        let offset = u32_at(b, e + 8)? as usize;
        // The entry's offset is from the `movi` FOURCC; it must land on this chunk's header.
        if fourcc_at(b, e)? != *b"00dc"
            || movi_start + offset + 8 != *start
            || u32_at(b, e + 12)? as usize != *size
        {
            return None;
        }
    }
    Some(AviInfo {
        width,
        height,
        fps,
        total_frames,
        codec,
        frames,
        index_entries: idx_size / 16,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::mean_diff;

    #[test]
    fn an_avi_of_jpeg_frames_adds_up() {
        let look = Look::new(7, 200.0);
        let avi = render_video(&look, (64, 36), Motion::High, 1).expect("encodes");
        let info = read_avi(&avi).expect("a well-formed AVI");
        assert_eq!((info.width, info.height), (64, 36));
        assert_eq!(info.fps, FPS);
        assert_eq!(info.total_frames, FRAMES);
        assert_eq!(info.frames.len(), FRAMES as usize);
        assert_eq!(info.index_entries, FRAMES as usize);
        assert_eq!(&info.codec, b"MJPG");
        for frame in &info.frames {
            assert_eq!(&frame[..2], &[0xff, 0xd8], "a JPEG starts with SOI");
            assert_eq!(
                &frame[frame.len() - 2..],
                &[0xff, 0xd9],
                "and ends with EOI"
            );
            let img = image::load_from_memory_with_format(frame, image::ImageFormat::Jpeg)
                .expect("each frame decodes");
            assert_eq!((img.width(), img.height()), (64, 36));
        }
        assert_eq!(
            avi,
            render_video(&look, (64, 36), Motion::High, 1).expect("encodes"),
            "deterministic"
        );
    }

    #[test]
    fn odd_sized_chunks_are_padded_and_sizes_checked() {
        let avi = write_avi(&[vec![1, 2, 3], vec![4, 5]], 8, 8, 10);
        let info = read_avi(&avi).expect("parses");
        assert_eq!(info.frames, vec![vec![1, 2, 3], vec![4, 5]]);
        assert_eq!(avi.len() % 2, 0);
        let mut broken = avi.clone();
        broken[4] ^= 1;
        assert!(read_avi(&broken).is_none(), "a wrong RIFF size is caught");
        assert!(read_avi(&avi[..avi.len() - 4]).is_none());
        assert!(read_avi(b"RIFF").is_none());
    }

    #[test]
    fn frames_move_and_motion_matters() {
        let look = Look::new(11, 40.0);
        let low = draw_frames(&look, (48, 48), Motion::Low, 0, 6);
        let high = draw_frames(&look, (48, 48), Motion::High, 0, 6);
        assert_eq!(low.len(), 6);
        assert!(mean_diff(&low[0], &low[5]) > 1.0, "the video moves");
        assert!(
            mean_diff(&high[0], &high[5]) > mean_diff(&low[0], &low[5]),
            "high motion moves more"
        );
        let other = draw_frames(&look, (48, 48), Motion::Low, 2, 6);
        assert_ne!(
            low[5], other[5],
            "each of the four videos moves its own way"
        );
        // The first frame is the start picture (plus the orb).
        let start = render(&look, 48, 48);
        assert!(mean_diff(&low[0], &start) < 20.0);
    }
}
