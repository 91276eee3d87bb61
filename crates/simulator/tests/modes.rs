//! The creation modes and newer JourneyAPI follow-ups over real HTTP on loopback: inpaint
//! (Vary Region), outpaint (Zoom Out, Make Square, Custom Zoom), upscale-2x-4x, reroll with a
//! prompt, blend, describe, shorten, imagine-video (real AVI files on the CDN) and seed, with
//! their validation, prices, timing, fetch-many and fault markers.

mod common;

use atelier_simulator::video::read_avi;
use atelier_simulator::Simulator;
use common::{
    client, get_file, get_png, journey_accepted, journey_fetch, journey_post, journey_settle,
    start, task_id, FAST,
};
use serde_json::{json, Value};

/// Posts and expects `{"task_id"}`.
async fn submit(sim: &Simulator, path: &str, body: Value) -> String {
    let resp = journey_accepted(sim, path, body).await;
    assert_eq!(resp.as_object().map(|o| o.len()), Some(1), "{resp}");
    task_id(&resp).to_string()
}

/// Posts and expects a 400 whose `errors[0].msg` is a sentence; returns it.
async fn refused(sim: &Simulator, path: &str, body: Value) -> String {
    let (status, resp) = journey_post(sim, path, body.clone()).await;
    assert_eq!(status, 400, "{path} {body}: {resp}");
    let msg = resp["errors"][0]["msg"]
        .as_str()
        .unwrap_or_else(|| panic!("errors[0].msg in {resp}"))
        .to_string();
    assert!(msg.len() > 10, "a sentence: {msg}");
    msg
}

async fn fetch(sim: &Simulator, id: &str) -> Value {
    let (status, body) = journey_fetch(sim, id).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn finished(sim: &Simulator, path: &str, body: Value) -> Value {
    let id = submit(sim, path, body.clone()).await;
    let done = journey_settle(sim, &id).await;
    assert_eq!(done["status"], "finished", "{path} {body}: {done}");
    done
}

async fn imagine(sim: &Simulator, prompt: &str) -> Value {
    finished(sim, "/imagine", json!({ "prompt": prompt })).await
}

/// An imagine and its U1: (grid, upscale).
async fn upscale(sim: &Simulator, prompt: &str) -> (Value, Value) {
    let grid = imagine(sim, prompt).await;
    let up = finished(
        sim,
        "/upscale-1x",
        json!({ "parent_task_id": grid["task_id"], "index": "1" }),
    )
    .await;
    (grid, up)
}

/// Expects every body to be refused on `path` (see [`refused`]), in order, with a message that
/// contains each of the words given with it.
async fn refused_each(
    sim: &Simulator,
    path: &str,
    cases: impl IntoIterator<Item = (Value, &'static [&'static str])>,
) {
    for (body, words) in cases {
        let msg = refused(sim, path, body).await;
        for word in words {
            assert!(msg.contains(word), "{msg}");
        }
    }
}

/// The size of the single picture at a finished task's `image_url`.
async fn image_size(done: &Value) -> (u32, u32) {
    get_png(done["image_url"].as_str().expect("image_url"))
        .await
        .dimensions()
}

/// The first quadrant of a finished task's grid (`image_urls[0]`).
async fn first_quadrant(done: &Value) -> image::RgbImage {
    get_png(done["image_urls"][0].as_str().expect("url")).await
}

/// Finishes an upscale-2x-4x with `body` and checks its task type and picture size.
async fn upscaled(sim: &Simulator, body: Value, task_type: &str, size: (u32, u32)) -> Value {
    let done = finished(sim, "/upscale-2x-4x", body).await;
    assert_eq!(done["task_type"], task_type);
    assert_eq!(image_size(&done).await, size);
    done
}

/// The strings in the array `v[key]`.
fn strings<'a>(v: &'a Value, key: &str) -> Vec<&'a str> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key}"))
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            s.push(if i <= chunk.len() {
                T[((n >> (18 - 6 * i)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    s
}

/// A mask data URL of `w` x `h` with the pixels `white(x, y)` white.
fn mask(w: u32, h: u32, white: impl Fn(u32, u32) -> bool) -> String {
    let img = image::GrayImage::from_fn(w, h, |x, y| {
        image::Luma([if white(x, y) { 255 } else { 0 }])
    });
    let mut bytes = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .expect("encodes");
    format!("data:image/png;base64,{}", base64(&bytes))
}

fn half_diff(a: &image::RgbImage, b: &image::RgbImage, right: bool) -> f64 {
    let (w, h) = a.dimensions();
    let xs = if right { w / 2 + 8..w } else { 0..w / 2 - 8 };
    let mut sum = 0u64;
    let mut n = 0u64;
    for y in 0..h {
        for x in xs.clone() {
            let (p, q) = (a.get_pixel(x, y).0, b.get_pixel(x, y).0);
            sum += (0..3).map(|c| u64::from(p[c].abs_diff(q[c]))).sum::<u64>();
            n += 3;
        }
    }
    sum as f64 / n as f64
}

// ---------------------------------------------------------------- inpaint

#[tokio::test]
async fn inpaint_varies_only_the_masked_area() {
    let sim = start(FAST).await;
    let (grid, up) = upscale(&sim, "a glass city").await;
    let parent = get_png(up["image_url"].as_str().expect("image_url")).await;
    assert_eq!(parent.dimensions(), (1024, 1024));
    let right_half = mask(1024, 1024, |x, _| x >= 512);

    let done = finished(
        &sim,
        "/inpaint",
        json!({ "parent_task_id": task_id(&up), "mask": right_half, "prompt": "a glass city with a red balloon" }),
    )
    .await;
    assert_eq!(done["task_type"], "inpaint");
    assert_eq!(done["model"], "midjourney");
    let urls = strings(&done, "image_urls");
    assert_eq!(urls.len(), 4);
    assert!(done["original_image_url"].is_string());
    assert!(done.get("image_url").is_none());
    let q0 = get_png(urls[0]).await;
    let q1 = get_png(urls[1]).await;
    assert_eq!(q0.dimensions(), (512, 512));
    assert_eq!(
        get_png(done["original_image_url"].as_str().expect("grid"))
            .await
            .dimensions(),
        (1024, 1024)
    );
    // Outside the mask every quadrant is the parent; inside they differ from each other.
    assert!(half_diff(&q0, &q1, false) < 0.01, "kept area is the same");
    assert!(half_diff(&q0, &q1, true) > 3.0, "masked area varies");
    let small = image::imageops::resize(&parent, 512, 512, image::imageops::FilterType::Triangle);
    assert!(
        half_diff(&q0, &small, false) < 8.0,
        "kept area is the parent's picture"
    );

    // Without a prompt it works too, and a different prompt draws differently.
    let plain = finished(
        &sim,
        "/inpaint",
        json!({ "parent_task_id": task_id(&up), "mask": right_half }),
    )
    .await;
    let p0 = first_quadrant(&plain).await;
    assert!(half_diff(&q0, &p0, true) > 1.0);

    // Validation, each a 400 with a sentence.
    let upid = task_id(&up).to_string();
    let gif = format!("data:image/png;base64,{}", base64(b"GIF89a...."));
    refused_each(
        &sim,
        "/inpaint",
        [
            (json!({ "parent_task_id": upid }), &["mask"][..]),
            (
                json!({ "parent_task_id": upid, "mask": "https://x.test/m.png" }),
                &["data:image/png;base64"],
            ),
            (
                json!({ "parent_task_id": upid, "mask": "data:image/png;base64,%%%" }),
                &[],
            ),
            (json!({ "parent_task_id": upid, "mask": gif }), &["PNG"]),
            (
                json!({ "parent_task_id": upid, "mask": mask(512, 512, |x, _| x > 100) }),
                &["1024x1024", "512x512"],
            ),
            (
                json!({ "parent_task_id": upid, "mask": mask(1024, 1024, |_, _| false) }),
                &["empty"],
            ),
            (
                json!({ "parent_task_id": upid, "mask": mask(1024, 1024, |_, _| true) }),
                &["whole"],
            ),
            (
                json!({ "parent_task_id": upid, "mask": right_half, "prompt": "  " }),
                &[],
            ),
            (
                json!({ "parent_task_id": upid, "mask": right_half, "prompt": 7 }),
                &[],
            ),
            (
                json!({ "parent_task_id": task_id(&grid), "mask": right_half }),
                &["upscale-1x"],
            ),
            (json!({ "mask": right_half }), &[]),
        ],
    )
    .await;
    let (status, _) = journey_post(
        &sim,
        "/inpaint",
        json!({ "parent_task_id": "nope", "mask": right_half }),
    )
    .await;
    assert_eq!(status, 404);
}

// ---------------------------------------------------------------- outpaint

#[tokio::test]
async fn outpaint_zooms_squares_and_custom_zooms() {
    let sim = start(FAST).await;
    let (grid, up) = upscale(&sim, "a lighthouse --ar 16:9").await;
    let upid = task_id(&up).to_string();
    let cases = [
        (
            json!({ "parent_task_id": upid, "zoom_ratio": 2 }),
            (512, 288),
        ),
        (
            json!({ "parent_task_id": upid, "zoom_ratio": 1.5 }),
            (512, 288),
        ),
        (
            json!({ "parent_task_id": upid, "zoom_ratio": "2" }),
            (512, 288),
        ),
        (
            json!({ "parent_task_id": upid, "zoom_ratio": 1 }),
            (512, 512),
        ),
        (
            json!({ "parent_task_id": upid, "zoom_ratio": 1.25, "prompt": "a lighthouse in a storm" }),
            (512, 288),
        ),
        (
            json!({ "parent_task_id": upid, "zoom_ratio": "1.75", "aspect_ratio": "9:16", "prompt": "a tall lighthouse" }),
            (288, 512),
        ),
        (
            json!({ "parent_task_id": upid, "zoom_ratio": 1, "aspect_ratio": "1:1" }),
            (512, 512),
        ),
        (
            json!({ "parent_task_id": upid, "zoom_ratio": 1.1, "prompt": "wider --ar 3:2" }),
            (512, 342),
        ),
    ];
    let mut seen = Vec::new();
    for (body, size) in cases {
        let done = finished(&sim, "/outpaint", body.clone()).await;
        assert_eq!(done["task_type"], "outpaint", "{body}");
        assert_eq!(
            done["image_urls"].as_array().map(Vec::len),
            Some(4),
            "{done}"
        );
        let q = first_quadrant(&done).await;
        assert_eq!(q.dimensions(), size, "{body}");
        seen.push(q);
    }
    assert_ne!(seen[0], seen[1], "2x and 1.5x differ");
    assert_ne!(seen[1], seen[4], "a custom zoom differs");

    for bad in [
        json!(0),
        json!(-1),
        json!(0.5),
        json!(0.999),
        json!(2.01),
        json!(3),
        json!("abc"),
        json!(null),
        json!(true),
        json!([2]),
    ] {
        let msg = refused(
            &sim,
            "/outpaint",
            json!({ "parent_task_id": upid, "zoom_ratio": bad }),
        )
        .await;
        assert!(msg.contains("zoom_ratio"), "{bad}: {msg}");
    }
    refused(&sim, "/outpaint", json!({ "parent_task_id": upid })).await;
    let msg = refused(
        &sim,
        "/outpaint",
        json!({ "parent_task_id": upid, "zoom_ratio": 1.3, "aspect_ratio": "5:4" }),
    )
    .await;
    assert!(msg.contains("aspect_ratio"), "{msg}");
    refused(
        &sim,
        "/outpaint",
        json!({ "parent_task_id": upid, "zoom_ratio": 1.3, "prompt": "" }),
    )
    .await;
    let msg = refused(
        &sim,
        "/outpaint",
        json!({ "parent_task_id": task_id(&grid), "zoom_ratio": 1.3 }),
    )
    .await;
    assert!(msg.contains("upscale-1x"), "{msg}");
}

// ---------------------------------------------------------------- upscale 2x / 4x

#[tokio::test]
async fn upscale_2x_4x_follows_the_table() {
    let sim = start(FAST).await;
    let (grid, up) = upscale(&sim, "a kite --ar 3:2").await;
    let gid = task_id(&grid).to_string();
    let upid = task_id(&up).to_string();
    upscaled(
        &sim,
        json!({ "parent_task_id": upid, "type": "2x" }),
        "upscale-2x",
        (1024, 682),
    )
    .await;
    let done = upscaled(
        &sim,
        json!({ "parent_task_id": gid, "type": "4x", "index": "3" }),
        "upscale-4x",
        (1536, 1024),
    )
    .await;
    assert!(done.get("image_urls").is_none());
    // By URL: one of the simulator's own pictures keeps its aspect; any http(s) URL works.
    let url = up["image_url"].as_str().expect("url").to_string();
    upscaled(
        &sim,
        json!({ "image_url": url, "type": "2x" }),
        "upscale-2x",
        (1024, 682),
    )
    .await;
    finished(
        &sim,
        "/upscale-2x-4x",
        json!({ "image_url": "https://cdn.example/x.png", "type": "4x" }),
    )
    .await;

    refused_each(
        &sim,
        "/upscale-2x-4x",
        [
            (
                json!({ "parent_task_id": gid, "type": "2x" }),
                &["index"][..],
            ),
            (
                json!({ "parent_task_id": upid, "type": "2x", "index": "1" }),
                &[],
            ),
            (
                json!({ "parent_task_id": gid, "type": "2x", "index": "5" }),
                &[],
            ),
            (json!({ "parent_task_id": upid, "type": "8x" }), &[]),
            (json!({ "parent_task_id": upid }), &[]),
            (json!({ "type": "2x" }), &[]),
            (
                json!({ "image_url": "ftp://x.test/a.png", "type": "2x" }),
                &[],
            ),
        ],
    )
    .await;
    let describe = finished(
        &sim,
        "/describe",
        json!({ "image_url": "https://x.test/a.png" }),
    )
    .await;
    refused(
        &sim,
        "/upscale-2x-4x",
        json!({ "parent_task_id": task_id(&describe), "type": "2x" }),
    )
    .await;
}

// ---------------------------------------------------------------- reroll

#[tokio::test]
async fn reroll_takes_an_optional_prompt() {
    let sim = start(FAST).await;
    let (grid, up) = upscale(&sim, "a paper boat").await;
    let gid = task_id(&grid).to_string();
    let plain = finished(&sim, "/reroll", json!({ "parent_task_id": gid })).await;
    let remixed = finished(
        &sim,
        "/reroll",
        json!({ "parent_task_id": gid, "prompt": "a paper boat on a lake --ar 16:9" }),
    )
    .await;
    assert_eq!(plain["task_type"], "reroll");
    assert_eq!(remixed["task_type"], "reroll");
    let a = first_quadrant(&plain).await;
    let b = first_quadrant(&remixed).await;
    assert_eq!(a.dimensions(), (512, 512));
    assert_eq!(b.dimensions(), (512, 288), "the new prompt's --ar is used");
    refused(
        &sim,
        "/reroll",
        json!({ "parent_task_id": gid, "prompt": "" }),
    )
    .await;
    refused(
        &sim,
        "/reroll",
        json!({ "parent_task_id": gid, "prompt": 3 }),
    )
    .await;
    let msg = refused(
        &sim,
        "/reroll",
        json!({ "parent_task_id": task_id(&up), "prompt": "x" }),
    )
    .await;
    assert!(msg.contains("imagine"), "{msg}");
    let msg = refused(
        &sim,
        "/reroll",
        json!({ "parent_task_id": task_id(&plain) }),
    )
    .await;
    assert!(msg.contains("imagine"), "{msg}");
}

// ---------------------------------------------------------------- blend

#[tokio::test]
async fn blend_checks_count_urls_and_dimension() {
    let sim = start(FAST).await;
    let urls = |n: usize| -> Vec<String> {
        (0..n)
            .map(|i| format!("https://img.example/{i}.png"))
            .collect()
    };
    for (dimension, size) in [
        (None, (512, 512)),
        (Some("square"), (512, 512)),
        (Some("portrait"), (342, 512)),
        (Some("landscape"), (512, 342)),
    ] {
        let mut body = json!({ "image_urls": urls(3) });
        if let Some(d) = dimension {
            body["dimension"] = json!(d);
        }
        let done = finished(&sim, "/blend", body).await;
        assert_eq!(done["task_type"], "blend");
        assert_eq!(done["image_urls"].as_array().map(Vec::len), Some(4));
        let q = first_quadrant(&done).await;
        assert_eq!(q.dimensions(), size, "{dimension:?}");
    }
    finished(&sim, "/blend", json!({ "image_urls": urls(2) })).await;
    finished(
        &sim,
        "/blend",
        json!({ "image_urls": urls(5), "dimension": "portrait" }),
    )
    .await;
    for n in [0, 1, 6] {
        let msg = refused(&sim, "/blend", json!({ "image_urls": urls(n) })).await;
        assert!(msg.contains("2 to 5"), "{msg}");
    }
    refused(&sim, "/blend", json!({})).await;
    refused(
        &sim,
        "/blend",
        json!({ "image_urls": "https://a.example/1.png" }),
    )
    .await;
    let msg = refused(
        &sim,
        "/blend",
        json!({ "image_urls": ["https://a.example/1.png", "file:///etc/passwd"] }),
    )
    .await;
    assert!(msg.contains("image_urls[1]"), "{msg}");
    refused(
        &sim,
        "/blend",
        json!({ "image_urls": ["https://a.example/1.png", 5] }),
    )
    .await;
    let msg = refused(
        &sim,
        "/blend",
        json!({ "image_urls": urls(2), "dimension": "wide" }),
    )
    .await;
    assert!(msg.contains("dimension"), "{msg}");
}

// ---------------------------------------------------------------- describe, shorten

#[tokio::test]
async fn describe_gives_four_prompts_per_url() {
    let sim = start(FAST).await;
    let a = finished(
        &sim,
        "/describe",
        json!({ "image_url": "https://img.example/cat.png" }),
    )
    .await;
    assert_eq!(a["task_type"], "describe");
    let lines = strings(&a, "content");
    assert_eq!(lines.len(), 4);
    for line in &lines {
        assert!(line.len() > 20 && line.contains("--ar"), "{line}");
    }
    assert!(a.get("image_url").is_none() && a.get("image_urls").is_none());
    let again = finished(
        &sim,
        "/describe",
        json!({ "image_url": "https://img.example/cat.png" }),
    )
    .await;
    assert_eq!(again["content"], a["content"], "deterministic per URL");
    let other = finished(
        &sim,
        "/describe",
        json!({ "image_url": "https://img.example/dog.png" }),
    )
    .await;
    assert_ne!(other["content"], a["content"]);
    let msg = refused(&sim, "/describe", json!({})).await;
    assert!(msg.contains("image_url"), "{msg}");
    refused(&sim, "/describe", json!({ "image_url": "file:///x.png" })).await;
    refused(&sim, "/describe", json!({ "image_url": "https://" })).await;
    refused(&sim, "/describe", json!({ "image_url": 4 })).await;
}

#[tokio::test]
async fn shorten_gives_variants_and_an_analysis() {
    let sim = start(FAST).await;
    let prompt = "a very detailed majestic portrait of an old fisherman with a pipe, dramatic light, oil painting --ar 2:3";
    let done = finished(&sim, "/shorten", json!({ "prompt": prompt })).await;
    assert_eq!(done["task_type"], "shorten");
    let variants = strings(&done, "content");
    assert!((2..=5).contains(&variants.len()), "{variants:?}");
    for v in &variants {
        assert!(v.len() < prompt.len() || v == &prompt, "{v}");
        assert!(v.ends_with("--ar 2:3"), "{v}");
    }
    assert!(
        variants.iter().any(|v| v.contains("fisherman")),
        "{variants:?}"
    );
    let full = done["full_content"].as_str().expect("full_content");
    assert!(
        full.contains("fisherman") && full.contains("IMPORTANT TOKENS"),
        "{full}"
    );
    for bad in [
        json!({}),
        json!({ "prompt": "" }),
        json!({ "prompt": "   " }),
        json!({ "prompt": 1 }),
    ] {
        let msg = refused(&sim, "/shorten", bad).await;
        assert!(msg.contains("prompt"), "{msg}");
    }
}

// ---------------------------------------------------------------- video

#[tokio::test]
async fn imagine_video_serves_four_playable_avis() {
    let sim = start(FAST).await;
    let (_, up) = upscale(&sim, "a waterfall --ar 16:9").await;
    let start_frame = up["image_url"].as_str().expect("url").to_string();
    let id_ = submit(
        &sim,
        "/imagine-video",
        json!({ "prompt": "the water flows", "image_url": start_frame, "motion": "high" }),
    )
    .await;
    let running = fetch(&sim, &id_).await;
    assert!(running.get("video_urls").is_none(), "{running}");
    let done = journey_settle(&sim, &id_).await;
    assert_eq!(done["status"], "finished");
    assert_eq!(done["task_type"], "imagine-video");
    let urls: Vec<String> = strings(&done, "video_urls")
        .into_iter()
        .map(str::to_string)
        .collect();
    assert_eq!(urls.len(), 4);
    assert!(done.get("image_url").is_none() && done.get("image_urls").is_none());
    let mut first_frames = Vec::new();
    for url in &urls {
        assert!(url.ends_with(".avi"), "{url}");
        let (ct, bytes) = get_file(url).await;
        assert_eq!(ct, "video/x-msvideo");
        assert!(bytes.len() < 400_000, "{} bytes", bytes.len());
        let info = read_avi(&bytes).expect("a well-formed AVI");
        assert_eq!(&info.codec, b"MJPG");
        assert_eq!(
            (info.width, info.height),
            (256, 144),
            "the start frame's aspect"
        );
        assert_eq!(info.fps, 12);
        assert_eq!(info.frames.len(), 24);
        assert_eq!(info.total_frames, 24);
        let decoded: Vec<image::RgbImage> = info
            .frames
            .iter()
            .map(|f| {
                image::load_from_memory_with_format(f, image::ImageFormat::Jpeg)
                    .expect("a JPEG frame")
                    .to_rgb8()
            })
            .collect();
        assert_ne!(decoded[0], decoded[23], "it moves");
        first_frames.push(decoded[23].clone());
        // Served again from the cache, byte for byte.
        assert_eq!(get_file(url).await.1, bytes);
    }
    assert_ne!(first_frames[0], first_frames[1], "four different videos");

    // Any other http(s) start frame works too (square), and motion defaults to low.
    let done = finished(
        &sim,
        "/imagine-video",
        json!({ "prompt": "drift", "image_url": "https://img.example/a.png" }),
    )
    .await;
    let (_, bytes) = get_file(done["video_urls"][0].as_str().expect("url")).await;
    let info = read_avi(&bytes).expect("AVI");
    assert_eq!((info.width, info.height), (256, 256));
    finished(
        &sim,
        "/imagine-video",
        json!({ "image_url": "https://img.example/a.png", "motion": "low" }),
    )
    .await;

    let msg = refused(&sim, "/imagine-video", json!({ "prompt": "x" })).await;
    assert!(msg.contains("image_url"), "{msg}");
    refused(
        &sim,
        "/imagine-video",
        json!({ "prompt": "x", "image_url": "data:image/png;base64,AAAA" }),
    )
    .await;
    let msg = refused(
        &sim,
        "/imagine-video",
        json!({ "prompt": "x", "image_url": "https://img.example/a.png", "motion": "medium" }),
    )
    .await;
    assert!(msg.contains("motion"), "{msg}");
    refused(
        &sim,
        "/imagine-video",
        json!({ "prompt": 5, "image_url": "https://img.example/a.png" }),
    )
    .await;
    // Byte ranges, as media players ask for them.
    let resp = client()
        .get(&urls[0])
        .header("Range", "bytes=0-11")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 206);
    let total = get_file(&urls[0]).await.1.len();
    assert_eq!(
        resp.headers()
            .get("content-range")
            .and_then(|v| v.to_str().ok()),
        Some(format!("bytes 0-11/{total}").as_str())
    );
    assert_eq!(
        resp.headers()
            .get("accept-ranges")
            .and_then(|v| v.to_str().ok()),
        Some("bytes")
    );
    let head = resp.bytes().await.expect("body");
    assert_eq!(&head[..4], b"RIFF");
    assert_eq!(&head[8..12], b"AVI ");
    let resp = client()
        .get(&urls[0])
        .header("Range", format!("bytes={total}-"))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 416);
    // An unknown video file is a 404.
    let bad = urls[0].replace("video-0.avi", "video-9.avi");
    let resp = client().get(&bad).send().await.expect("request");
    assert_eq!(resp.status().as_u16(), 404);
}

// ---------------------------------------------------------------- seed

#[tokio::test]
async fn seed_reports_a_finished_midjourney_tasks_seed() {
    let sim = start(FAST).await;
    let grid = imagine(&sim, "a snail").await;
    let credits = sim.account().credits;
    let done = finished(&sim, "/seed", json!({ "task_id": task_id(&grid) })).await;
    assert_eq!(sim.account().credits, credits, "seed is free [guess]");
    assert_eq!(done["task_type"], "seed");
    let seed = done["seed"].as_str().expect("seed").to_string();
    assert!(
        !seed.is_empty() && seed.chars().all(|c| c.is_ascii_digit()),
        "{seed}"
    );
    assert!(seed.parse::<u64>().expect("a number") < 1 << 32);
    let again = finished(&sim, "/seed", json!({ "task_id": task_id(&grid) })).await;
    assert_eq!(again["seed"], seed.as_str(), "deterministic per task");
    let seeded = imagine(&sim, "a snail --seed 1234").await;
    let done = finished(&sim, "/seed", json!({ "task_id": task_id(&seeded) })).await;
    assert_eq!(done["seed"], "1234", "the prompt's --seed");
    let up = finished(
        &sim,
        "/upscale-1x",
        json!({ "parent_task_id": task_id(&grid), "index": "2" }),
    )
    .await;
    finished(&sim, "/seed", json!({ "task_id": task_id(&up) })).await;

    let msg = refused(&sim, "/seed", json!({ "parent_task_id": task_id(&grid) })).await;
    assert!(msg.contains("task_id, not parent_task_id"), "{msg}");
    refused(&sim, "/seed", json!({})).await;
    let (status, _) = journey_post(&sim, "/seed", json!({ "task_id": "nope" })).await;
    assert_eq!(status, 404);
    let running = submit(&sim, "/imagine", json!({ "prompt": "still running" })).await;
    let msg = refused(&sim, "/seed", json!({ "task_id": running })).await;
    assert!(msg.contains("not finished"), "{msg}");
    let (_, flux) = journey_post(
        &sim,
        "/imagine",
        json!({ "prompt": "f", "model": "flux-pro" }),
    )
    .await;
    let msg = refused(&sim, "/seed", json!({ "task_id": task_id(&flux) })).await;
    assert!(msg.contains("Midjourney"), "{msg}");
    let text = finished(&sim, "/shorten", json!({ "prompt": "a red fox" })).await;
    refused(&sim, "/seed", json!({ "task_id": task_id(&text) })).await;
    let seed_task = finished(&sim, "/seed", json!({ "task_id": task_id(&grid) })).await;
    refused(&sim, "/seed", json!({ "task_id": task_id(&seed_task) })).await;
}

// ---------------------------------------------------------------- credits, fetch-many, timing

#[tokio::test]
async fn credits_follow_the_price_list() {
    let sim = start(FAST).await;
    let (grid, up) = upscale(&sim, "prices").await;
    let (gid, upid) = (task_id(&grid).to_string(), task_id(&up).to_string());
    let m = mask(1024, 1024, |x, y| x < 100 && y < 100);
    let cases: Vec<(&str, Value, i64)> = vec![
        ("/inpaint", json!({ "parent_task_id": upid, "mask": m }), 4),
        (
            "/outpaint",
            json!({ "parent_task_id": upid, "zoom_ratio": 1.4, "prompt": "wide" }),
            4,
        ),
        (
            "/outpaint",
            json!({ "parent_task_id": upid, "zoom_ratio": 1 }),
            4,
        ),
        (
            "/upscale-2x-4x",
            json!({ "parent_task_id": upid, "type": "2x" }),
            2,
        ),
        (
            "/upscale-2x-4x",
            json!({ "parent_task_id": upid, "type": "4x" }),
            2,
        ),
        (
            "/reroll",
            json!({ "parent_task_id": gid, "prompt": "again" }),
            4,
        ),
        (
            "/blend",
            json!({ "image_urls": ["https://a.example/1.png", "https://a.example/2.png"] }),
            4,
        ),
        (
            "/describe",
            json!({ "image_url": "https://a.example/1.png" }),
            2,
        ),
        (
            "/shorten",
            json!({ "prompt": "a long prompt to shorten" }),
            2,
        ),
        (
            "/imagine-video",
            json!({ "prompt": "go", "image_url": "https://a.example/1.png" }),
            8,
        ),
        ("/seed", json!({ "task_id": gid }), 0),
    ];
    for (path, body, price) in cases {
        let before = sim.account().credits;
        submit(&sim, path, body).await;
        assert_eq!(before - sim.account().credits, price, "{path}");
    }
    sim.set_credits(7);
    let (status, body) = journey_post(
        &sim,
        "/imagine-video",
        json!({ "prompt": "go", "image_url": "https://a.example/1.png" }),
    )
    .await;
    assert_eq!(status, 402, "{body}");
    assert_eq!(sim.account().credits, 7);
    // A refused request costs nothing.
    refused(&sim, "/shorten", json!({ "prompt": "" })).await;
    assert_eq!(sim.account().credits, 7);
}

#[tokio::test]
async fn fetch_many_reports_every_new_kind() {
    let sim = start(FAST).await;
    let (grid, up) = upscale(&sim, "many").await;
    let ids = vec![
        submit(&sim, "/inpaint", json!({ "parent_task_id": task_id(&up), "mask": mask(1024, 1024, |x, _| x < 300) })).await,
        submit(&sim, "/outpaint", json!({ "parent_task_id": task_id(&up), "zoom_ratio": 1.2, "prompt": "more" })).await,
        submit(&sim, "/blend", json!({ "image_urls": ["https://a.example/1.png", "https://a.example/2.png"], "dimension": "portrait" })).await,
        submit(&sim, "/describe", json!({ "image_url": "https://a.example/1.png" })).await,
        submit(&sim, "/shorten", json!({ "prompt": "a cat in a hat" })).await,
        submit(&sim, "/imagine-video", json!({ "prompt": "go", "image_url": "https://a.example/1.png" })).await,
        submit(&sim, "/seed", json!({ "task_id": task_id(&grid) })).await,
    ];
    for id_ in &ids {
        journey_settle(&sim, id_).await;
    }
    let (status, body) = journey_post(&sim, "/fetch-many", json!({ "task_ids": ids })).await;
    assert_eq!(status, 200, "{body}");
    let tasks = body["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 7);
    let types: Vec<&str> = tasks
        .iter()
        .filter_map(|t| t["task_type"].as_str())
        .collect();
    assert_eq!(
        types,
        [
            "inpaint",
            "outpaint",
            "blend",
            "describe",
            "shorten",
            "imagine-video",
            "seed"
        ]
    );
    for t in tasks {
        assert_eq!(t["status"], "finished", "{t}");
        assert_eq!(t["percentage"], "100");
    }
    assert_eq!(tasks[0]["image_urls"].as_array().map(Vec::len), Some(4));
    assert_eq!(tasks[1]["image_urls"].as_array().map(Vec::len), Some(4));
    assert_eq!(tasks[2]["image_urls"].as_array().map(Vec::len), Some(4));
    assert_eq!(tasks[3]["content"].as_array().map(Vec::len), Some(4));
    assert!(tasks[4]["content"].is_array() && tasks[4]["full_content"].is_string());
    assert_eq!(tasks[5]["video_urls"].as_array().map(Vec::len), Some(4));
    assert!(tasks[6]["seed"].is_string());
}

#[tokio::test]
async fn text_tasks_are_quick_and_videos_slow() {
    // At 20x: shorten/describe take 0.3 s, an imagine 1 s, a video 3 s.
    let sim = start(20.0).await;
    let grid = submit(&sim, "/imagine", json!({ "prompt": "timing" })).await;
    let text = submit(&sim, "/shorten", json!({ "prompt": "a quick brown fox" })).await;
    let video = submit(
        &sim,
        "/imagine-video",
        json!({ "prompt": "go", "image_url": "https://a.example/1.png" }),
    )
    .await;
    journey_settle(&sim, &text).await;
    assert_ne!(fetch(&sim, &grid).await["status"], "finished");
    journey_settle(&sim, &grid).await;
    let v = fetch(&sim, &video).await;
    assert_eq!(v["status"], "processing", "{v}");
    let done = journey_settle(&sim, &video).await;
    assert_eq!(done["status"], "finished");
}

// ---------------------------------------------------------------- faults

#[cfg(feature = "test-hooks")]
mod faults {
    use super::*;
    use atelier_simulator::{FaultKind, FaultRule, Phase, Target};

    #[tokio::test]
    async fn prompt_markers_work_on_the_new_endpoints() {
        let sim = start(FAST).await;
        let (_, up) = upscale(&sim, "markers").await;
        let upid = task_id(&up).to_string();
        let m = mask(1024, 1024, |x, _| x < 200);

        // A submit marker answers the request itself, once per prompt with *1; no credits.
        let credits = sim.account().credits;
        let (status, _) = journey_post(
            &sim,
            "/shorten",
            json!({ "prompt": "short [[fault:503*1]]" }),
        )
        .await;
        assert_eq!(status, 503);
        assert_eq!(sim.account().credits, credits);
        submit(
            &sim,
            "/shorten",
            json!({ "prompt": "short [[fault:503*1]]" }),
        )
        .await;

        let (status, _) = journey_post(
            &sim,
            "/inpaint",
            json!({ "parent_task_id": upid, "mask": m, "prompt": "x [[fault:429]]" }),
        )
        .await;
        assert_eq!(status, 429);
        let (status, body) = journey_post(&sim, "/outpaint", json!({ "parent_task_id": upid, "zoom_ratio": 1.3, "prompt": "x [[fault:content_policy]]" })).await;
        assert_eq!(status, 400);
        assert!(body["errors"][0]["msg"]
            .as_str()
            .is_some_and(|m| m.contains("Banned")));
        let (status, _) = journey_post(
            &sim,
            "/imagine-video",
            json!({ "prompt": "v [[fault:500]]", "image_url": "https://a.example/1.png" }),
        )
        .await;
        assert_eq!(status, 500);

        // Task markers shape the task.
        let failed = submit(
            &sim,
            "/imagine-video",
            json!({ "prompt": "v [[fault:failed]]", "image_url": "https://a.example/1.png" }),
        )
        .await;
        let done = journey_settle(&sim, &failed).await;
        assert_eq!(done["status"], "failed");
        assert!(done["error"].is_string() && done.get("video_urls").is_none());
        let failed = submit(&sim, "/inpaint", json!({ "parent_task_id": upid, "mask": m, "prompt": "x [[fault:content_policy@poll]]" })).await;
        let done = journey_settle(&sim, &failed).await;
        assert!(
            done["error"].as_str().is_some_and(|e| e.contains("Banned")),
            "{done}"
        );

        // Poll markers hit the task's fetches.
        let polled = submit(
            &sim,
            "/shorten",
            json!({ "prompt": "p [[fault:502@poll*1]]" }),
        )
        .await;
        let (status, _) = journey_post(&sim, "/fetch", json!({ "task_id": polled })).await;
        assert_eq!(status, 502);
        journey_settle(&sim, &polled).await;

        // Markers are not part of the picture or the text.
        let done = finished(
            &sim,
            "/shorten",
            json!({ "prompt": "a red fox [[fault:500*1@poll]]" }),
        )
        .await;
        assert!(
            !done["full_content"].as_str().unwrap_or("").contains("[["),
            "{done}"
        );
    }

    #[tokio::test]
    async fn rules_hit_the_new_endpoints() {
        let sim = start(FAST).await;
        let grid = imagine(&sim, "rules").await;
        for path in [
            "/seed",
            "/describe",
            "/blend",
            "/imagine-video",
            "/inpaint",
            "/shorten",
        ] {
            sim.inject(
                FaultRule::new(FaultKind::ServerError { status: 503 })
                    .provider(Target::Journey)
                    .phase(Phase::Submit)
                    .times(1),
            );
            let (status, _) = journey_post(&sim, path, json!({})).await;
            assert_eq!(status, 503, "{path}");
        }
        sim.inject(
            FaultRule::new(FaultKind::TaskFailed {
                error: Some("no seed today".into()),
            })
            .phase(Phase::Submit)
            .times(1),
        );
        let failed = submit(&sim, "/seed", json!({ "task_id": task_id(&grid) })).await;
        let done = journey_settle(&sim, &failed).await;
        assert_eq!(done["error"], "no seed today");
        sim.inject(
            FaultRule::new(FaultKind::TaskFailed { error: None })
                .phase(Phase::Submit)
                .times(1),
        );
        let failed = submit(
            &sim,
            "/describe",
            json!({ "image_url": "https://a.example/1.png" }),
        )
        .await;
        assert_eq!(journey_settle(&sim, &failed).await["status"], "failed");
    }
}
