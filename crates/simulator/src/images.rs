//! Procedural pictures: a sky gradient, a glowing sun, rolling hills and floating circles,
//! all chosen by a seed, so each prompt gets its own deterministic picture.
//!
//! Drawing happens in a world space centred on the origin where the normal view is one unit
//! high; zoom-outs and pans move the view over the same world, variations perturb it.

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ImageEncoder, RgbImage};

use crate::util::{derive, Rng};

/// Long side of one grid image, in pixels.
pub const SINGLE_LONG_SIDE: u32 = 512;
/// Long side of an upscale, in pixels.
pub const UPSCALE_LONG_SIDE: u32 = 1024;
/// Long side of a 4x upscale, in pixels.
pub const UPSCALE_4X_LONG_SIDE: u32 = 1536;

/// Everything that decides what one image looks like.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    /// Scene layout and palette.
    pub seed: u64,
    /// Base hue in degrees.
    pub hue: f32,
    /// How far the scene is perturbed (0 = not at all, 1 = a lot).
    pub mutation: f32,
    /// Which perturbation.
    pub mutation_seed: u64,
    /// View scale: 1 = normal, 2 = zoomed out 2x.
    pub zoom: f32,
    /// View centre offset, in image heights.
    pub pan: (f32, f32),
}

impl Look {
    /// An unmodified look for `seed` with base hue `hue`.
    pub fn new(seed: u64, hue: f32) -> Self {
        Look {
            seed,
            hue,
            mutation: 0.0,
            mutation_seed: 0,
            zoom: 1.0,
            pan: (0.0, 0.0),
        }
    }

    /// The same scene, perturbed by `strength` (added to any earlier perturbation).
    pub fn mutated(self, strength: f32, seed: u64) -> Self {
        Look {
            mutation: (self.mutation + strength).min(1.5),
            mutation_seed: derive(self.mutation_seed ^ seed, 17),
            ..self
        }
    }

    /// The same scene seen `factor` times further away.
    pub fn zoomed(self, factor: f32) -> Self {
        Look {
            zoom: (self.zoom * factor.clamp(0.25, 4.0)).min(16.0),
            ..self
        }
    }

    /// The same scene with the view moved by (dx, dy) image heights.
    pub fn panned(self, dx: f32, dy: f32) -> Self {
        Look {
            pan: (
                (self.pan.0 + dx * self.zoom).clamp(-8.0, 8.0),
                (self.pan.1 + dy * self.zoom).clamp(-8.0, 8.0),
            ),
            ..self
        }
    }
}

/// Pixel size for an aspect ratio `w:h` with the long side `long` (ratio clamped to 1:4..4:1).
pub fn size_for(aspect: (u32, u32), long: u32) -> (u32, u32) {
    let (aw, ah) = (aspect.0.max(1) as f64, aspect.1.max(1) as f64);
    let ratio = (aw / ah).clamp(0.25, 4.0);
    let even = |v: f64| ((v / 2.0).round() as u32 * 2).max(2);
    if ratio >= 1.0 {
        (long, even(long as f64 / ratio))
    } else {
        (even(long as f64 * ratio), long)
    }
}

struct Hill {
    base: f32,
    amps: [f32; 3],
    freqs: [f32; 3],
    phases: [f32; 3],
    color: [f32; 3],
}

struct Blob {
    x: f32,
    y: f32,
    r: f32,
    ring: bool,
    color: [f32; 3],
    alpha: f32,
}

struct Scene {
    sky_top: [f32; 3],
    sky_bottom: [f32; 3],
    sun: (f32, f32, f32),
    sun_color: [f32; 3],
    hills: Vec<Hill>,
    blobs: Vec<Blob>,
}

fn hsl(h: f32, s: f32, l: f32) -> [f32; 3] {
    let h = h.rem_euclid(360.0) / 60.0;
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    [r + m, g + m, b + m]
}

/// A vivid colour of hue `h` degrees, as RGB fractions.
pub fn hue_rgb(h: f32) -> [f32; 3] {
    hsl(h, 0.75, 0.55)
}

impl Scene {
    fn new(look: &Look) -> Scene {
        let mut r = Rng::new(look.seed);
        let mut m = Rng::new(look.mutation_seed);
        let k = look.mutation;
        // jitter: perturbs a value by up to `scale * mutation`.
        let mut j = move |v: f32, scale: f32| v + m.range(-1.0, 1.0) * scale * k;
        let hue = j(look.hue + r.range(-20.0, 20.0), 60.0);
        let warm = r.range(25.0, 70.0);
        let sky_top = hsl(
            hue,
            r.range(0.45, 0.7),
            j(r.range(0.18, 0.38), 0.1).clamp(0.05, 0.6),
        );
        let sky_bottom = hsl(hue + warm, r.range(0.55, 0.8), r.range(0.62, 0.8));
        let sun = (
            j(r.range(-0.35, 0.35), 0.3),
            j(r.range(-0.3, -0.02), 0.1),
            j(r.range(0.07, 0.16), 0.04).max(0.03),
        );
        let sun_color = hsl(hue + warm + r.range(-15.0, 15.0), 0.9, r.range(0.7, 0.85));
        let layers = r.int(2, 4);
        let hills = (0..layers)
            .map(|i| {
                let t = i as f32 / layers as f32;
                Hill {
                    base: j(0.02 + t * 0.3 + r.range(0.0, 0.08), 0.08),
                    amps: [
                        j(r.range(0.02, 0.09), 0.03),
                        j(r.range(0.01, 0.04), 0.02),
                        r.range(0.003, 0.012),
                    ],
                    freqs: [r.range(1.5, 4.0), r.range(5.0, 9.0), r.range(14.0, 24.0)],
                    phases: [
                        j(r.range(0.0, 6.3), 1.5),
                        j(r.range(0.0, 6.3), 1.5),
                        r.range(0.0, 6.3),
                    ],
                    color: hsl(
                        hue - 40.0 + r.range(-25.0, 25.0) + t * 30.0,
                        r.range(0.3, 0.55),
                        0.42 - t * 0.28,
                    ),
                }
            })
            .collect();
        let count = r.int(5, 9);
        let blobs = (0..count)
            .map(|_| Blob {
                x: j(r.range(-1.6, 1.6), 0.25),
                y: j(r.range(-0.55, 0.25), 0.15),
                r: j(r.range(0.025, 0.13), 0.03).max(0.01),
                ring: r.unit() < 0.35,
                color: hsl(
                    hue + [0.0, 150.0, 200.0, warm][r.int(0, 3) as usize] + r.range(-20.0, 20.0),
                    r.range(0.5, 0.9),
                    r.range(0.5, 0.8),
                ),
                alpha: r.range(0.35, 0.8),
            })
            .collect();
        Scene {
            sky_top,
            sky_bottom,
            sun,
            sun_color,
            hills,
            blobs,
        }
    }
}

fn blend(dst: &mut [f32; 3], src: [f32; 3], a: f32) {
    let a = a.clamp(0.0, 1.0);
    for c in 0..3 {
        dst[c] += (src[c] - dst[c]) * a;
    }
}

/// Draws `look` at `width` x `height` pixels.
pub fn render(look: &Look, width: u32, height: u32) -> RgbImage {
    let (w, h) = (width.clamp(1, 4096), height.clamp(1, 4096));
    let scene = Scene::new(look);
    let px = look.zoom / h as f32; // world units per pixel
    let us: Vec<f32> = (0..w)
        .map(|x| look.pan.0 + (x as f32 + 0.5 - w as f32 / 2.0) * px)
        .collect();
    let hill_tops: Vec<Vec<f32>> = scene
        .hills
        .iter()
        .map(|hill| {
            us.iter()
                .map(|&u| {
                    hill.base
                        + (0..3)
                            .map(|i| hill.amps[i] * (hill.freqs[i] * u + hill.phases[i]).sin())
                            .sum::<f32>()
                })
                .collect()
        })
        .collect();
    let (sx, sy, sr) = scene.sun;
    let mut img = RgbImage::new(w, h);
    for y in 0..h {
        let v = look.pan.1 + (y as f32 + 0.5 - h as f32 / 2.0) * px;
        let t = (v + 0.5).clamp(0.0, 1.2) / 1.2;
        let mut sky = scene.sky_top;
        blend(&mut sky, scene.sky_bottom, t);
        let row_blobs: Vec<&Blob> = scene
            .blobs
            .iter()
            .filter(|b| (v - b.y).abs() <= b.r + px)
            .collect();
        for (x, &u) in us.iter().enumerate() {
            let mut c = sky;
            let d = ((u - sx).powi(2) + (v - sy).powi(2)).sqrt();
            if d < sr * 4.0 {
                let glow = (1.0 - d / (sr * 4.0)).powi(2) * 0.55;
                blend(&mut c, scene.sun_color, glow);
                blend(&mut c, scene.sun_color, (sr - d) / px + 0.5);
            }
            for b in &row_blobs {
                let d = ((u - b.x).powi(2) + (v - b.y).powi(2)).sqrt();
                let cover = if b.ring {
                    let width = b.r * 0.18;
                    (width - (d - b.r * 0.85).abs()) / px + 0.5
                } else {
                    (b.r - d) / px + 0.5
                };
                if cover > 0.0 {
                    blend(&mut c, b.color, cover.min(1.0) * b.alpha);
                }
            }
            for (hill, tops) in scene.hills.iter().zip(&hill_tops) {
                let cover = (v - tops[x]) / px + 0.5;
                if cover > 0.0 {
                    blend(&mut c, hill.color, cover);
                }
            }
            let to_u8 = |f: f32| (f.clamp(0.0, 1.0) * 255.0).round() as u8;
            img.put_pixel(
                x as u32,
                y,
                image::Rgb([to_u8(c[0]), to_u8(c[1]), to_u8(c[2])]),
            );
        }
    }
    img
}

/// Tiles four equally sized images into a 2x2 grid (top-left, top-right, bottom-left,
/// bottom-right).
pub fn tile(singles: &[RgbImage; 4]) -> RgbImage {
    let (w, h) = singles[0].dimensions();
    let mut grid = RgbImage::new(w * 2, h * 2);
    for (i, single) in singles.iter().enumerate() {
        let (ox, oy) = ((i as u32 % 2) * w, (i as u32 / 2) * h);
        for (x, y, p) in single.enumerate_pixels() {
            if x < w && y < h {
                grid.put_pixel(ox + x, oy + y, *p);
            }
        }
    }
    grid
}

/// Encodes an image as PNG.
pub fn encode_png(img: &RgbImage) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Sub).write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )?;
    Ok(out)
}

/// The mean per-channel difference of two same-sized pictures (tests: "visibly different").
#[cfg(test)]
pub(crate) fn mean_diff(a: &RgbImage, b: &RgbImage) -> f64 {
    let sum: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.as_raw().len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_aspect() {
        assert_eq!(size_for((1, 1), 512), (512, 512));
        assert_eq!(size_for((16, 9), 512), (512, 288));
        assert_eq!(size_for((9, 16), 512), (288, 512));
        assert_eq!(size_for((100, 1), 512), (512, 128));
        assert_eq!(size_for((0, 0), 512), (512, 512));
    }

    #[test]
    fn drawing_is_deterministic_and_seed_dependent() {
        let a = render(&Look::new(1, 10.0), 64, 64);
        let b = render(&Look::new(1, 10.0), 64, 64);
        let c = render(&Look::new(2, 190.0), 64, 64);
        assert_eq!(a, b);
        assert!(mean_diff(&a, &c) > 10.0, "different seeds look different");
        let png1 = encode_png(&a).expect("encodes");
        let png2 = encode_png(&b).expect("encodes");
        assert_eq!(png1, png2);
        assert_eq!(&png1[..8], b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn variations_stay_close_to_their_source() {
        let base = Look::new(9, 40.0);
        let a = render(&base, 64, 64);
        let subtle = render(&base.mutated(0.1, 5), 64, 64);
        let other = render(&Look::new(10, 220.0), 64, 64);
        assert!(mean_diff(&a, &subtle) < mean_diff(&a, &other));
        assert_ne!(a, subtle);
        assert_ne!(a, render(&base.zoomed(2.0), 64, 64));
        assert_ne!(a, render(&base.panned(-0.5, 0.0), 64, 64));
    }

    #[test]
    fn upscale_matches_its_source() {
        let look = Look::new(3, 100.0);
        let small = render(&look, 32, 32);
        let big = render(&look, 64, 64);
        let down = image::imageops::resize(&big, 32, 32, image::imageops::FilterType::Triangle);
        assert!(mean_diff(&small, &down) < 12.0);
    }

    #[test]
    fn tiles_are_exact_quadrants() {
        let singles: [RgbImage; 4] =
            std::array::from_fn(|i| render(&Look::new(i as u64, i as f32 * 90.0), 20, 10));
        let grid = tile(&singles);
        assert_eq!(grid.dimensions(), (40, 20));
        for (i, s) in singles.iter().enumerate() {
            let (ox, oy) = ((i as u32 % 2) * 20, (i as u32 / 2) * 10);
            let crop = image::imageops::crop_imm(&grid, ox, oy, 20, 10).to_image();
            assert_eq!(&crop, s);
        }
    }
}
