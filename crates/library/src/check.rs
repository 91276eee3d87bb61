//! Safety checks an image must pass before it is kept: where it comes from, how big it is,
//! and whether its bytes really decode as an image of sane dimensions.

use std::io::Cursor;
use url::{Host, Url};

/// The largest image file the library accepts (bytes). Midjourney's 4x upscales are ~30 MB.
pub const MAX_IMAGE_BYTES: usize = 64 * 1024 * 1024;
/// The largest width or height accepted; larger claims are decompression bombs.
pub const MAX_IMAGE_SIDE: u32 = 16_384;

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
    /// The image claims dimensions beyond [`MAX_IMAGE_SIDE`].
    #[error(
        "The image claims to be {0}x{1} pixels, which is too large to be real; it was not kept."
    )]
    TooManyPixels(u32, u32),
}

/// Checks an image address. Loopback addresses are allowed only when `allow_loopback` (the
/// built-in simulator); private and link-local addresses never are.
pub fn check_source_url(raw: &str, allow_loopback: bool) -> Result<Url, ImageCheckError> {
    let url = Url::parse(raw.trim()).map_err(|e| ImageCheckError::BadUrl(e.to_string()))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(ImageCheckError::Scheme(url.scheme().to_string()));
    }
    let private = match url.host() {
        None => return Err(ImageCheckError::BadUrl("no host".into())),
        Some(Host::Domain(d)) => {
            let d = d.to_ascii_lowercase();
            if d == "localhost" || d.ends_with(".localhost") {
                Some(true)
            } else {
                None
            }
        }
        Some(Host::Ipv4(ip)) => {
            if ip.is_loopback() {
                Some(true)
            } else if ip.is_private()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
            {
                Some(false)
            } else {
                None
            }
        }
        Some(Host::Ipv6(ip)) => {
            let seg0 = ip.segments()[0];
            if ip.is_loopback() {
                Some(true)
            } else if ip.is_unspecified() || (seg0 & 0xfe00) == 0xfc00 || (seg0 & 0xffc0) == 0xfe80
            {
                Some(false)
            } else {
                None
            }
        }
    };
    match private {
        Some(true) if allow_loopback => Ok(url),
        Some(_) => Err(ImageCheckError::PrivateAddress(
            url.host_str().unwrap_or_default().to_string(),
        )),
        None => Ok(url),
    }
}

/// Checks downloaded bytes: a known image format whose header decodes to sane dimensions.
/// Reads only the header, so a decompression bomb costs nothing. Returns (width, height).
pub fn check_image_bytes(bytes: &[u8]) -> Result<(u32, u32), ImageCheckError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ImageCheckError::TooLarge);
    }
    let reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ImageCheckError::NotAnImage)?;
    match reader.format() {
        Some(
            image::ImageFormat::Png
            | image::ImageFormat::Jpeg
            | image::ImageFormat::WebP
            | image::ImageFormat::Gif,
        ) => {}
        _ => return Err(ImageCheckError::NotAnImage),
    }
    let (w, h) = reader
        .into_dimensions()
        .map_err(|_| ImageCheckError::NotAnImage)?;
    if w == 0 || h == 0 {
        return Err(ImageCheckError::NotAnImage);
    }
    if w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE {
        return Err(ImageCheckError::TooManyPixels(w, h));
    }
    Ok((w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([10, 20, 30]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png)
            .expect("encode");
        out.into_inner()
    }

    #[test]
    fn refuses_non_web_schemes() {
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:image/png;base64,AAAA",
            "ftp://x/y.png",
        ] {
            assert!(check_source_url(bad, true).is_err(), "{bad}");
        }
        assert!(check_source_url("https://cdn.example.com/a.png", false).is_ok());
    }

    #[test]
    fn loopback_only_when_allowed_and_private_never() {
        assert!(check_source_url("http://127.0.0.1:8787/cdn/x.png", true).is_ok());
        assert!(check_source_url("http://127.0.0.1:8787/cdn/x.png", false).is_err());
        assert!(check_source_url("http://localhost/x.png", false).is_err());
        assert!(check_source_url("http://192.168.1.4/x.png", true).is_err());
        assert!(check_source_url("http://10.0.0.1/x.png", true).is_err());
        assert!(check_source_url("http://169.254.169.254/latest", true).is_err());
        assert!(check_source_url("http://[::1]/x.png", false).is_err());
    }

    #[test]
    fn accepts_real_images_and_reports_size() {
        assert_eq!(check_image_bytes(&png(64, 32)), Ok((64, 32)));
    }

    #[test]
    fn refuses_garbage_and_truncated_images() {
        assert_eq!(
            check_image_bytes(b"<html>not an image</html>"),
            Err(ImageCheckError::NotAnImage)
        );
        let bytes = png(64, 32);
        assert_eq!(
            check_image_bytes(&bytes[..20]),
            Err(ImageCheckError::NotAnImage)
        );
    }

    #[test]
    fn refuses_decompression_bomb_from_header_alone() {
        // A PNG header claiming 50000x50000 pixels, with no real pixel data behind it.
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&50_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&50_000u32.to_be_bytes());
        let r = check_image_bytes(&bytes);
        assert!(
            matches!(
                r,
                Err(ImageCheckError::TooManyPixels(50_000, 50_000))
                    | Err(ImageCheckError::NotAnImage)
            ),
            "{r:?}"
        );
    }
}
