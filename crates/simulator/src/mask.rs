//! Vary (Region) masks: reading the `data:image/png;base64,...` mask JourneyAPI's `/inpaint`
//! takes, checking it the way the contract says, keeping a small copy of it, and drawing a
//! quadrant that differs from its parent only inside the mask.

use image::RgbImage;

use crate::images::{render, Look};

/// The prefix a mask must start with.
pub const MASK_PREFIX: &str = "data:image/png;base64,";

/// Side of the stored copy of a mask, in cells (the real mask is scaled to it).
pub const MASK_CELLS: u32 = 256;

/// Why a mask is refused: each a plain sentence for a 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MaskError {
    /// Not a `data:image/png;base64,` URL.
    #[error("mask must be a PNG image as a data:image/png;base64,... URL")]
    NotDataUrl,
    /// The base64 part does not decode.
    #[error("mask is not valid base64")]
    BadBase64,
    /// The bytes are not a PNG.
    #[error("mask is not a PNG image that can be read")]
    NotPng,
    /// The mask is not the image's size.
    #[error(
        "mask must be exactly the size of the image, {want_w}x{want_h} pixels, not {got_w}x{got_h}"
    )]
    WrongSize {
        /// The image's width.
        want_w: u32,
        /// The image's height.
        want_h: u32,
        /// The mask's width.
        got_w: u32,
        /// The mask's height.
        got_h: u32,
    },
    /// No white pixel.
    #[error("mask is empty: paint the area to vary in white")]
    Empty,
    /// No black pixel.
    #[error("mask covers the whole image: leave the part to keep black")]
    Full,
}

/// A small copy of a mask: [`MASK_CELLS`] x [`MASK_CELLS`] cells, set where the area is to
/// be redone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mask {
    bits: Vec<u64>,
}

impl Mask {
    fn new() -> Mask {
        Mask {
            bits: vec![0; (MASK_CELLS * MASK_CELLS).div_ceil(64) as usize],
        }
    }

    fn set(&mut self, x: u32, y: u32) {
        let i = (y * MASK_CELLS + x) as usize;
        if let Some(word) = self.bits.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }

    /// Whether cell (x, y) is set (outside the grid: no).
    pub fn get(&self, x: i64, y: i64) -> bool {
        let n = i64::from(MASK_CELLS);
        if !(0..n).contains(&x) || !(0..n).contains(&y) {
            return false;
        }
        let i = (y * n + x) as usize;
        self.bits
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// How much of the point (u, v) (0..1 across and down) is inside, smoothly between
    /// cells.
    pub fn coverage(&self, u: f32, v: f32) -> f32 {
        let n = MASK_CELLS as f32;
        let (x, y) = (u * n - 0.5, v * n - 0.5);
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let at = |dx: i64, dy: i64| {
            if self.get(x0 as i64 + dx, y0 as i64 + dy) {
                1.0
            } else {
                0.0
            }
        };
        let top = at(0, 0) * (1.0 - fx) + at(1, 0) * fx;
        let bottom = at(0, 1) * (1.0 - fx) + at(1, 1) * fx;
        top * (1.0 - fy) + bottom * fy
    }
}

/// A Vary (Region) result's recipe: outside the mask each quadrant is the parent's picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// The parent's look.
    pub base: Look,
    /// Where the quadrants differ.
    pub mask: Mask,
}

/// Decodes standard base64 (padding optional, whitespace ignored).
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut ended = false;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                ended = true;
                continue;
            }
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        if ended {
            return None;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Reads and checks a mask for an image of `size` pixels: a PNG data URL of exactly that
/// size, with some white (to redo) and some black (to keep). Light, opaque pixels count as
/// white; dark or transparent ones as black.
pub fn parse_mask(data_url: &str, size: (u32, u32)) -> Result<Mask, MaskError> {
    let trimmed = data_url.trim();
    let Some(head) = trimmed.get(..MASK_PREFIX.len()) else {
        return Err(MaskError::NotDataUrl);
    };
    if !head.eq_ignore_ascii_case(MASK_PREFIX) {
        return Err(MaskError::NotDataUrl);
    }
    let bytes = decode_base64(&trimmed[MASK_PREFIX.len()..]).ok_or(MaskError::BadBase64)?;
    let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
        .map_err(|_| MaskError::NotPng)?
        .to_luma_alpha8();
    let (w, h) = img.dimensions();
    if (w, h) != size {
        return Err(MaskError::WrongSize {
            want_w: size.0,
            want_h: size.1,
            got_w: w,
            got_h: h,
        });
    }
    let (mut white, mut black) = (false, false);
    for p in img.pixels() {
        if p.0[0] >= 128 && p.0[1] >= 128 {
            white = true;
        } else {
            black = true;
        }
        if white && black {
            break;
        }
    }
    if !white {
        return Err(MaskError::Empty);
    }
    if !black {
        return Err(MaskError::Full);
    }
    // The small copy: a cell is set when any pixel in it is white (so thin strokes stay) or,
    // for masks smaller than the copy, when the pixel under its centre is.
    let is_white = |x: u32, y: u32| {
        let p = img.get_pixel(x, y);
        p.0[0] >= 128 && p.0[1] >= 128
    };
    let mut mask = Mask::new();
    for (x, y, _) in img.enumerate_pixels().filter(|(x, y, _)| is_white(*x, *y)) {
        let cx = (u64::from(x) * u64::from(MASK_CELLS) / u64::from(w)) as u32;
        let cy = (u64::from(y) * u64::from(MASK_CELLS) / u64::from(h)) as u32;
        mask.set(cx, cy);
    }
    for cy in 0..MASK_CELLS {
        for cx in 0..MASK_CELLS {
            let x = ((u64::from(cx) * 2 + 1) * u64::from(w) / (2 * u64::from(MASK_CELLS))) as u32;
            let y = ((u64::from(cy) * 2 + 1) * u64::from(h) / (2 * u64::from(MASK_CELLS))) as u32;
            if is_white(x.min(w - 1), y.min(h - 1)) {
                mask.set(cx, cy);
            }
        }
    }
    Ok(mask)
}

/// Draws one Vary (Region) quadrant: the region's base picture, with `inner` (tinted a
/// little towards its hue so the change shows) inside the mask.
pub fn render_region(region: &Region, inner: &Look, width: u32, height: u32) -> RgbImage {
    let mut out = render(&region.base, width, height);
    let varied = render(inner, width, height);
    let (w, h) = out.dimensions();
    let tint = crate::images::hue_rgb(inner.hue);
    for (x, y, p) in out.enumerate_pixels_mut() {
        let a = region
            .mask
            .coverage((x as f32 + 0.5) / w as f32, (y as f32 + 0.5) / h as f32);
        if a <= 0.0 {
            continue;
        }
        let q = varied.get_pixel(x, y);
        for ((out, new), t) in p.0.iter_mut().zip(q.0).zip(tint) {
            let inside = f32::from(new) * 0.8 + t * 255.0 * 0.2;
            let v = f32::from(*out) * (1.0 - a) + inside * a;
            *out = v.round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma};

    fn data_url(img: &GrayImage) -> String {
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("encodes");
        format!("{MASK_PREFIX}{}", encode_base64(&png))
    }

    pub(crate) fn encode_base64(bytes: &[u8]) -> String {
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    s.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    s.push('=');
                }
            }
        }
        s
    }

    #[test]
    fn base64_round_trips() {
        for bytes in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"\x00\xff\x10 hello",
        ] {
            assert_eq!(decode_base64(&encode_base64(bytes)).as_deref(), Some(bytes));
        }
        assert_eq!(decode_base64("Zm9v\nYmFy"), Some(b"foobar".to_vec()));
        assert_eq!(decode_base64("Zm9v!"), None);
        assert_eq!(decode_base64("Zg==Zg"), None);
    }

    #[test]
    fn masks_are_checked() {
        let mut img = GrayImage::new(40, 20);
        assert_eq!(parse_mask(&data_url(&img), (40, 20)), Err(MaskError::Empty));
        for p in img.pixels_mut() {
            *p = Luma([255]);
        }
        assert_eq!(parse_mask(&data_url(&img), (40, 20)), Err(MaskError::Full));
        let mut img = GrayImage::new(40, 20);
        for x in 0..10 {
            for y in 0..10 {
                img.put_pixel(x, y, Luma([255]));
            }
        }
        let url = data_url(&img);
        let mask = parse_mask(&url, (40, 20)).expect("a good mask");
        assert!(mask.coverage(0.05, 0.05) > 0.9);
        assert!(mask.coverage(0.9, 0.9) < 0.01);
        assert!(matches!(
            parse_mask(&url, (41, 20)),
            Err(MaskError::WrongSize {
                want_w: 41,
                got_w: 40,
                ..
            })
        ));
        assert_eq!(
            parse_mask("https://x/y.png", (40, 20)),
            Err(MaskError::NotDataUrl)
        );
        assert_eq!(
            parse_mask(&format!("{MASK_PREFIX}!!!"), (40, 20)),
            Err(MaskError::BadBase64)
        );
        assert_eq!(
            parse_mask(
                &format!("{MASK_PREFIX}{}", encode_base64(b"GIF89a")),
                (40, 20)
            ),
            Err(MaskError::NotPng)
        );
        // A transparent white pixel is not part of the area.
        let mut rgba = image::RgbaImage::new(4, 4);
        rgba.put_pixel(0, 0, image::Rgba([255, 255, 255, 255]));
        rgba.put_pixel(1, 0, image::Rgba([255, 255, 255, 0]));
        let mut png = Vec::new();
        rgba.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("encodes");
        let mask =
            parse_mask(&format!("{MASK_PREFIX}{}", encode_base64(&png)), (4, 4)).expect("parses");
        assert!(mask.coverage(0.125, 0.125) > 0.5);
        assert!(mask.coverage(0.375, 0.125) < 0.6);
    }

    #[test]
    fn only_the_masked_area_changes() {
        let mut img = GrayImage::new(64, 64);
        for x in 32..64 {
            for y in 0..64 {
                img.put_pixel(x, y, Luma([255]));
            }
        }
        let mask = parse_mask(&data_url(&img), (64, 64)).expect("mask");
        let base = Look::new(5, 30.0);
        let region = Region { base, mask };
        let inner = base.mutated(0.9, 3);
        let out = render_region(&region, &inner, 64, 64);
        let plain = render(&base, 64, 64);
        let diff = |x0: u32, x1: u32| -> u64 {
            let mut d = 0;
            for y in 0..64 {
                for x in x0..x1 {
                    let (a, b) = (out.get_pixel(x, y).0, plain.get_pixel(x, y).0);
                    d += (0..3).map(|c| u64::from(a[c].abs_diff(b[c]))).sum::<u64>();
                }
            }
            d
        };
        assert_eq!(diff(0, 30), 0, "the kept half is the parent's");
        assert!(diff(34, 64) > 64 * 30 * 3 * 4, "the masked half differs");
    }
}
