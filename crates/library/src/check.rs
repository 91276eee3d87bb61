//! Safety checks an image must pass before it is kept: where it comes from, how big it is,
//! and whether its bytes really are a complete image of sane dimensions.
//!
//! The address policy ([`check_source_url`], [`ip_allowed`]) is applied three times per
//! download: to the address the provider sent, to every redirect the server answers with,
//! and to every IP address the host name resolves to (see [`crate::ImageCache`]). So a
//! provider cannot make Atelier fetch from this computer or the local network, whether by
//! an IP literal, a redirect, or a DNS name pointing there.

use std::io::Cursor;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// The largest image file the library accepts (bytes). Midjourney's 4x upscales are ~30 MB.
pub const MAX_IMAGE_BYTES: usize = 64 * 1024 * 1024;
/// The largest width or height accepted; larger claims are decompression bombs.
pub const MAX_IMAGE_SIDE: u32 = 16_384;
/// The most pixels an image may have (64 Mpx, e.g. 8192x8192; Midjourney's largest output is
/// 4096x4096). Decoding one costs at most 256 MiB (RGBA, 8 bits), so a small file whose header
/// claims more is refused before any pixel is decoded.
pub const MAX_IMAGE_PIXELS: u64 = 64 * 1024 * 1024;

/// Why an image or its address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageCheckError {
    /// The address is not an http(s) URL (`javascript:`, `file:`, `data:` ...).
    #[error(
        "The provider sent an image address that is not a web link ({0}); it was not downloaded."
    )]
    Scheme(String),
    /// The address points at this computer or a private network while the provider is public.
    #[error(
        "The provider sent an image address on a private network ({0}); it was not downloaded."
    )]
    PrivateAddress(String),
    /// The address could not be parsed.
    #[error("The provider sent an image address that is not valid ({0}).")]
    BadUrl(String),
    /// The body is larger than [`MAX_IMAGE_BYTES`].
    #[error("The image is larger than {} MB; it was not kept.", MAX_IMAGE_BYTES / (1024 * 1024))]
    TooLarge,
    /// The bytes are not a PNG, JPEG, WebP or GIF image.
    #[error("The provider sent a file that is not an image; it was not kept.")]
    NotAnImage,
    /// The image is cut short: its format's end marker is missing.
    #[error("The provider sent an incomplete image (the file is cut short); it was not kept.")]
    Truncated,
    /// The image claims dimensions beyond [`MAX_IMAGE_SIDE`] or [`MAX_IMAGE_PIXELS`].
    #[error(
        "The image claims to be {0}x{1} pixels, which is too large to be real; it was not kept."
    )]
    TooManyPixels(u32, u32),
}

/// Where an address leads, for the image-source policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// The public internet.
    Public,
    /// This computer (127.0.0.0/8, ::1, `localhost`).
    Loopback,
    /// A private, link-local, shared, multicast or otherwise non-public network.
    Private,
}

impl Reach {
    /// The one policy: public always, loopback only when `allow_loopback`, private never.
    fn allowed(self, allow_loopback: bool) -> bool {
        match self {
            Reach::Public => true,
            Reach::Loopback => allow_loopback,
            Reach::Private => false,
        }
    }
}

fn reach_v4(ip: Ipv4Addr) -> Reach {
    let [a, b, c, _] = ip.octets();
    let non_public = [
        a == 0,                       // 0.0.0.0/8 "this network" (0.0.0.0 reaches localhost)
        ip.is_private(),              // 10/8, 172.16/12, 192.168/16
        ip.is_link_local(),           // 169.254/16 (cloud metadata endpoints)
        a == 100 && (b & 0xc0) == 64, // 100.64/10 carrier-grade NAT
        a == 192 && b == 0 && c == 0, // 192.0.0/24 protocol assignments
        a == 198 && (b & 0xfe) == 18, // 198.18/15 benchmarking
        a >= 224,                     // multicast, reserved, broadcast
    ];
    if ip.is_loopback() {
        Reach::Loopback
    } else if non_public.contains(&true) {
        Reach::Private
    } else {
        Reach::Public
    }
}

fn reach_v6(ip: Ipv6Addr) -> Reach {
    let s = ip.segments();
    if ip.is_loopback() {
        return Reach::Loopback;
    }
    if ip.is_unspecified() {
        return Reach::Private;
    }
    // IPv4 inside IPv6: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::/96)
    // and 6to4 (2002:AABB:CCDD::/48) all lead to the embedded IPv4 address.
    if let Some(v4) = ip.to_ipv4() {
        return reach_v4(v4);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return reach_v4(Ipv4Addr::from(((s[6] as u32) << 16) | s[7] as u32));
    }
    if s[0] == 0x2002 {
        return reach_v4(Ipv4Addr::from(((s[1] as u32) << 16) | s[2] as u32));
    }
    let non_public = [
        (s[0] & 0xfe00) == 0xfc00, // fc00::/7 unique local
        (s[0] & 0xffc0) == 0xfe80, // fe80::/10 link-local
        (s[0] & 0xffc0) == 0xfec0, // fec0::/10 site-local (deprecated)
        (s[0] & 0xff00) == 0xff00, // ff00::/8 multicast
    ];
    if non_public.contains(&true) {
        Reach::Private
    } else {
        Reach::Public
    }
}

fn reach_ip(ip: IpAddr) -> Reach {
    match ip {
        IpAddr::V4(v4) => reach_v4(v4),
        IpAddr::V6(v6) => reach_v6(v6),
    }
}

/// Host names that always mean this computer or the local network, whatever DNS says.
fn reach_domain(domain: &str) -> Reach {
    let d = domain.trim_end_matches('.').to_ascii_lowercase();
    if d == "localhost" || d.ends_with(".localhost") {
        return Reach::Loopback;
    }
    const LOCAL_SUFFIXES: [&str; 6] = [
        ".local",
        ".localdomain",
        ".internal",
        ".lan",
        ".home.arpa",
        ".intranet",
    ];
    // A name without a dot ("router", "nas") is looked up in the local search domains.
    if !d.contains('.') || LOCAL_SUFFIXES.iter().any(|s| d.ends_with(s)) {
        return Reach::Private;
    }
    Reach::Public
}

fn reach_host(host: &Host<&str>) -> Reach {
    match host {
        Host::Domain(d) => reach_domain(d),
        Host::Ipv4(ip) => reach_v4(*ip),
        Host::Ipv6(ip) => reach_v6(*ip),
    }
}

/// True when an image may be fetched from `ip`: any public address; loopback only when
/// `allow_loopback`; private, link-local and other non-public ranges never. Applied to every
/// address a host name resolves to, so a DNS name cannot smuggle in a private address.
pub fn ip_allowed(ip: IpAddr, allow_loopback: bool) -> bool {
    reach_ip(ip).allowed(allow_loopback)
}

/// True when a provider's base URL points at this computer (`http://127.0.0.1:8787`,
/// `http://localhost/`, `http://[::1]/`): the built-in simulator or a local test server.
/// Only then may its images come from loopback addresses too.
pub fn is_loopback_base_url(base_url: &str) -> bool {
    Url::parse(base_url.trim())
        .ok()
        .and_then(|u| u.host().map(|h| reach_host(&h) == Reach::Loopback))
        .unwrap_or(false)
}

/// Checks an image address: only http(s); loopback hosts only when `allow_loopback` (the
/// provider's base URL is itself loopback: the built-in simulator); private, link-local and
/// local-network hosts never. Returns the parsed URL to download.
pub fn check_source_url(raw: &str, allow_loopback: bool) -> Result<Url, ImageCheckError> {
    let raw = raw.trim();
    if raw.len() > 4096 {
        return Err(ImageCheckError::BadUrl("the address is too long".into()));
    }
    let url = Url::parse(raw).map_err(|e| ImageCheckError::BadUrl(e.to_string()))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(ImageCheckError::Scheme(url.scheme().to_string()));
    }
    let Some(host) = url.host() else {
        return Err(ImageCheckError::BadUrl("no host".into()));
    };
    if reach_host(&host).allowed(allow_loopback) {
        Ok(url)
    } else {
        Err(ImageCheckError::PrivateAddress(
            url.host_str().unwrap_or_default().to_string(),
        ))
    }
}

/// True when the bytes carry their format's end: a PNG's chunks run to `IEND` (after an
/// `IDAT`), a JPEG ends with its EOI marker, a WebP holds all its RIFF bytes, a GIF ends with
/// its trailer. Reads no pixel data, so it costs next to nothing.
fn is_complete(format: image::ImageFormat, bytes: &[u8]) -> bool {
    match format {
        image::ImageFormat::Png => {
            let mut pos = 8usize;
            let mut saw_idat = false;
            while let Some(head) = bytes.get(pos..pos + 8) {
                let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
                let Some(end) = pos.checked_add(12).and_then(|p| p.checked_add(len)) else {
                    return false;
                };
                if end > bytes.len() {
                    return false;
                }
                match &head[4..8] {
                    b"IDAT" => saw_idat = true,
                    b"IEND" => return saw_idat,
                    _ => {}
                }
                pos = end;
            }
            false
        }
        image::ImageFormat::Jpeg => {
            // EOI (FF D9) near the end; inside compressed data FF is always followed by 00 or
            // a restart marker, so a cut-off scan cannot end with it by chance.
            let tail = &bytes[bytes.len().saturating_sub(1024)..];
            tail.windows(2).any(|w| w == [0xff, 0xd9])
        }
        image::ImageFormat::WebP => bytes.get(4..8).is_some_and(|n| {
            let riff = u32::from_le_bytes([n[0], n[1], n[2], n[3]]) as usize;
            riff.checked_add(8).is_some_and(|need| need <= bytes.len())
        }),
        image::ImageFormat::Gif => bytes.iter().rev().find(|&&b| b != 0) == Some(&0x3b),
        _ => false,
    }
}

/// Checks downloaded bytes: a known image format, complete, whose header decodes to sane
/// dimensions. Reads only the header and the chunk structure, never the pixels, so a
/// decompression bomb costs nothing. Returns (width, height).
pub fn check_image_bytes(bytes: &[u8]) -> Result<(u32, u32), ImageCheckError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ImageCheckError::TooLarge);
    }
    let reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ImageCheckError::NotAnImage)?;
    let format = match reader.format() {
        Some(
            f @ (image::ImageFormat::Png
            | image::ImageFormat::Jpeg
            | image::ImageFormat::WebP
            | image::ImageFormat::Gif),
        ) => f,
        _ => return Err(ImageCheckError::NotAnImage),
    };
    // A header that does not decode is a file cut short when its structure is incomplete too.
    let (w, h) = reader.into_dimensions().map_err(|_| {
        if is_complete(format, bytes) {
            ImageCheckError::NotAnImage
        } else {
            ImageCheckError::Truncated
        }
    })?;
    if w == 0 || h == 0 {
        return Err(ImageCheckError::NotAnImage);
    }
    if w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE || u64::from(w) * u64::from(h) > MAX_IMAGE_PIXELS {
        return Err(ImageCheckError::TooManyPixels(w, h));
    }
    if !is_complete(format, bytes) {
        return Err(ImageCheckError::Truncated);
    }
    Ok((w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).expect("encode");
        out.into_inner()
    }

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([10, 20, 30]));
        encode(img.into(), image::ImageFormat::Png)
    }

    /// CRC-32 as PNG chunks use it.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A real PNG whose IHDR now claims `w` x `h` (with a correct CRC, so decoders believe it).
    fn png_claiming(w: u32, h: u32) -> Vec<u8> {
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&w.to_be_bytes());
        bytes[20..24].copy_from_slice(&h.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        bytes
    }

    /// Hostile image addresses a provider might send, and what each must give when the
    /// provider is public (`allow_loopback` false).
    const HOSTILE: &[(&str, &str, &str)] = &[
        // not a web link
        ("javascript:alert(1)", "scheme", "scheme"),
        ("JaVaScRiPt:alert(document.cookie)", "scheme", "scheme"),
        ("  javascript:alert(1)", "scheme", "scheme"),
        ("java\tscript:alert(1)", "scheme", "scheme"),
        ("file:///etc/passwd", "scheme", "scheme"),
        ("file://localhost/C:/Windows/win.ini", "scheme", "scheme"),
        ("data:image/png;base64,iVBORw0KGgo=", "scheme", "scheme"),
        (
            "data:text/html,<script>alert(1)</script>",
            "scheme",
            "scheme",
        ),
        ("blob:https://cdn.example.com/0b1c", "scheme", "scheme"),
        ("vbscript:msgbox(1)", "scheme", "scheme"),
        ("ftp://cdn.example.com/a.png", "scheme", "scheme"),
        ("ws://cdn.example.com/a.png", "scheme", "scheme"),
        ("asset://localhost/%2Fetc%2Fpasswd", "scheme", "scheme"),
        ("tauri://localhost/index.html", "scheme", "scheme"),
        ("about:blank", "scheme", "scheme"),
        // not an absolute address
        ("", "bad", "bad"),
        ("/images/a.png", "bad", "bad"),
        ("//cdn.example.com/a.png", "bad", "bad"),
        ("http://", "bad", "bad"),
        // this computer
        ("http://127.0.0.1/x.png", "private", "ok"),
        ("http://127.0.0.1:8787/cdn/x.png", "private", "ok"),
        ("http://127.1/x.png", "private", "ok"),
        ("http://127.255.255.254/x.png", "private", "ok"),
        ("http://2130706433/x.png", "private", "ok"),
        ("http://0x7f000001/x.png", "private", "ok"),
        ("http://0177.0.0.1/x.png", "private", "ok"),
        ("http://localhost/x.png", "private", "ok"),
        ("http://LOCALHOST./x.png", "private", "ok"),
        ("http://cdn.localhost/x.png", "private", "ok"),
        ("http://[::1]/x.png", "private", "ok"),
        ("http://[::ffff:127.0.0.1]/x.png", "private", "ok"),
        ("http://[::ffff:7f00:1]/x.png", "private", "ok"),
        ("http://0.0.0.0/x.png", "private", "private"),
        ("http://[::]/x.png", "private", "private"),
        ("https://cdn.example.com@127.0.0.1/x.png", "private", "ok"),
        // private networks, link-local, shared and multicast ranges
        ("http://10.0.0.1/x.png", "private", "private"),
        ("http://10.255.255.255/x.png", "private", "private"),
        ("http://172.16.0.1/x.png", "private", "private"),
        ("http://172.31.255.254/x.png", "private", "private"),
        ("http://192.168.1.1/x.png", "private", "private"),
        (
            "http://169.254.169.254/latest/meta-data/",
            "private",
            "private",
        ),
        ("http://100.64.0.1/x.png", "private", "private"),
        ("http://224.0.0.1/x.png", "private", "private"),
        ("http://255.255.255.255/x.png", "private", "private"),
        ("http://[fe80::1]/x.png", "private", "private"),
        ("http://[fc00::1]/x.png", "private", "private"),
        ("http://[fd12:3456:789a::1]/x.png", "private", "private"),
        ("http://[ff02::1]/x.png", "private", "private"),
        ("http://[::ffff:10.0.0.1]/x.png", "private", "private"),
        (
            "http://[::ffff:169.254.169.254]/x.png",
            "private",
            "private",
        ),
        ("http://[64:ff9b::a9fe:a9fe]/x.png", "private", "private"),
        ("http://[2002:c0a8:101::1]/x.png", "private", "private"),
        // local-network names
        ("http://router/x.png", "private", "private"),
        ("http://nas.local/x.png", "private", "private"),
        ("http://printer.lan./x.png", "private", "private"),
        (
            "http://metadata.google.internal/computeMetadata/v1/",
            "private",
            "private",
        ),
        ("http://box.home.arpa/x.png", "private", "private"),
    ];

    fn outcome(r: &Result<Url, ImageCheckError>) -> &'static str {
        match r {
            Ok(_) => "ok",
            Err(ImageCheckError::Scheme(_)) => "scheme",
            Err(ImageCheckError::PrivateAddress(_)) => "private",
            Err(ImageCheckError::BadUrl(_)) => "bad",
            Err(_) => "other",
        }
    }

    #[test]
    fn hostile_image_addresses_are_refused_for_a_public_provider() {
        for (url, public, _) in HOSTILE {
            let got = check_source_url(url, false);
            assert_eq!(outcome(&got), *public, "{url:?} gave {got:?}");
        }
    }

    #[test]
    fn only_loopback_becomes_allowed_for_a_loopback_provider() {
        for (url, _, loopback) in HOSTILE {
            let got = check_source_url(url, true);
            assert_eq!(outcome(&got), *loopback, "{url:?} gave {got:?}");
        }
    }

    #[test]
    fn public_image_addresses_are_accepted() {
        for url in [
            "https://cdn.discordapp.com/attachments/1/2/grid_0.png?ex=1&hm=2",
            "https://cdn.midjourney.com/0b1c/0_0.webp",
            "http://172.32.0.1/x.png",
            "http://100.128.0.1/x.png",
            "http://8.8.8.8/x.png",
            "https://[2606:4700:4700::1111]/x.png",
            " https://img.example.com/a b.png ",
        ] {
            assert!(check_source_url(url, false).is_ok(), "{url}");
        }
        let long = format!("https://cdn.example.com/{}", "a".repeat(5000));
        assert!(matches!(
            check_source_url(&long, false),
            Err(ImageCheckError::BadUrl(_))
        ));
    }

    #[test]
    fn refusals_read_as_sentences() {
        let e = check_source_url("javascript:alert(1)", false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "The provider sent an image address that is not a web link (javascript); it was not downloaded."
        );
        let e = check_source_url("http://169.254.169.254/latest", true).unwrap_err();
        assert_eq!(
            e.to_string(),
            "The provider sent an image address on a private network (169.254.169.254); it was not downloaded."
        );
    }

    #[test]
    fn resolved_addresses_follow_the_same_policy() {
        let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
        for public in ["93.184.216.34", "2606:4700::6810:85e5"] {
            assert!(ip_allowed(ip(public), false), "{public}");
        }
        for loopback in ["127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1"] {
            assert!(!ip_allowed(ip(loopback), false), "{loopback}");
            assert!(ip_allowed(ip(loopback), true), "{loopback}");
        }
        for private in [
            "10.1.2.3",
            "172.20.0.1",
            "192.168.0.10",
            "169.254.169.254",
            "0.0.0.0",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:192.168.0.1",
        ] {
            assert!(!ip_allowed(ip(private), false), "{private}");
            assert!(!ip_allowed(ip(private), true), "{private}");
        }
    }

    #[test]
    fn loopback_base_urls_are_recognised_and_tricks_are_not() {
        for base in [
            "http://127.0.0.1:8787",
            "http://127.0.0.1:8787/linkr",
            "http://localhost:3000/api",
            "http://[::1]:9000/",
        ] {
            assert!(is_loopback_base_url(base), "{base}");
        }
        for base in [
            "https://api.linkrapi.com",
            "https://api.journeyapi.co/v1",
            "http://127.0.0.1.evil.example/",
            "http://evil.example/127.0.0.1",
            "http://127.0.0.1@evil.example/",
            "http://localhost.evil.example/",
            "http://10.0.0.1/",
            "not a url",
            "",
        ] {
            assert!(!is_loopback_base_url(base), "{base}");
        }
    }

    #[test]
    fn accepts_complete_images_of_each_format() {
        assert_eq!(check_image_bytes(&png(64, 32)), Ok((64, 32)));
        let img: image::DynamicImage =
            image::RgbImage::from_pixel(8, 4, image::Rgb([9, 9, 9])).into();
        for format in [
            image::ImageFormat::Jpeg,
            image::ImageFormat::WebP,
            image::ImageFormat::Gif,
        ] {
            let rgba = if format == image::ImageFormat::Jpeg {
                img.clone()
            } else {
                img.to_rgba8().into()
            };
            assert_eq!(
                check_image_bytes(&encode(rgba, format)),
                Ok((8, 4)),
                "{format:?}"
            );
        }
    }

    #[test]
    fn refuses_garbage_and_truncated_images() {
        for junk in [
            &b"<html>not an image</html>"[..],
            b"<script>alert(1)</script>",
            b"",
            b"GIF",
            &[0u8; 4096],
        ] {
            assert_eq!(check_image_bytes(junk), Err(ImageCheckError::NotAnImage));
        }
        let bytes = png(64, 32);
        for cut in [
            20,
            33,
            40,
            bytes.len() / 2,
            bytes.len() - 12,
            bytes.len() - 1,
        ] {
            assert_eq!(
                check_image_bytes(&bytes[..cut]),
                Err(ImageCheckError::Truncated),
                "PNG cut at {cut} of {}",
                bytes.len()
            );
        }
        let jpeg = encode(
            image::RgbImage::from_fn(64, 64, |x, y| image::Rgb([x as u8 * 4, y as u8 * 4, 7]))
                .into(),
            image::ImageFormat::Jpeg,
        );
        assert_eq!(check_image_bytes(&jpeg), Ok((64, 64)));
        assert_eq!(
            check_image_bytes(&jpeg[..jpeg.len() - 200]),
            Err(ImageCheckError::Truncated)
        );
        assert_eq!(
            ImageCheckError::Truncated.to_string(),
            "The provider sent an incomplete image (the file is cut short); it was not kept."
        );
    }

    #[test]
    fn refuses_decompression_bombs_from_the_header_alone() {
        // 50000x50000 (past the side limit) and 16384x16384 (within it, past the pixel limit):
        // both headers are valid PNG headers in front of one pixel of data.
        for (w, h) in [
            (50_000, 50_000),
            (16_384, 16_384),
            (8_193, 8_193),
            (1, 16_385),
        ] {
            assert_eq!(
                check_image_bytes(&png_claiming(w, h)),
                Err(ImageCheckError::TooManyPixels(w, h))
            );
        }
        assert_eq!(
            ImageCheckError::TooManyPixels(50_000, 50_000).to_string(),
            "The image claims to be 50000x50000 pixels, which is too large to be real; it was not kept."
        );
    }
}
