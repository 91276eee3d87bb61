//! Checks for the extra input of the newer buttons (Vary (Region)'s mask, Custom Zoom's ratio
//! and aspect ratio) and for the creation modes ([`CreateRequest`]), plus the JourneyAPI body
//! each creation mode sends. Like [`crate::validate`], every check runs before anything is
//! sent and answers with [`ProviderError::InvalidInput`] and a sentence saying what to change.

use serde_json::{json, Value};

use crate::error::{ProviderError, Result};
use crate::model::{CreateRequest, ProviderKind};
use crate::validate;

/// The prefix a mask must have.
pub const MASK_PREFIX: &str = "data:image/png;base64,";
/// The largest mask accepted, in characters of its data URL (about 15 MB of PNG).
pub const MAX_MASK_CHARS: usize = 20 * 1024 * 1024;
/// The largest side of a mask, in pixels (Midjourney's upscales are at most a few thousand).
pub const MAX_MASK_SIDE: u32 = 16_384;
/// The fewest images a blend takes.
pub const BLEND_MIN: usize = 2;
/// The most images a blend takes.
pub const BLEND_MAX: usize = 5;
/// The PNG file signature.
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Checks a Vary (Region) mask: a `data:image/png;base64,` URL whose base64 decodes to a PNG
/// (signature and `IHDR` read; at most [`MAX_MASK_SIDE`] pixels a side). Returns the PNG's
/// width and height. Whether anything is selected is the mask editor's check: this crate does
/// not decode pixels.
pub fn mask(raw: &str) -> Result<(u32, u32)> {
    let bad = |why: &str| ProviderError::invalid("mask", why);
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(bad(
            "The mask is empty. Paint the area to change, then send it.",
        ));
    }
    if raw.len() > MAX_MASK_CHARS {
        return Err(bad(
            "The mask is too large to send. Paint it on the image as shown, then send it again.",
        ));
    }
    let Some(data) = raw.strip_prefix(MASK_PREFIX) else {
        return Err(bad(
            "The mask must be a PNG picture (a data:image/png;base64 link). Paint it again in \
             the mask editor.",
        ));
    };
    let bytes = decode_base64(data).ok_or_else(|| {
        bad("The mask could not be read: its base64 text is damaged. Paint it again.")
    })?;
    if bytes.len() < 24 || bytes[..8] != PNG_SIGNATURE || &bytes[12..16] != b"IHDR" {
        return Err(bad(
            "The mask is not a PNG picture. Paint it again in the mask editor.",
        ));
    }
    let be =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let (w, h) = (be(16), be(20));
    if w == 0 || h == 0 {
        return Err(bad("The mask is empty (0 pixels). Paint it again."));
    }
    if w > MAX_MASK_SIDE || h > MAX_MASK_SIDE {
        return Err(bad(&format!(
            "The mask is {w}x{h} pixels, larger than any Midjourney image. Paint it again on the \
             image."
        )));
    }
    Ok((w, h))
}

/// Checks Custom Zoom's ratio: a number above 1 and at most 2.
pub fn zoom_ratio(ratio: Option<f64>) -> Result<f64> {
    match ratio {
        None => Err(ProviderError::invalid(
            "zoom_ratio",
            "Choose how far to zoom out: a number above 1 and at most 2.",
        )),
        Some(r) if r.is_finite() && r > 1.0 && r <= 2.0 => Ok(r),
        Some(r) => Err(ProviderError::invalid(
            "zoom_ratio",
            format!(
                "A zoom of {} is out of range: choose a number above 1 and at most 2 \
                 (Make Square is its own button).",
                if r.is_finite() {
                    r.to_string()
                } else {
                    "that size".to_string()
                }
            ),
        )),
    }
}

/// Checks Custom Zoom's optional aspect ratio: `W:H` with whole numbers from 1 to 100.
pub fn zoom_aspect_ratio(ratio: &str) -> Result<()> {
    let ok = ratio.trim().split_once(':').is_some_and(|(w, h)| {
        [w, h]
            .iter()
            .all(|n| n.parse::<u32>().is_ok_and(|n| (1..=100).contains(&n)))
    });
    if ok {
        Ok(())
    } else {
        Err(ProviderError::invalid(
            "aspect_ratio",
            format!(
                "\"{}\" is not an aspect ratio. Write it as width:height, like 16:9.",
                ratio.trim().chars().take(40).collect::<String>()
            ),
        ))
    }
}

/// Checks a creation mode's input: blend 2 to 5 http(s) image links, describe and video one,
/// shorten and video a prompt.
pub fn create(req: &CreateRequest) -> Result<()> {
    match req {
        CreateRequest::Blend { image_urls, .. } => {
            let n = image_urls.len();
            if !(BLEND_MIN..=BLEND_MAX).contains(&n) {
                return Err(ProviderError::invalid(
                    "image_urls",
                    format!(
                        "A blend takes {BLEND_MIN} to {BLEND_MAX} images, not {n}. {}",
                        if n < BLEND_MIN {
                            "Add another image."
                        } else {
                            "Remove some images."
                        }
                    ),
                ));
            }
            for url in image_urls {
                validate::http_url("image_urls", url)?;
            }
        }
        CreateRequest::Describe { image_url } => image("image_url", image_url)?,
        CreateRequest::Shorten { prompt } => validate::prompt(prompt)?,
        CreateRequest::Video {
            prompt, image_url, ..
        } => {
            image("image_url", image_url)?;
            validate::prompt(prompt)?;
        }
    }
    Ok(())
}

/// [`create`] for a provider: LinkrAPI has no creation modes, so it is refused with a
/// sentence naming JourneyAPI ("LinkrAPI cannot blend images: choose JourneyAPI.").
pub fn create_for(provider: ProviderKind, req: &CreateRequest) -> Result<()> {
    match provider {
        ProviderKind::Linkr => Err(ProviderError::invalid(
            "provider",
            format!("LinkrAPI cannot {}: choose JourneyAPI.", req.words()),
        )),
        ProviderKind::Journey => create(req),
    }
}

/// One required image link.
fn image(field: &str, url: &str) -> Result<()> {
    if url.trim().is_empty() {
        return Err(ProviderError::invalid(
            field,
            "Add an image: a link that starts with http:// or https://.",
        ));
    }
    validate::http_url(field, url)
}

/// The JourneyAPI endpoint and JSON body of a creation mode (checked with [`create`] first).
pub fn journey_create_body(req: &CreateRequest) -> (&'static str, Value) {
    match req {
        CreateRequest::Blend {
            image_urls,
            dimension,
        } => (
            "blend",
            json!({
                "image_urls": image_urls.iter().map(|u| u.trim()).collect::<Vec<_>>(),
                "dimension": dimension.as_str(),
            }),
        ),
        CreateRequest::Describe { image_url } => {
            ("describe", json!({ "image_url": image_url.trim() }))
        }
        CreateRequest::Shorten { prompt } => ("shorten", json!({ "prompt": prompt.trim() })),
        CreateRequest::Video {
            prompt,
            image_url,
            motion,
        } => (
            "imagine-video",
            json!({
                "prompt": prompt.trim(),
                "image_url": image_url.trim(),
                "motion": motion.as_str(),
            }),
        ),
    }
}

/// Standard base64 (padding optional, whitespace ignored); None when it is not base64.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    }
    let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let body = clean
        .strip_suffix(b"==")
        .or_else(|| clean.strip_suffix(b"="))
        .unwrap_or(&clean);
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    for chunk in body.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= value(c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{BlendDimension, VideoMotion};

    /// A PNG header (signature + IHDR) of `w` x `h`, base64 in a data URL. Real PNG encoders
    /// write more chunks; the check reads only this far.
    pub(crate) fn png_mask(w: u32, h: u32) -> String {
        let mut bytes = PNG_SIGNATURE.to_vec();
        bytes.extend_from_slice(&13u32.to_be_bytes());
        bytes.extend_from_slice(b"IHDR");
        bytes.extend_from_slice(&w.to_be_bytes());
        bytes.extend_from_slice(&h.to_be_bytes());
        bytes.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
        format!("{MASK_PREFIX}{}", encode(&bytes))
    }

    fn encode(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = String::new();
        for c in bytes.chunks(3) {
            let n = (c[0] as u32) << 16
                | (*c.get(1).unwrap_or(&0) as u32) << 8
                | *c.get(2).unwrap_or(&0) as u32;
            for i in 0..4 {
                if i <= c.len() {
                    s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    s.push('=');
                }
            }
        }
        s
    }

    #[test]
    fn base64_round_trips() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            assert_eq!(decode_base64(&encode(&bytes)), Some(bytes.clone()), "{len}");
        }
        assert_eq!(decode_base64("a$bc"), None);
        assert_eq!(decode_base64("abcde"), None);
    }

    #[test]
    fn masks() {
        assert_eq!(mask(&png_mask(1024, 768)), Ok((1024, 768)));
        let reason = |raw: &str| match mask(raw) {
            Err(ProviderError::InvalidInput { field, reason }) => {
                assert_eq!(field, "mask");
                reason
            }
            other => panic!("{other:?}"),
        };
        assert!(reason("").contains("empty"));
        assert!(reason("https://x.test/mask.png").contains("PNG picture"));
        assert!(reason("data:image/jpeg;base64,/9j/4AAQ").contains("PNG picture"));
        assert!(reason("data:image/png;base64,@@@@").contains("damaged"));
        assert!(reason(&format!(
            "{MASK_PREFIX}{}",
            encode(b"GIF89a but longer than 24 bytes")
        ))
        .contains("not a PNG"));
        assert!(reason(&png_mask(0, 10)).contains("0 pixels"));
        assert!(reason(&png_mask(40_000, 10)).contains("larger than any"));
    }

    #[test]
    fn zooms() {
        assert_eq!(zoom_ratio(Some(2.0)), Ok(2.0));
        assert_eq!(zoom_ratio(Some(1.01)), Ok(1.01));
        for bad in [1.0, 0.5, 2.01, f64::NAN, f64::INFINITY, -1.0] {
            let e = zoom_ratio(Some(bad)).unwrap_err();
            assert!(
                e.to_string().contains("above 1 and at most 2"),
                "{bad}: {e}"
            );
        }
        assert!(zoom_ratio(None).is_err());
        assert!(zoom_aspect_ratio("16:9").is_ok());
        assert!(zoom_aspect_ratio("5:4").is_ok());
        for bad in ["", "16/9", "0:1", "a:b", "1000:1"] {
            assert!(zoom_aspect_ratio(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn creation_modes_are_checked() {
        let blend = |n: usize| CreateRequest::Blend {
            image_urls: (0..n).map(|i| format!("https://x.test/{i}.png")).collect(),
            dimension: BlendDimension::Square,
        };
        assert!(create(&blend(2)).is_ok());
        assert!(create(&blend(5)).is_ok());
        assert_eq!(
            create(&blend(1)).unwrap_err().to_string(),
            "A blend takes 2 to 5 images, not 1. Add another image."
        );
        assert_eq!(
            create(&blend(6)).unwrap_err().to_string(),
            "A blend takes 2 to 5 images, not 6. Remove some images."
        );
        let bad_link = CreateRequest::Blend {
            image_urls: vec!["https://x.test/1.png".into(), "file:///etc/passwd".into()],
            dimension: BlendDimension::Landscape,
        };
        assert!(create(&bad_link)
            .unwrap_err()
            .to_string()
            .contains("not a web address"));
        let describe = |u: &str| CreateRequest::Describe {
            image_url: u.into(),
        };
        assert!(create(&describe("https://x.test/a.png")).is_ok());
        assert!(create(&describe(" "))
            .unwrap_err()
            .to_string()
            .contains("Add an image"));
        assert!(create(&CreateRequest::Shorten {
            prompt: "  ".into()
        })
        .is_err());
        let video = |p: &str, u: &str| CreateRequest::Video {
            prompt: p.into(),
            image_url: u.into(),
            motion: VideoMotion::High,
        };
        assert!(create(&video("waves", "https://x.test/a.png")).is_ok());
        assert!(create(&video("", "https://x.test/a.png")).is_err());
        assert!(create(&video("waves", "")).is_err());
    }

    #[test]
    fn journey_bodies() {
        let (path, body) = journey_create_body(&CreateRequest::Blend {
            image_urls: vec![
                " https://x.test/1.png".into(),
                "https://x.test/2.png".into(),
            ],
            dimension: BlendDimension::Portrait,
        });
        assert_eq!(path, "blend");
        assert_eq!(
            body,
            json!({"image_urls": ["https://x.test/1.png", "https://x.test/2.png"], "dimension": "portrait"})
        );
        let (path, body) = journey_create_body(&CreateRequest::Describe {
            image_url: "https://x.test/a.png".into(),
        });
        assert_eq!(
            (path, body),
            ("describe", json!({"image_url": "https://x.test/a.png"}))
        );
        let (path, body) = journey_create_body(&CreateRequest::Shorten {
            prompt: " a very long prompt ".into(),
        });
        assert_eq!(
            (path, body),
            ("shorten", json!({"prompt": "a very long prompt"}))
        );
        let (path, body) = journey_create_body(&CreateRequest::Video {
            prompt: "waves".into(),
            image_url: "https://x.test/a.png".into(),
            motion: VideoMotion::Low,
        });
        assert_eq!(
            (path, body),
            (
                "imagine-video",
                json!({"prompt": "waves", "image_url": "https://x.test/a.png", "motion": "low"})
            )
        );
    }
}
