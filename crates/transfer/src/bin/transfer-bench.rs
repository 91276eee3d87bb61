//! Export and import benchmark (a command, not a timed test).
//!
//! ```text
//! cargo run --release -p atelier-transfer --bin transfer-bench -- --images 10000
//! ```
//!
//! Fills a library in a temporary folder with `--images` real image files (a grid and four
//! singles per task, PNGs of `--side` pixels with noise so they do not compress away, each
//! with a JPEG thumbnail), a tenth favorites and a collection. Then, side by side in one
//! run:
//!
//! 1. a plain copy of the originals (`std::fs::copy`, file by file), an export to a folder and
//!    one to a zip, in turn, twice (the fastest run of each counts);
//! 2. an import of the folder export into a fresh library, and of the zip into another.
//!
//! Copies and exports are timed until their data is on disk (`sync` before, untimed, and
//! after, timed), so no step pays for another's writes still in the page cache.
//!
//! Every step is timed until its data is on disk (`sync` before, untimed, and after, timed),
//! so no step pays for another's writes still in the page cache.
//!
//! It prints each time, the export/copy ratios (budget: within 2x) and the import time
//! (budget: 60 s for 10,000 images). `--keep` leaves the folder and prints its path.

use atelier_library::{make_thumbnail, ImageSlot, Library, THUMBNAIL_SIDE};
use atelier_providers::{ProviderKind, Task, TaskKind, TaskStatus};
use atelier_transfer::{export_images, import_export, ExportFormat, ExportRequest};
use chrono::{TimeZone, Utc};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// Export must run within this factor of a plain copy of the same bytes.
const EXPORT_RATIO_BUDGET: f64 = 2.0;
/// Import of 10,000 images must take at most this long.
const IMPORT_BUDGET_10K: Duration = Duration::from_secs(60);
/// How many times the copy and each export run (the fastest run of each counts).
const ROUNDS: usize = 2;
/// How many different image files are drawn (then reused under every task's name).
const DISTINCT_IMAGES: usize = 24;

struct Args {
    images: usize,
    side: u32,
    keep: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        images: 10_000,
        side: 512,
        keep: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or(format!("{name} needs a number"))
        };
        match a.as_str() {
            "--images" => args.images = number("--images")?.max(5),
            "--side" => args.side = number("--side")?.clamp(16, 4096) as u32,
            "--keep" => args.keep = true,
            _ => return Err("usage: transfer-bench [--images N] [--side PX] [--keep]".into()),
        }
    }
    Ok(args)
}

/// A PNG of noise over a gradient: as hard to compress as a real render.
fn noisy_png(side: u32, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let img = image::RgbImage::from_fn(side, side, |x, y| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let n = (state & 0x3F) as u32;
        image::Rgb([
            ((x * 255 / side + n) & 0xFF) as u8,
            ((y * 255 / side + n / 2) & 0xFF) as u8,
            (((x + y) * 128 / side + n) & 0xFF) as u8,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("a PNG encodes in memory");
    out.into_inner()
}

fn fill(lib: &Library, args: &Args) -> Result<(Vec<i64>, u64), String> {
    let scratch = lib.root().join("distinct");
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let mut distinct = Vec::new();
    for i in 0..DISTINCT_IMAGES {
        let bytes = noisy_png(args.side, i as u64 + 1);
        let path = scratch.join(format!("{i}.png"));
        std::fs::write(&path, &bytes).map_err(|e| e.to_string())?;
        let thumb = scratch.join(format!("{i}.jpg"));
        make_thumbnail(&path, &thumb, THUMBNAIL_SIDE).map_err(|e| e.to_string())?;
        let thumb = std::fs::read(&thumb).map_err(|e| e.to_string())?;
        distinct.push((bytes, thumb));
    }
    let tasks = args.images.div_ceil(5);
    let slots = [
        ImageSlot::Grid,
        ImageSlot::Single(1),
        ImageSlot::Single(2),
        ImageSlot::Single(3),
        ImageSlot::Single(4),
    ];
    let mut ids = Vec::with_capacity(args.images);
    let mut total_bytes = 0;
    for start in (0..tasks).step_by(500) {
        let end = (start + 500).min(tasks);
        let mut files = Vec::new();
        for t in start..end {
            for (s, slot) in slots.iter().enumerate() {
                if t * 5 + s >= args.images {
                    break;
                }
                let (bytes, thumb) = &distinct[(t * 5 + s) % DISTINCT_IMAGES];
                let id = format!("bench-{t}");
                let path = lib
                    .images_dir()
                    .join(&id)
                    .join(format!("{}.png", slot.file_stem()));
                let thumb_path = lib.thumbnail_path(&id, *slot).map_err(|e| e.to_string())?;
                for (p, b) in [(&path, bytes), (&thumb_path, thumb)] {
                    std::fs::create_dir_all(p.parent().unwrap_or(Path::new(".")))
                        .map_err(|e| e.to_string())?;
                    std::fs::write(p, b).map_err(|e| e.to_string())?;
                }
                total_bytes += bytes.len() as u64;
                files.push((t, *slot, path, thumb_path, bytes.len() as u64));
            }
        }
        let made = lib
            .batch(|b| {
                let mut made = Vec::new();
                for (t, slot, path, thumb, len) in &files {
                    let id = format!("bench-{t}");
                    if *slot == ImageSlot::Grid {
                        let mut task = Task::new(&id, ProviderKind::Linkr, TaskKind::Imagine);
                        task.prompt = Some(format!(
                            "bench prompt number {t}, a harbour at dawn --ar 1:1 --v 7"
                        ));
                        task.model = Some("midjourney".into());
                        task.created_at = Utc
                            .timestamp_opt(1_760_000_000 + *t as i64 * 60, 0)
                            .single();
                        task.status = TaskStatus::Succeeded;
                        b.upsert_task(&task, false, None)?;
                    }
                    let image = b.add_image(&id, *slot, path, args.side, args.side, *len)?;
                    b.set_thumbnail(image, thumb)?;
                    made.push(image);
                }
                Ok(made)
            })
            .map_err(|e| e.to_string())?;
        ids.extend(made);
    }
    let favorites: Vec<i64> = ids.iter().copied().step_by(10).collect();
    lib.set_favorite_images(&favorites, true)
        .map_err(|e| e.to_string())?;
    let shelf = lib
        .create_collection("Bench shelf")
        .map_err(|e| e.to_string())?;
    let members: Vec<i64> = ids.iter().copied().step_by(7).collect();
    lib.add_to_collection(shelf.id, &members)
        .map_err(|e| e.to_string())?;
    std::fs::remove_dir_all(&scratch).map_err(|e| e.to_string())?;
    Ok((ids, total_bytes))
}

/// Flushes every dirty page to disk (the system's `sync`).
fn sync() -> Result<(), String> {
    let status = std::process::Command::new("sync")
        .status()
        .map_err(|e| e.to_string())?;
    status.success().then_some(()).ok_or("sync failed".into())
}

/// Times `work` until its data is on disk: the disk is flushed before (not timed) and after
/// (timed), so every step pays for its own writes and for no other step's.
fn on_disk(work: impl FnOnce() -> Result<(), String>) -> Result<Duration, String> {
    sync()?;
    let started = Instant::now();
    work()?;
    sync()?;
    Ok(started.elapsed())
}

/// Copies the originals of `ids` into `dest`, file by file, as a file manager would.
fn plain_copy(lib: &Library, ids: &[i64], dest: &Path) -> Result<Duration, String> {
    std::fs::create_dir_all(dest).map_err(|e| e.to_string())?;
    let paths = ids
        .iter()
        .map(|id| {
            let item = lib
                .get_image(*id)
                .map_err(|e| e.to_string())?
                .ok_or("an image went away")?;
            Ok((*id, item.path))
        })
        .collect::<Result<Vec<_>, String>>()?;
    on_disk(|| {
        for (id, path) in &paths {
            std::fs::copy(path, dest.join(format!("{id}.png"))).map_err(|e| e.to_string())?;
        }
        Ok(())
    })
}

fn remove(dir: &Path) -> Result<(), String> {
    std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn mb_per_s(bytes: u64, t: Duration) -> f64 {
    bytes as f64 / 1e6 / t.as_secs_f64()
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let root: PathBuf = dir.path().to_path_buf();
    println!(
        "transfer-bench: {} images of {}x{} px (real PNG files) in {}",
        args.images,
        args.side,
        args.side,
        root.display()
    );
    let started = Instant::now();
    let source = Library::open(&root.join("source")).map_err(|e| e.to_string())?;
    let (ids, bytes) = fill(&source, &args)?;
    println!(
        "  filled the library: {:.1} MB of originals in {:.1} s",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let out = root.join("out");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    // Copies and exports alternate, twice, and each kind's faster run counts: the disk's
    // speed drifts (page cache, the host's own caching), and this keeps that drift from
    // favouring one kind. Each copy is removed once timed: at 10,000 images each is gigabytes.
    let export = |name: &str, format| -> Result<Duration, String> {
        let request = ExportRequest {
            image_ids: ids.clone(),
            dir: out.clone(),
            name: name.into(),
            format,
            app: "transfer-bench".into(),
        };
        on_disk(|| {
            let outcome = export_images(&source, &request, &AtomicBool::new(false), &mut |_, _| {})
                .map_err(|e| e.to_string())?;
            if outcome.images as usize != ids.len() {
                return Err(format!(
                    "the export wrote {} images of {}",
                    outcome.images,
                    ids.len()
                ));
            }
            Ok(())
        })
    };
    let mut copies = Vec::new();
    let mut folders = Vec::new();
    let mut zips = Vec::new();
    for round in 1..=ROUNDS {
        // Nothing is deleted between the three (ext4 slows file creation right after a mass
        // delete, which would tax whichever step came next).
        copies.push(plain_copy(&source, &ids, &out.join("copy"))?);
        folders.push(export("folder", ExportFormat::Folder)?);
        zips.push(export("zip", ExportFormat::Zip)?);
        remove(&out.join("copy"))?;
        if round < ROUNDS {
            remove(&out.join("folder"))?;
            std::fs::remove_file(out.join("zip.zip")).map_err(|e| e.to_string())?;
        }
    }
    let best = |runs: &[Duration]| runs.iter().copied().min().unwrap_or_default();
    let shown = |runs: &[Duration]| {
        runs.iter()
            .map(|t| format!("{:.2} s", t.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let copy = best(&copies);
    println!(
        "  plain copy of the originals: {} ({:.0} MB/s at best)",
        shown(&copies),
        mb_per_s(bytes, copy)
    );
    for (what, runs) in [("folder", &folders), ("zip", &zips)] {
        let t = best(runs);
        let ratio = t.as_secs_f64() / copy.as_secs_f64();
        println!(
            "  export to a {what}: {} ({:.0} MB/s of originals at best), {ratio:.2}x the copy (budget {EXPORT_RATIO_BUDGET}x) {}",
            shown(runs),
            mb_per_s(bytes, t),
            if ratio <= EXPORT_RATIO_BUDGET { "ok" } else { "OVER" }
        );
    }
    let fresh = Library::open(&root.join("fresh")).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let summary = import_export(
        &fresh,
        &out.join("folder"),
        &AtomicBool::new(false),
        &mut |_, _| {},
    )
    .map_err(|e| e.to_string())?;
    let import = started.elapsed();
    let budget = IMPORT_BUDGET_10K.mul_f64(args.images as f64 / 10_000.0);
    println!(
        "  import of the folder export into a fresh library: {:.2} s for {} images in {} tasks, {} problems (budget {:.0} s) {}",
        import.as_secs_f64(),
        summary.images,
        summary.tasks,
        summary.problems.len(),
        budget.as_secs_f64(),
        if import <= budget { "ok" } else { "OVER" }
    );
    drop(fresh);
    remove(&root.join("fresh"))?;
    remove(&out.join("folder"))?;
    let started = Instant::now();
    let zip_summary = import_export(
        &Library::open(&root.join("fresh-zip")).map_err(|e| e.to_string())?,
        &out.join("zip.zip"),
        &AtomicBool::new(false),
        &mut |_, _| {},
    )
    .map_err(|e| e.to_string())?;
    println!(
        "  import of the zip export into a fresh library: {:.2} s for {} images",
        started.elapsed().as_secs_f64(),
        zip_summary.images
    );
    if args.keep {
        println!("  kept: {}", dir.keep().display());
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("transfer-bench: {e}");
        std::process::exit(1);
    }
}
