//! Putting metadata into an image file without touching its pixels, and taking it out again.
//!
//! The image data is never decoded or re-encoded: [`embed`] only inserts container chunks.
//!
//! - **PNG:** two `iTXt` chunks right after `IHDR`. `Atelier` holds the JSON metadata and
//!   `Description` the prompt (the keyword most viewers show).
//! - **JPEG:** one XMP `APP1` segment after `SOI` (and after a JFIF `APP0`), with the prompt
//!   as `dc:description` and the JSON as `atelier:metadata`.
//! - **WebP:** an `XMP ` chunk at the end. A simple (`VP8 `/`VP8L`) file gains the `VP8X`
//!   header that extended features need.
//!
//! Anything else (GIF, a file that already carries XMP, a packet too big for one JPEG
//! segment) is copied as it is, and the JSON sidecar carries the metadata alone.
//! [`strip`] undoes exactly what [`embed`] added, so an import can restore the original
//! bytes; the caller confirms with the original's CRC-32.

/// The PNG `iTXt` keyword (and the XMP property) that holds Atelier's JSON metadata.
pub const METADATA_KEY: &str = "Atelier";
/// Marks the XMP packets Atelier writes, so [`strip`] never removes someone else's.
const XMP_MARK: &str = "atelier:metadata";
const XMP_NAMESPACE: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
/// The largest payload of one JPEG segment (its 16-bit length counts itself).
const JPEG_SEGMENT_MAX: usize = 65_533;

/// The file formats Atelier keeps, as far as embedding is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// WebP (RIFF).
    WebP,
    /// Anything else (GIF, video...): copied as is.
    Other,
}

impl Container {
    /// Recognises a file by its first bytes.
    pub fn sniff(bytes: &[u8]) -> Container {
        if bytes.starts_with(PNG_SIGNATURE) {
            Container::Png
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Container::Jpeg
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Container::WebP
        } else {
            Container::Other
        }
    }

    /// The file extension an export uses for it.
    pub fn extension(self, fallback: &str) -> String {
        match self {
            Container::Png => "png".into(),
            Container::Jpeg => "jpg".into(),
            Container::WebP => "webp".into(),
            Container::Other => fallback.to_string(),
        }
    }
}

/// What to put into a file.
#[derive(Debug, Clone, Copy)]
pub struct Embedding<'a> {
    /// The prompt, shown by ordinary viewers (PNG `Description`, XMP `dc:description`).
    pub prompt: Option<&'a str>,
    /// Atelier's metadata as one JSON text.
    pub json: &'a str,
}

/// Returns the file with `meta` inserted, or `None` when this file is copied as it is (an
/// unknown or damaged container, existing XMP, a packet too large for JPEG).
pub fn embed(bytes: &[u8], meta: Embedding<'_>) -> Option<Vec<u8>> {
    match Container::sniff(bytes) {
        Container::Png => embed_png(bytes, meta),
        Container::Jpeg => embed_jpeg(bytes, meta),
        Container::WebP => embed_webp(bytes, meta),
        Container::Other => None,
    }
}

/// Returns the file without what [`embed`] added, or `None` when it holds nothing of
/// Atelier's. The result is only the original if nothing else changed the file: compare its
/// CRC-32 with the one recorded at export.
pub fn strip(bytes: &[u8]) -> Option<Vec<u8>> {
    match Container::sniff(bytes) {
        Container::Png => strip_png(bytes),
        Container::Jpeg => strip_jpeg(bytes),
        Container::WebP => strip_webp(bytes),
        Container::Other => None,
    }
}

/// Reads the JSON metadata [`embed`] put into a file (PNG and WebP/JPEG XMP).
pub fn read_embedded(bytes: &[u8]) -> Option<String> {
    match Container::sniff(bytes) {
        Container::Png => png_chunks(bytes)?.into_iter().find_map(|c| {
            (c.kind == *b"iTXt")
                .then(|| parse_itxt(c.data))
                .flatten()
                .filter(|(k, _)| k == METADATA_KEY)
                .map(|(_, text)| text)
        }),
        Container::Jpeg => {
            let (_, seg) = find_our_jpeg_xmp(bytes)?;
            xmp_metadata(&bytes[seg.start + 4 + XMP_NAMESPACE.len()..seg.end])
        }
        Container::WebP => {
            let chunks = riff_chunks(bytes)?;
            let xmp = chunks.iter().find(|c| c.kind == *b"XMP ")?;
            xmp_metadata(xmp.data)
        }
        Container::Other => None,
    }
}

// PNG

struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    /// Where the whole chunk (length .. CRC) starts and ends in the file.
    start: usize,
    end: usize,
}

fn png_chunks(bytes: &[u8]) -> Option<Vec<Chunk<'_>>> {
    let mut pos = PNG_SIGNATURE.len();
    let mut out = Vec::new();
    while pos < bytes.len() {
        let len = u32::from_be_bytes(bytes.get(pos..pos + 4)?.try_into().ok()?) as usize;
        let kind: [u8; 4] = bytes.get(pos + 4..pos + 8)?.try_into().ok()?;
        let data = bytes.get(pos + 8..pos.checked_add(8 + len)?)?;
        let end = pos + 12 + len;
        if end > bytes.len() {
            return None;
        }
        out.push(Chunk {
            kind,
            data,
            start: pos,
            end,
        });
        pos = end;
        if kind == *b"IEND" {
            break;
        }
    }
    (out.first()?.kind == *b"IHDR").then_some(out)
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 12);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out
}

/// An uncompressed international text chunk's data: keyword, no language, UTF-8 text.
fn itxt(keyword: &str, text: &str) -> Vec<u8> {
    let mut data = Vec::with_capacity(keyword.len() + text.len() + 5);
    data.extend_from_slice(keyword.as_bytes());
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(text.as_bytes());
    png_chunk(b"iTXt", &data)
}

/// (keyword, text) of an uncompressed `iTXt` chunk.
fn parse_itxt(data: &[u8]) -> Option<(String, String)> {
    let key_end = data.iter().position(|&b| b == 0)?;
    let keyword = String::from_utf8(data[..key_end].to_vec()).ok()?;
    let rest = data.get(key_end + 1..)?;
    if rest.first() != Some(&0) {
        return None; // compressed: never ours
    }
    let rest = rest.get(2..)?;
    let lang_end = rest.iter().position(|&b| b == 0)?;
    let rest = rest.get(lang_end + 1..)?;
    let trans_end = rest.iter().position(|&b| b == 0)?;
    let text = String::from_utf8(rest.get(trans_end + 1..)?.to_vec()).ok()?;
    Some((keyword, text))
}

fn embed_png(bytes: &[u8], meta: Embedding<'_>) -> Option<Vec<u8>> {
    let chunks = png_chunks(bytes)?;
    let after_header = chunks.first()?.end;
    let mut added = itxt(METADATA_KEY, meta.json);
    if let Some(prompt) = meta.prompt {
        added.extend(itxt("Description", prompt));
    }
    let mut out = Vec::with_capacity(bytes.len() + added.len());
    out.extend_from_slice(&bytes[..after_header]);
    out.extend(added);
    out.extend_from_slice(&bytes[after_header..]);
    Some(out)
}

fn strip_png(bytes: &[u8]) -> Option<Vec<u8>> {
    let chunks = png_chunks(bytes)?;
    let ours = |c: &Chunk<'_>, keys: &[&str]| {
        c.kind == *b"iTXt" && parse_itxt(c.data).is_some_and(|(k, _)| keys.contains(&k.as_str()))
    };
    // Only the run embed() writes: the metadata chunk right after IHDR, then the prompt.
    let first = chunks.get(1)?;
    if !ours(first, &[METADATA_KEY]) {
        return None;
    }
    let mut end = first.end;
    if let Some(next) = chunks.get(2).filter(|c| ours(c, &["Description"])) {
        end = next.end;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..first.start]);
    out.extend_from_slice(&bytes[end..]);
    Some(out)
}

// XMP (JPEG and WebP)

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn xml_unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn xmp_packet(meta: Embedding<'_>) -> String {
    let description = meta.prompt.map_or(String::new(), |p| {
        format!(
            "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>",
            xml_escape(p)
        )
    });
    format!(
        "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:atelier=\"https://atelier.invalid/ns/1.0/\">\
{description}<{XMP_MARK}>{}</{XMP_MARK}></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>",
        xml_escape(meta.json)
    )
}

fn xmp_metadata(packet: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(packet).ok()?;
    let open = format!("<{XMP_MARK}>");
    let start = text.find(&open)? + open.len();
    let end = start + text[start..].find(&format!("</{XMP_MARK}>"))?;
    Some(xml_unescape(&text[start..end]))
}

// JPEG

/// A JPEG marker segment: `start` at its 0xFF, `end` after its payload.
#[derive(Clone, Copy)]
struct Segment {
    marker: u8,
    start: usize,
    end: usize,
}

/// The marker segments before the image data (start of scan), after SOI.
fn jpeg_header_segments(bytes: &[u8]) -> Option<Vec<Segment>> {
    let mut pos = 2;
    let mut out = Vec::new();
    loop {
        if *bytes.get(pos)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(pos + 1)?;
        if marker == 0xDA || marker == 0xD9 {
            return Some(out);
        }
        let len = u16::from_be_bytes(bytes.get(pos + 2..pos + 4)?.try_into().ok()?) as usize;
        if len < 2 || pos + 2 + len > bytes.len() {
            return None;
        }
        out.push(Segment {
            marker,
            start: pos,
            end: pos + 2 + len,
        });
        pos += 2 + len;
    }
}

fn is_xmp(bytes: &[u8], seg: &Segment) -> bool {
    seg.marker == 0xE1 && bytes[seg.start + 4..seg.end].starts_with(XMP_NAMESPACE)
}

/// Atelier's XMP segment, if it is where embed() puts it, with the segments before it.
fn find_our_jpeg_xmp(bytes: &[u8]) -> Option<(Vec<Segment>, Segment)> {
    let segments = jpeg_header_segments(bytes)?;
    let at = usize::from(segments.first().is_some_and(|s| s.marker == 0xE0));
    let seg = *segments.get(at)?;
    let ours = is_xmp(bytes, &seg)
        && xmp_metadata(&bytes[seg.start + 4 + XMP_NAMESPACE.len()..seg.end]).is_some();
    ours.then_some((segments, seg))
}

fn embed_jpeg(bytes: &[u8], meta: Embedding<'_>) -> Option<Vec<u8>> {
    let segments = jpeg_header_segments(bytes)?;
    if segments.iter().any(|s| is_xmp(bytes, s)) {
        return None; // one XMP packet per file: theirs stays, the sidecar carries ours
    }
    let packet = xmp_packet(meta);
    let payload = XMP_NAMESPACE.len() + packet.len();
    if payload > JPEG_SEGMENT_MAX {
        return None;
    }
    let at = match segments.first() {
        Some(s) if s.marker == 0xE0 => s.end,
        _ => 2,
    };
    let mut out = Vec::with_capacity(bytes.len() + payload + 4);
    out.extend_from_slice(&bytes[..at]);
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((payload + 2) as u16).to_be_bytes());
    out.extend_from_slice(XMP_NAMESPACE);
    out.extend_from_slice(packet.as_bytes());
    out.extend_from_slice(&bytes[at..]);
    Some(out)
}

fn strip_jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    let (_, seg) = find_our_jpeg_xmp(bytes)?;
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..seg.start]);
    out.extend_from_slice(&bytes[seg.end..]);
    Some(out)
}

// WebP

const VP8X_XMP: u8 = 0x04;
const VP8X_ALPHA: u8 = 0x10;

fn riff_chunks(bytes: &[u8]) -> Option<Vec<Chunk<'_>>> {
    let declared = u32::from_le_bytes(bytes.get(4..8)?.try_into().ok()?) as usize;
    let file_end = declared.checked_add(8)?.min(bytes.len());
    let mut pos = 12;
    let mut out = Vec::new();
    while pos + 8 <= file_end {
        let kind: [u8; 4] = bytes[pos..pos + 4].try_into().ok()?;
        let len = u32::from_le_bytes(bytes[pos + 4..pos + 8].try_into().ok()?) as usize;
        let data = bytes.get(pos + 8..pos.checked_add(8 + len)?)?;
        let end = (pos + 8 + len + (len & 1)).min(bytes.len());
        out.push(Chunk {
            kind,
            data,
            start: pos,
            end,
        });
        pos = end;
    }
    (!out.is_empty()).then_some(out)
}

fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 9);
    out.extend_from_slice(kind);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

fn riff_file(chunks: &[Vec<u8>]) -> Vec<u8> {
    let body: usize = chunks.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(body + 12);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&((body + 4) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    for c in chunks {
        out.extend_from_slice(c);
    }
    out
}

/// The canvas size and alpha of a simple WebP's one image chunk.
fn simple_webp_canvas(chunk: &Chunk<'_>) -> Option<(u32, u32, bool)> {
    match &chunk.kind {
        b"VP8 " => {
            let d = chunk.data;
            if d.get(3..6)? != [0x9D, 0x01, 0x2A] {
                return None;
            }
            let w = u16::from_le_bytes(d.get(6..8)?.try_into().ok()?) & 0x3FFF;
            let h = u16::from_le_bytes(d.get(8..10)?.try_into().ok()?) & 0x3FFF;
            Some((u32::from(w), u32::from(h), false))
        }
        b"VP8L" => {
            let d = chunk.data;
            if *d.first()? != 0x2F {
                return None;
            }
            let bits = u32::from_le_bytes(d.get(1..5)?.try_into().ok()?);
            let w = (bits & 0x3FFF) + 1;
            let h = ((bits >> 14) & 0x3FFF) + 1;
            Some((w, h, bits & (1 << 28) != 0))
        }
        _ => None,
    }
}

fn vp8x(flags: u8, width: u32, height: u32) -> Vec<u8> {
    let mut data = vec![flags, 0, 0, 0];
    data.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    data.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    riff_chunk(b"VP8X", &data)
}

fn embed_webp(bytes: &[u8], meta: Embedding<'_>) -> Option<Vec<u8>> {
    let chunks = riff_chunks(bytes)?;
    let first = chunks.first()?;
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(chunks.len() + 2);
    if first.kind == *b"VP8X" {
        let flags = *first.data.first()?;
        if flags & VP8X_XMP != 0 || chunks.iter().any(|c| c.kind == *b"XMP ") {
            return None;
        }
        let mut header = bytes[first.start..first.end].to_vec();
        header[8] = flags | VP8X_XMP;
        out.push(header);
        out.extend(chunks[1..].iter().map(|c| bytes[c.start..c.end].to_vec()));
    } else {
        if chunks.len() != 1 {
            return None;
        }
        let (w, h, alpha) = simple_webp_canvas(first)?;
        let flags = VP8X_XMP | if alpha { VP8X_ALPHA } else { 0 };
        out.push(vp8x(flags, w, h));
        out.push(bytes[first.start..first.end].to_vec());
    }
    out.push(riff_chunk(b"XMP ", xmp_packet(meta).as_bytes()));
    Some(riff_file(&out))
}

fn strip_webp(bytes: &[u8]) -> Option<Vec<u8>> {
    let chunks = riff_chunks(bytes)?;
    let (last, rest) = chunks.split_last()?;
    if last.kind != *b"XMP " || xmp_metadata(last.data).is_none() {
        return None;
    }
    let header = rest.first().filter(|c| c.kind == *b"VP8X")?;
    let flags = *header.data.first()?;
    let image_only = rest.len() == 2 && simple_webp_canvas(&rest[1]).is_some();
    // A simple file that embed() extended gets its simple form back.
    if image_only && flags & !(VP8X_XMP | VP8X_ALPHA) == 0 {
        let c = &rest[1];
        return Some(riff_file(&[bytes[c.start..c.end].to_vec()]));
    }
    let mut head = bytes[header.start..header.end].to_vec();
    head[8] = flags & !VP8X_XMP;
    let mut out = vec![head];
    out.extend(rest[1..].iter().map(|c| bytes[c.start..c.end].to_vec()));
    Some(riff_file(&out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, RgbaImage};
    use std::io::Cursor;

    fn encoded(format: ImageFormat) -> Vec<u8> {
        let img = RgbaImage::from_fn(37, 21, |x, y| {
            image::Rgba([(x * 7) as u8, (y * 11) as u8, ((x + y) * 3) as u8, 255])
        });
        let mut out = Cursor::new(Vec::new());
        match format {
            ImageFormat::Jpeg => image::DynamicImage::ImageRgba8(img)
                .to_rgb8()
                .write_to(&mut out, format)
                .expect("encode"),
            _ => img.write_to(&mut out, format).expect("encode"),
        }
        out.into_inner()
    }

    const META: Embedding<'static> = Embedding {
        prompt: Some("a <red> fox & \"friends\" --ar 16:9"),
        json: r#"{"prompt":"a <red> fox","n":1}"#,
    };

    fn pixels(bytes: &[u8]) -> Vec<u8> {
        image::load_from_memory(bytes)
            .expect("the file still decodes")
            .to_rgba8()
            .into_raw()
    }

    #[test]
    fn every_kept_format_takes_the_metadata_keeps_its_pixels_and_gives_the_original_back() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP] {
            let original = encoded(format);
            let with = embed(&original, META).expect("embedded");
            assert_ne!(with, original, "{format:?}");
            assert_eq!(pixels(&with), pixels(&original), "{format:?}");
            assert_eq!(
                read_embedded(&with).as_deref(),
                Some(META.json),
                "{format:?}"
            );
            assert_eq!(strip(&with), Some(original.clone()), "{format:?}");
            assert_eq!(
                strip(&original),
                None,
                "{format:?}: nothing of ours to strip"
            );
        }
    }

    #[test]
    fn the_prompt_is_where_ordinary_viewers_look() {
        let png = embed(&encoded(ImageFormat::Png), META).expect("png");
        let chunks = png_chunks(&png).expect("chunks");
        let texts: Vec<_> = chunks.iter().filter_map(|c| parse_itxt(c.data)).collect();
        assert!(texts.contains(&("Description".into(), META.prompt.unwrap_or("").into())));
        let jpeg = embed(&encoded(ImageFormat::Jpeg), META).expect("jpeg");
        let text = String::from_utf8_lossy(&jpeg);
        assert!(text.contains("<rdf:li xml:lang=\"x-default\">a &lt;red&gt; fox &amp;"));
    }

    #[test]
    fn a_file_that_already_has_xmp_or_is_unknown_is_left_alone() {
        let webp = embed(&encoded(ImageFormat::WebP), META).expect("webp");
        assert_eq!(embed(&webp, META), None);
        let jpeg = embed(&encoded(ImageFormat::Jpeg), META).expect("jpeg");
        assert_eq!(embed(&jpeg, META), None);
        assert_eq!(embed(b"GIF89a....", META), None);
        assert_eq!(embed(b"", META), None);
        let big = "x".repeat(70_000);
        let too_big = Embedding {
            prompt: None,
            json: &big,
        };
        assert_eq!(embed(&encoded(ImageFormat::Jpeg), too_big), None);
    }

    #[test]
    fn damaged_files_are_refused_not_misread() {
        let png = encoded(ImageFormat::Png);
        for cut in [9, 20, 33, png.len() / 2] {
            let _ = embed(&png[..cut], META); // no panic
            let _ = strip(&png[..cut]);
        }
        let jpeg = encoded(ImageFormat::Jpeg);
        for cut in [3, 5, 30] {
            assert_eq!(embed(&jpeg[..cut], META), None);
        }
        let mut webp = encoded(ImageFormat::WebP);
        webp[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        let _ = embed(&webp, META);
    }
}
