//! Shared helpers for the scanner tests: render a code into a luma plane under
//! controlled conditions.
#![allow(dead_code, clippy::unwrap_used, clippy::indexing_slicing)]

use qrcode::{Color, EcLevel, QrCode};

/// How to draw a code.
#[derive(Clone, Copy)]
pub struct Look {
    /// Pixels per module.
    pub module: f64,
    /// Rotation, radians.
    pub angle: f64,
    /// Luma of dark modules and of light modules / quiet zone.
    pub dark: f64,
    pub light: f64,
    /// Background outside the quiet zone.
    pub background: f64,
    /// Multiply luma by a left-to-right ramp from 1 down to 1 - this.
    pub ramp: f64,
    /// A bent page: rows bow by up to this many modules in the middle.
    pub bulge: f64,
    /// Keystone perspective: the bottom edge is this much wider than the
    /// middle, the top edge this much narrower (0: none).
    pub tilt: f64,
    /// The same from left to right.
    pub tilt_x: f64,
}

impl Default for Look {
    fn default() -> Self {
        Self {
            module: 4.0,
            angle: 0.0,
            dark: 20.0,
            light: 235.0,
            background: 128.0,
            ramp: 0.0,
            bulge: 0.0,
            tilt: 0.0,
            tilt_x: 0.0,
        }
    }
}

/// A hallmark payload.
pub const HALLMARK: &str = "TMH1:AUR-2026-0042:MFRGGZDFMZTWQ2LKNNWG23TPOA";

/// A certificate-shaped payload (`TM1:/` then digits).
pub fn certificate_text() -> String {
    let mut s = String::from("TM1:/");
    for i in 0..470u32 {
        s.push_str(&format!("{:02}", (i * 37 + 11) % 78));
    }
    s
}

/// Renders `text` at EC level M into a `w`×`h` plane, centred.
pub fn render(text: &str, w: usize, h: usize, look: Look) -> Vec<u8> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).unwrap();
    let n = code.width();
    let colors = code.to_colors();
    let total = (n + 8) as f64;
    let (s, c) = look.angle.sin_cos();
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            for sy in 0..2 {
                for sx in 0..2 {
                    let px = x as f64 + 0.25 + 0.5 * sx as f64 - cx;
                    let py = y as f64 + 0.25 + 0.5 * sy as f64 - cy;
                    // A projective keystone: scale shrinks towards the top.
                    let depth = 1.0 + look.tilt * py / cy + look.tilt_x * px / cx;
                    let (px, py) = (px / depth, py / depth);
                    // Rotate back into code space, in modules from the code's corner.
                    let u = (px * c + py * s) / look.module + total / 2.0;
                    let v = (-px * s + py * c) / look.module + total / 2.0
                        - look.bulge * (std::f64::consts::PI * u / total).sin();
                    let l = if u < 0.0 || v < 0.0 || u >= total || v >= total {
                        look.background
                    } else {
                        let (mx, my) = (u as i64 - 4, v as i64 - 4);
                        if mx < 0 || my < 0 || mx >= n as i64 || my >= n as i64 {
                            look.light
                        } else if colors[my as usize * n + mx as usize] == Color::Dark {
                            look.dark
                        } else {
                            look.light
                        }
                    };
                    acc += l / 4.0;
                }
            }
            let shade = 1.0 - look.ramp * x as f64 / w as f64;
            out.push((acc * shade).round().clamp(0.0, 255.0) as u8);
        }
    }
    out
}

/// Encodes a luma plane as PNG.
pub fn png(data: &[u8], w: usize, h: usize) -> Vec<u8> {
    let img = image::GrayImage::from_raw(w as u32, h as u32, data.to_vec()).unwrap();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Box-blurs a plane `passes` times with radius `r`.
pub fn blur(data: &mut [u8], w: usize, h: usize, r: usize, passes: usize) {
    for _ in 0..passes {
        let src = data.to_vec();
        for y in 0..h {
            for x in 0..w {
                let (x0, x1) = (x.saturating_sub(r), (x + r).min(w - 1));
                let (y0, y1) = (y.saturating_sub(r), (y + r).min(h - 1));
                let mut sum = 0u32;
                for yy in y0..=y1 {
                    for xx in x0..=x1 {
                        sum += u32::from(src[yy * w + xx]);
                    }
                }
                data[y * w + x] = (sum / ((x1 - x0 + 1) * (y1 - y0 + 1)) as u32) as u8;
            }
        }
    }
}

/// A hallmark of `w` × `h` pixels whose data is wiped by a band of noise
/// through the middle, its finders intact: located, never read.
pub fn damaged_hallmark(w: usize, h: usize) -> Vec<u8> {
    let mut data = render(HALLMARK, w, h, Look::default());
    for y in 100..140 {
        for x in 60..180 {
            data[y * w + x] = if (x / 4 + y / 4) % 3 == 0 { 20 } else { 235 };
        }
    }
    data
}
