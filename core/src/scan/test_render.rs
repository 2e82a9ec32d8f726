//! Rendering codes for unit tests: modules at a whole number of pixels per
//! module, a quiet zone, a point-spread function, a light gradient.

use super::blur::Psf;
use super::homography::Homography;
use super::plane::Plane;

/// A hallmark payload as the issuer toolkit writes them (version 4 at H).
pub const HALLMARK: &str = "TMH1:ORX-2023-6192:2KSD6AMPGB5GIVTDZ3GSBYV3BW";

/// A rendered test image and the module-to-pixel map of its code.
pub struct Rendered {
    /// The image.
    pub plane: Plane,
    /// Module coordinates to pixels (pixel centres at whole coordinates).
    pub map: Homography,
}

/// The size and modules (dark = true, row after row) of `text` encoded at
/// error correction `level`.
pub fn modules(text: &[u8], level: qrcode::EcLevel) -> (usize, Vec<bool>) {
    let code = qrcode::QrCode::with_error_correction_level(text, level).unwrap();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    (code.width(), dark)
}

/// The modules of `text` at error correction level H, as hallmarks are
/// rendered.
pub fn hallmark_modules(text: &str) -> (usize, Vec<bool>) {
    modules(text.as_bytes(), qrcode::EcLevel::H)
}

/// [`HALLMARK`] rendered by [`render`] at `px` pixels per module with
/// `margin` light modules, blurred by `psf` under a light gradient of
/// `gradient` levels: its size, its modules (dark = true, row after row) and
/// the image.
pub fn render_hallmark(
    px: usize,
    margin: usize,
    psf: &Psf,
    gradient: f64,
) -> (usize, Vec<bool>, Rendered) {
    let (size, dark) = hallmark_modules(HALLMARK);
    let image = render(&|r, c| dark[r * size + c], size, px, margin, psf, gradient);
    (size, dark, image)
}

/// Renders a code of `size` modules whose module (row, col) is dark when
/// `dark` says, at `px` pixels per module with `margin` light modules all
/// round, dark modules at 40 and light at 200 under a left-to-right light
/// gradient of `gradient` levels, blurred by `psf`.
pub fn render(
    dark: &dyn Fn(usize, usize) -> bool,
    size: usize,
    px: usize,
    margin: usize,
    psf: &Psf,
    gradient: f64,
) -> Rendered {
    let side = (size + 2 * margin) * px;
    let offset = margin * px;
    let sharp: Vec<f64> = (0..side * side)
        .map(|i| {
            let (y, x) = (i / side, i % side);
            let (r, c) = (
                (y as isize - offset as isize) / px as isize,
                (x as isize - offset as isize) / px as isize,
            );
            let inside = y >= offset && x >= offset && (r as usize) < size && (c as usize) < size;
            let shade = gradient * x as f64 / side as f64;
            if inside && dark(r as usize, c as usize) {
                40.0 + shade / 4.0
            } else {
                200.0 - shade
            }
        })
        .collect();
    let last = side as i32 - 1;
    let data: Vec<u8> = (0..side * side)
        .map(|i| {
            let (y, x) = ((i / side) as i32, (i % side) as i32);
            let v: f64 = psf
                .taps()
                .iter()
                .map(|&(dx, dy, w)| {
                    let (sx, sy) = ((x - dx).clamp(0, last), (y - dy).clamp(0, last));
                    f64::from(w) * sharp[sy as usize * side + sx as usize]
                })
                .sum();
            v.round() as u8
        })
        .collect();
    // Pixel x spans x ± ½, so module 0 starts half a pixel before pixel
    // `offset`'s centre.
    let o = offset as f64 - 0.5;
    let s = (size * px) as f64;
    let n = size as f64;
    let map = Homography::between(
        [[0.0, 0.0], [n, 0.0], [n, n], [0.0, n]],
        [[o, o], [o + s, o], [o + s, o + s], [o, o + s]],
    )
    .unwrap();
    Rendered {
        plane: Plane {
            data,
            width: side,
            height: side,
        },
        map,
    }
}

/// A `w`×`h` checkerboard of `cell`-pixel squares, `dark` where the
/// top-left square is.
pub fn checkerboard(w: usize, h: usize, cell: usize, dark: u8, light: u8) -> Plane {
    let data = (0..w * h)
        .map(|i| {
            if ((i % w) / cell + (i / w) / cell) % 2 == 0 {
                dark
            } else {
                light
            }
        })
        .collect();
    Plane {
        data,
        width: w,
        height: h,
    }
}
