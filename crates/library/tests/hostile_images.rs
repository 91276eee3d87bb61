//! Hostile image bytes through the real download and thumbnail paths: files that are not
//! images, PNGs cut short, and decompression bombs (a tiny PNG whose header claims 50000x50000
//! pixels, and a genuine, complete 16384x16384 PNG of a few hundred KB that would decode to
//! 256 MiB). Each must be refused with a sentence saying why, and without the process's peak
//! memory growing by more than [`PEAK_GROWTH_BUDGET_MIB`].
//!
//! This file holds a single test so that no other test shares the process while peak memory
//! (`VmHWM` in `/proc/self/status`) is measured.

use atelier_library::{make_thumbnail, split_grid, ImageCache, ImageSlot, LibraryError};
use axum::{routing::get, Router};
use std::io::{Cursor, Write};

/// How much the peak resident memory may grow while all samples are refused.
const PEAK_GROWTH_BUDGET_MIB: u64 = 100;

/// A `/proc/self/status` field of this process in MiB (Linux only).
fn status_mib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// Resets `VmHWM` to the current RSS (Linux >= 4.0); false where that is not allowed.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

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

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A structurally complete PNG written by hand: an IHDR claiming `w` x `h` 8-bit grey pixels
/// (with a correct CRC), one IDAT holding a tiny zlib stream (one stored block: a single row
/// of one pixel), and IEND: 70 bytes that announce a 2.5 GB image.
fn lying_header_png(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    let raw = [0u8, 0u8]; // filter byte + one grey pixel
    let mut zlib = vec![0x78, 0x01, 0x01, 0x02, 0x00, 0xfd, 0xff];
    zlib.extend_from_slice(&raw);
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A genuine PNG of `side` x `side` black grey pixels, streamed row by row so that making it
/// costs no memory; every byte of it decodes, so only a size check can stop it.
fn real_bomb_png(side: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, side, side);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        enc.set_filter(png::Filter::NoFilter);
        let mut writer = enc.write_header().expect("header");
        let mut stream = writer.stream_writer().expect("stream");
        let row = vec![0u8; side as usize];
        for _ in 0..side {
            stream.write_all(&row).expect("row");
        }
        stream.finish().expect("finish");
    }
    out
}

/// A real, noisy 256x256 PNG, cut in half.
fn truncated_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(256, 256, |x, y| {
        let v = x
            .wrapping_mul(2_654_435_761)
            .wrapping_add(y.wrapping_mul(40_503));
        image::Rgb([v as u8, (v >> 8) as u8, (v >> 16) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encode");
    let mut bytes = out.into_inner();
    bytes.truncate(bytes.len() / 2);
    bytes
}

const NOT_AN_IMAGE: &str = "The provider sent a file that is not an image; it was not kept.";
const CUT_SHORT: &str =
    "The provider sent an incomplete image (the file is cut short); it was not kept.";
const NO_PREVIEW: &str = "The image is too large to open safely, so no preview was made.";

fn too_big(w: u32, h: u32) -> String {
    format!(
        "The image claims to be {w}x{h} pixels, which is too large to be real; it was not kept."
    )
}

#[tokio::test(flavor = "current_thread")]
async fn hostile_images_are_refused_with_a_sentence_and_bounded_memory() {
    let html = b"<html><script>window.__pwned=1</script></html>".to_vec();
    let cut = truncated_png();
    let lying = lying_header_png(50_000, 50_000);
    let bomb = real_bomb_png(16_384);
    assert!(lying.len() < 100, "{} bytes", lying.len());
    assert!(
        bomb.len() < 2 * 1024 * 1024,
        "the bomb is small: {} bytes",
        bomb.len()
    );

    let samples: Vec<(&str, Vec<u8>, String)> = vec![
        ("not-an-image", html, NOT_AN_IMAGE.into()),
        ("truncated", cut, CUT_SHORT.into()),
        ("lying-header", lying, too_big(50_000, 50_000)),
        ("real-bomb", bomb, too_big(16_384, 16_384)),
    ];

    let mut app = Router::new();
    for (name, bytes, _) in &samples {
        let bytes = bytes.clone();
        app = app.route(
            &format!("/{name}"),
            get(move || async move { bytes.clone() }),
        );
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().expect("tempdir");
    let cache = ImageCache::new(dir.path().join("images"), true);
    let on_disk = dir.path().join("on-disk");
    std::fs::create_dir_all(&on_disk).expect("mkdir");
    for (name, bytes, _) in &samples {
        std::fs::write(on_disk.join(format!("{name}.png")), bytes).expect("write");
    }

    let reset = reset_peak();
    let before = if reset {
        status_mib("VmRSS:")
    } else {
        status_mib("VmHWM:")
    };

    // 1. The download path: every sample is checked before anything is written.
    for (i, (name, _, sentence)) in samples.iter().enumerate() {
        let slot = ImageSlot::Single(i as u8 + 1);
        let got = cache
            .fetch("hostile", slot, &format!("{base}/{name}"))
            .await;
        match got {
            Err(e @ LibraryError::Rejected(_)) => assert_eq!(&e.to_string(), sentence, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(cache.find("hostile", slot), None, "{name} was not kept");
    }

    // 2. The thumbnail and grid-split paths, on files already on disk (an older version may
    //    have kept them): bombs are refused before any pixel buffer is filled.
    for (name, _, _) in &samples {
        let src = on_disk.join(format!("{name}.png"));
        let thumb = make_thumbnail(&src, &on_disk.join(format!("{name}.jpg")), 384);
        let split = split_grid(&src, &on_disk.join(name));
        for (what, r) in [
            ("thumbnail", thumb.map(|_| ())),
            ("split", split.map(|_| ())),
        ] {
            let text = r.expect_err(name).to_string();
            match *name {
                "lying-header" | "real-bomb" => assert_eq!(text, NO_PREVIEW, "{what} of {name}"),
                "truncated" => assert_eq!(
                    text, "The image could not be read or written (the file is cut short).",
                    "{what} of {name}"
                ),
                _ => assert!(
                    text.starts_with("The image could not be read or written ("),
                    "{what} of {name}: {text}"
                ),
            }
        }
        assert!(!on_disk.join(format!("{name}.jpg")).exists());
    }

    let peak = status_mib("VmHWM:");
    if let (Some(before), Some(peak)) = (before, peak) {
        let growth = peak.saturating_sub(before);
        println!("peak RSS {peak} MiB, {growth} MiB over the {before} MiB before (reset: {reset})");
        assert!(
            growth < PEAK_GROWTH_BUDGET_MIB,
            "refusing hostile images grew peak memory by {growth} MiB"
        );
    }
}
