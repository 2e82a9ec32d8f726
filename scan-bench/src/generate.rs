//! Seeded synthetic photos of certificate and hallmark codes: perspective,
//! rotation, scale, blur (Gaussian and motion), noise, uneven light, specular
//! highlights, inversion, low contrast on a brushed-metal texture, curvature
//! and JPEG artefacts. The same seed always gives the same images.

use std::io::Cursor;
use std::path::PathBuf;

use image::codecs::jpeg::JpegEncoder;
use image::GrayImage;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use touchmark::issuer::render::{self, CodeSpec};

use crate::cases::{Manifest, ManifestEntry};

/// Arguments of `scan-bench gen`.
#[derive(clap::Args)]
pub struct GenArgs {
    /// Output folder (the manifest goes to `manifest.json` inside).
    #[arg(long)]
    pub out: PathBuf,
    /// Images per group (certificate, hallmark, pair, frame).
    #[arg(long, default_value_t = 50)]
    pub count: usize,
    /// The seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Smaller images (for the committed set).
    #[arg(long)]
    pub small: bool,
    /// JPEGs in colour (a warm tint, as shop light gives; PNGs stay grey).
    /// Without it every image is grey. The chroma is not subsampled (4:4:4:
    /// `image`'s encoder does not subsample), where phones write 4:2:0;
    /// `core/tests/data/jpeg/` holds the subsampled layouts.
    #[arg(long)]
    pub colour: bool,
    /// Only these groups (comma-separated: certificate, hallmark, pair,
    /// frame, photo, empty). `photo` is a 12 MP (4032×3024) JPEG phone photo
    /// of a certificate; `empty` a 1920×1080 frame of metal or paper with no
    /// code in view (what a live camera loop sees most of the time). Neither
    /// is in the default set.
    #[arg(long, value_delimiter = ',')]
    pub groups: Vec<String>,
}

struct Rng(ChaCha8Rng);

impl Rng {
    fn unit(&mut self) -> f64 {
        f64::from(self.0.next_u32()) / f64::from(u32::MAX)
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn below(&mut self, n: usize) -> usize {
        (self.0.next_u32() as usize) % n.max(1)
    }
    /// Roughly normal, mean 0, sd 1.
    fn normal(&mut self) -> f64 {
        (0..4).map(|_| self.unit()).sum::<f64>() * 3.0_f64.sqrt() - 2.0 * 3.0_f64.sqrt()
    }
}

const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A certificate payload: `TM1:/` and two digits per base64url character.
fn certificate_text(rng: &mut Rng) -> String {
    let len = 450 + rng.below(50);
    let mut out = String::from("TM1:/");
    for _ in 0..len {
        let c = B64URL.get(rng.below(B64URL.len())).copied().unwrap_or(b'A');
        out.push_str(&format!("{:02}", c - 45));
    }
    out
}

/// A hallmark payload: `TMH1:<SERIAL>:<26 base32 chars>`.
fn hallmark_text(rng: &mut Rng) -> String {
    let makers = ["AUR", "ARG", "PLT", "ORX"];
    let maker = makers
        .get(rng.below(makers.len()))
        .copied()
        .unwrap_or("AUR");
    let tag: String = (0..26)
        .map(|_| char::from(B32.get(rng.below(32)).copied().unwrap_or(b'A')))
        .collect();
    format!(
        "TMH1:{maker}-20{:02}-{:04}:{tag}",
        20 + rng.below(10),
        rng.below(10000)
    )
}

/// Module matrix of a code as Touchmark's issuer toolkit renders it
/// (certificates at level M, hallmarks at the strongest level that fits
/// version 4: see `touchmark::issuer::render`).
fn modules(text: &str, spec: CodeSpec) -> Result<(Vec<bool>, usize), String> {
    let code = render::encode(text, spec).map_err(|e| e.to_string())?;
    let n = code.width();
    let bits = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Ok((bits, n))
}

/// A projective map from the unit square to a quad, and its inverse.
#[derive(Clone, Copy)]
struct Proj([f64; 9]);

impl Proj {
    fn square_to_quad(q: [[f64; 2]; 4]) -> Self {
        let [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q;
        let dx3 = x0 - x1 + x2 - x3;
        let dy3 = y0 - y1 + y2 - y3;
        let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
        let den = dx1 * dy2 - dx2 * dy1;
        let g = (dx3 * dy2 - dx2 * dy3) / den;
        let h = (dx1 * dy3 - dx3 * dy1) / den;
        Proj([
            x1 - x0 + g * x1,
            x3 - x0 + h * x3,
            x0,
            y1 - y0 + g * y1,
            y3 - y0 + h * y3,
            y0,
            g,
            h,
            1.0,
        ])
    }
    fn inverse(&self) -> Self {
        let [a, b, c, d, e, f, g, h, i] = self.0;
        Proj([
            e * i - f * h,
            c * h - b * i,
            b * f - c * e,
            f * g - d * i,
            a * i - c * g,
            c * d - a * f,
            d * h - e * g,
            b * g - a * h,
            a * e - b * d,
        ])
    }
    fn map(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f, g, h, i] = self.0;
        let w = g * x + h * y + i;
        ((a * x + b * y + c) / w, (d * x + e * y + f) / w)
    }
}

/// How one code is drawn into the scene.
struct Placement {
    bits: Vec<bool>,
    n: usize,
    /// Quad of the code including a 4-module quiet zone, in pixels.
    quad: [[f64; 2]; 4],
    /// Luma of dark modules and of light modules (swapped when inverted).
    dark: f64,
    light: f64,
    /// Quiet-zone luma (None: leave the background).
    quiet: Option<f64>,
    /// Bulge of a curved surface, in modules.
    curve: f64,
}

/// Places a code's square (quiet zone included) of about `side` pixels with
/// a random centre, angle and perspective, wholly inside the `w`×`h` frame: a
/// code cut by the frame edge is unreadable by any reader, so it measures
/// nothing (the first version of this generator let rotated codes spill out).
/// Retries, shrinking the side a little after every ten tries.
fn place(rng: &mut Rng, w: f64, h: f64, side: f64, perspective: f64) -> [[f64; 2]; 4] {
    let mut side = side;
    for attempt in 0..200 {
        let quad = place_once(rng, w, h, side, perspective);
        let inside = quad
            .iter()
            .all(|p| (0.0..w).contains(&p[0]) && (0.0..h).contains(&p[1]));
        if inside {
            return quad;
        }
        if attempt % 10 == 9 {
            side *= 0.95;
        }
    }
    place_once(rng, w, h, side, perspective)
}

/// The mean edge length of a quad.
fn mean_side(q: &[[f64; 2]; 4]) -> f64 {
    (0..4)
        .map(|i| {
            let (a, b) = (q[i], q[(i + 1) % 4]);
            (a[0] - b[0]).hypot(a[1] - b[1])
        })
        .sum::<f64>()
        / 4.0
}

fn place_once(rng: &mut Rng, w: f64, h: f64, side: f64, perspective: f64) -> [[f64; 2]; 4] {
    let cx = rng.range(side * 0.6, (w - side * 0.6).max(side * 0.6 + 1.0));
    let cy = rng.range(side * 0.6, (h - side * 0.6).max(side * 0.6 + 1.0));
    let angle = rng.range(0.0, std::f64::consts::TAU);
    let (s, c) = angle.sin_cos();
    let half = side / 2.0;
    [[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]].map(|[u, v]| {
        let ju = u + perspective * rng.normal() * 0.5;
        let jv = v + perspective * rng.normal() * 0.5;
        [cx + half * (ju * c - jv * s), cy + half * (ju * s + jv * c)]
    })
}

/// Luma of a code at module coordinates (u, v) in [0, n+8), or None outside.
fn code_luma(p: &Placement, u: f64, v: f64) -> Option<f64> {
    let total = (p.n + 8) as f64;
    if !(0.0..total).contains(&u) || !(0.0..total).contains(&v) {
        return None;
    }
    let (mx, my) = (u - 4.0, v - 4.0);
    if mx < 0.0 || my < 0.0 || mx >= p.n as f64 || my >= p.n as f64 {
        return p.quiet;
    }
    let bit = p
        .bits
        .get(my as usize * p.n + mx as usize)
        .copied()
        .unwrap_or(false);
    Some(if bit { p.dark } else { p.light })
}

fn box_blur(img: &mut [f64], w: usize, h: usize, rx: usize, ry: usize) {
    let mut tmp = img.to_vec();
    if rx > 0 {
        for y in 0..h {
            for x in 0..w {
                let lo = x.saturating_sub(rx);
                let hi = (x + rx).min(w - 1);
                let s: f64 = (lo..=hi).map(|k| img[y * w + k]).sum();
                tmp[y * w + x] = s / (hi - lo + 1) as f64;
            }
        }
        img.copy_from_slice(&tmp);
    }
    if ry > 0 {
        for y in 0..h {
            for x in 0..w {
                let lo = y.saturating_sub(ry);
                let hi = (y + ry).min(h - 1);
                let s: f64 = (lo..=hi).map(|k| img[k * w + x]).sum();
                tmp[y * w + x] = s / (hi - lo + 1) as f64;
            }
        }
        img.copy_from_slice(&tmp);
    }
}

/// The corners of a placed code's modules (the quiet zone is 4 modules of
/// its quad on each side), before curvature.
fn code_corners(p: &Placement) -> [[f64; 2]; 4] {
    let to_img = Proj::square_to_quad(p.quad);
    let total = (p.n + 8) as f64;
    let (near, far) = (4.0 / total, (p.n + 4) as f64 / total);
    [(near, near), (far, near), (far, far), (near, far)].map(|(u, v)| {
        let (x, y) = to_img.map(u, v);
        [(x * 100.0).round() / 100.0, (y * 100.0).round() / 100.0]
    })
}

struct Scene {
    image: GrayImage,
    expected: Vec<String>,
    /// Each code's outer corners (top-left, top-right, bottom-right,
    /// bottom-left of its modules, quiet zone excluded), in pixels.
    corners: Vec<[[f64; 2]; 4]>,
    conditions: Vec<String>,
    jpeg: Option<u8>,
}

#[allow(clippy::too_many_lines)]
fn scene(rng: &mut Rng, group: &str, small: bool) -> Result<Scene, String> {
    let (w, h) = match (group, small) {
        ("frame" | "empty", _) => (1920usize, 1080usize),
        ("photo", _) => (4032, 3024),
        ("pair", false) => (1280, 960),
        ("hallmark", true) => (480, 360),
        _ => (800, 600),
    };
    let (wf, hf) = (w as f64, h as f64);
    let mut conditions = Vec::new();
    let metal = group == "hallmark" || (matches!(group, "pair" | "empty") && rng.chance(0.5));
    // Background: brushed metal (row streaks) or a table / paper surface.
    let base = rng.range(90.0, 200.0);
    let mut streak = vec![0.0; h];
    let mut s = 0.0;
    for v in &mut streak {
        s = s * 0.9 + rng.normal() * 6.0;
        *v = s;
    }
    let mut img: Vec<f64> = (0..w * h)
        .map(|i| base + if metal { streak[i / w] } else { 0.0 })
        .collect();
    if metal {
        conditions.push("metal".to_string());
    }
    let mut placements = Vec::new();
    let mut expected = Vec::new();
    let want_cert = matches!(group, "certificate" | "pair" | "frame" | "photo");
    let want_hall = matches!(group, "hallmark" | "pair");
    if want_cert {
        let text = certificate_text(rng);
        let (bits, n) = modules(&text, render::CERTIFICATE)?;
        let min_side = (n + 8) as f64 * 2.2;
        let side = match group {
            "frame" => rng.range(hf * 0.35, hf * 0.8),
            "photo" => rng.range(hf * 0.2, hf * 0.6),
            "pair" => rng.range(hf * 0.35, hf * 0.55),
            _ => rng.range(min_side.max(hf * 0.45), hf * 0.95),
        };
        let persp = rng.range(0.0, 0.25);
        let quad = place(
            rng,
            if group == "pair" { wf * 0.6 } else { wf },
            hf,
            side,
            persp,
        );
        conditions.push(format!("cert-side-{:.0}px", mean_side(&quad)));
        let (dark, light) = (rng.range(10.0, 60.0), rng.range(190.0, 250.0));
        placements.push(Placement {
            bits,
            n,
            quad,
            dark,
            light,
            quiet: Some(light),
            curve: 0.0,
        });
        expected.push(text);
    }
    if want_hall {
        let text = hallmark_text(rng);
        let (bits, n) = modules(&text, render::HALLMARK)?;
        let min_side = (n + 8) as f64 * 2.4;
        let side = rng.range(min_side, (min_side * 2.5).min(hf * 0.6));
        let persp = rng.range(0.0, 0.2);
        let mut quad = place(
            rng,
            if group == "pair" { wf * 0.4 } else { wf },
            hf,
            side,
            persp,
        );
        conditions.push(format!("hallmark-side-{:.0}px", mean_side(&quad)));
        if group == "pair" {
            for p in &mut quad {
                p[0] += wf * 0.6;
            }
        }
        let contrast = rng.range(25.0, 70.0);
        let inverted = rng.chance(0.6);
        let mid = rng.range(80.0, 170.0);
        let (dark, light) = if inverted {
            conditions.push("inverted".to_string());
            (mid + contrast / 2.0, mid - contrast / 2.0)
        } else {
            (mid - contrast / 2.0, mid + contrast / 2.0)
        };
        conditions.push(format!("contrast-{contrast:.0}"));
        let curve = if rng.chance(0.4) {
            rng.range(0.5, 2.0)
        } else {
            0.0
        };
        if curve > 0.0 {
            conditions.push(format!("curved-{curve:.1}"));
        }
        placements.push(Placement {
            bits,
            n,
            quad,
            dark,
            light,
            quiet: Some(light),
            curve,
        });
        expected.push(text);
    }
    // Draw each code with 3×3 supersampling.
    for p in &placements {
        let total = (p.n + 8) as f64;
        let to_img = Proj::square_to_quad(p.quad);
        let to_sq = to_img.inverse();
        let xs: Vec<f64> = p.quad.iter().map(|q| q[0]).collect();
        let ys: Vec<f64> = p.quad.iter().map(|q| q[1]).collect();
        let x0 = xs.iter().copied().fold(f64::MAX, f64::min).max(0.0) as usize;
        let x1 = (xs.iter().copied().fold(f64::MIN, f64::max) + 2.0).min(wf) as usize;
        let y0 = ys.iter().copied().fold(f64::MAX, f64::min).max(0.0) as usize;
        let y1 = (ys.iter().copied().fold(f64::MIN, f64::max) + 2.0).min(hf) as usize;
        for y in y0..y1 {
            for x in x0..x1 {
                let mut acc = 0.0;
                let mut hits = 0;
                for sy in 0..3 {
                    for sx in 0..3 {
                        let px = x as f64 + (sx as f64 + 0.5) / 3.0 - 0.5;
                        let py = y as f64 + (sy as f64 + 0.5) / 3.0 - 0.5;
                        let (u, v) = to_sq.map(px, py);
                        let (mut u, v) = (u * total, v * total);
                        // A cylinder bulge: columns bow sideways with height.
                        u += p.curve * (1.0 - (2.0 * v / total - 1.0).powi(2));
                        if let Some(l) = code_luma(p, u, v) {
                            acc += l;
                            hits += 1;
                        }
                    }
                }
                if hits > 0 {
                    let i = y * w + x;
                    img[i] = (acc + img[i] * f64::from(9 - hits)) / 9.0;
                }
            }
        }
    }
    // Uneven light: a linear gradient times a soft vignette.
    if rng.chance(0.6) {
        let g = rng.range(0.2, 0.6);
        let (gx, gy) = (rng.normal(), rng.normal());
        conditions.push(format!("uneven-light-{g:.2}"));
        for (i, v) in img.iter_mut().enumerate() {
            let (x, y) = ((i % w) as f64 / wf - 0.5, (i / w) as f64 / hf - 0.5);
            *v *= 1.0 - g * (0.5 + 0.5 * (gx * x + gy * y).tanh());
        }
    }
    // Specular highlight: a saturating soft blob over part of the code.
    if (metal && rng.chance(0.6)) || rng.chance(0.15) {
        let p = placements
            .first()
            .map(|p| p.quad)
            .unwrap_or([[wf / 2.0, hf / 2.0]; 4]);
        let cx = p.iter().map(|q| q[0]).sum::<f64>() / 4.0 + rng.normal() * 20.0;
        let cy = p.iter().map(|q| q[1]).sum::<f64>() / 4.0 + rng.normal() * 20.0;
        let r = rng.range(8.0, 40.0);
        let strength = rng.range(60.0, 160.0);
        conditions.push(format!("glare-{strength:.0}"));
        for (i, v) in img.iter_mut().enumerate() {
            let (dx, dy) = ((i % w) as f64 - cx, ((i / w) as f64 - cy) * 2.0);
            *v += strength * (-(dx * dx + dy * dy) / (2.0 * r * r)).exp();
        }
    }
    // Blur: Gaussian-like (three box passes) or motion (one direction).
    let blur = rng.range(0.0, 1.0);
    if blur > 0.5 {
        let r = if blur > 0.85 { 2 } else { 1 };
        conditions.push(format!("blur-{r}"));
        for _ in 0..2 {
            box_blur(&mut img, w, h, r, r);
        }
    } else if blur > 0.35 {
        let r = 2 + rng.below(3);
        conditions.push(format!("motion-blur-{r}"));
        box_blur(&mut img, w, h, r, 0);
    }
    let noise = rng.range(0.0, 10.0);
    conditions.push(format!("noise-{noise:.1}"));
    let pixels: Vec<u8> = img
        .iter()
        .map(|v| (v + rng.normal() * noise).round().clamp(0.0, 255.0) as u8)
        .collect();
    let image = GrayImage::from_raw(w as u32, h as u32, pixels).ok_or("bad size")?;
    let jpeg = if group == "photo" {
        // Phones save photos as JPEG at high quality.
        Some(80 + rng.below(16) as u8)
    } else if small || rng.chance(0.5) {
        Some(if small { 88 } else { 40 + rng.below(50) as u8 })
    } else {
        None
    };
    if let Some(q) = jpeg {
        conditions.push(format!("jpeg-{q}"));
    }
    let corners = placements.iter().map(code_corners).collect();
    Ok(Scene {
        image,
        expected,
        corners,
        conditions,
        jpeg,
    })
}

/// A grey image in colour under warm light: red 6 % up, blue 12 % down.
fn tinted(grey: &GrayImage) -> image::RgbImage {
    let scale = |v: u8, by: f64| (f64::from(v) * by).round().min(255.0) as u8;
    image::RgbImage::from_fn(grey.width(), grey.height(), |x, y| {
        let v = grey.get_pixel(x, y).0[0];
        image::Rgb([scale(v, 1.06), v, scale(v, 0.88)])
    })
}

/// Writes `count` images per group and `manifest.json` into `args.out`.
pub fn generate(args: &GenArgs) -> Result<(), String> {
    std::fs::create_dir_all(&args.out).map_err(|e| e.to_string())?;
    let mut rng = Rng(ChaCha8Rng::seed_from_u64(args.seed));
    let mut images = Vec::new();
    let default: &[&str] = if args.small {
        &["certificate", "hallmark", "pair"]
    } else {
        &["certificate", "hallmark", "pair", "frame"]
    };
    let groups: Vec<&str> = if args.groups.is_empty() {
        default.to_vec()
    } else {
        args.groups.iter().map(String::as_str).collect()
    };
    for group in &groups {
        for i in 0..args.count {
            let scene = scene(&mut rng, group, args.small)?;
            let (name, bytes) = match scene.jpeg {
                Some(q) => {
                    let mut out = Vec::new();
                    let mut encoder = JpegEncoder::new_with_quality(&mut out, q);
                    if args.colour {
                        encoder.encode_image(&tinted(&scene.image))
                    } else {
                        encoder.encode_image(&scene.image)
                    }
                    .map_err(|e| e.to_string())?;
                    (format!("{group}-{i:03}.jpg"), out)
                }
                None => {
                    let mut out = Cursor::new(Vec::new());
                    scene
                        .image
                        .write_to(&mut out, image::ImageFormat::Png)
                        .map_err(|e| e.to_string())?;
                    (format!("{group}-{i:03}.png"), out.into_inner())
                }
            };
            std::fs::write(args.out.join(&name), bytes).map_err(|e| e.to_string())?;
            images.push(ManifestEntry {
                file: name,
                expected: scene.expected,
                corners: scene.corners,
                conditions: scene.conditions,
                group: (*group).to_string(),
            });
        }
    }
    let manifest = Manifest { images };
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    std::fs::write(args.out.join("manifest.json"), text + "\n").map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_corners_leave_out_the_quiet_zone() {
        // A version-4 code (33 modules) drawn on a 41-pixel square with a
        // 4-module quiet zone: its modules span pixels 4 to 37.
        let p = Placement {
            bits: vec![false; 33 * 33],
            n: 33,
            quad: [[0.0, 0.0], [41.0, 0.0], [41.0, 41.0], [0.0, 41.0]],
            dark: 0.0,
            light: 255.0,
            quiet: None,
            curve: 0.0,
        };
        assert_eq!(
            code_corners(&p),
            [[4.0, 4.0], [37.0, 4.0], [37.0, 37.0], [4.0, 37.0]]
        );
    }
}
