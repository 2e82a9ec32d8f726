//! Deterministic images for the vectors: rendered codes, a two-code photo layout,
//! a damaged code, a blank frame, and raw luma frames.

use image::{GrayImage, Luma};
use touchmark::issuer::render;

/// Pixels per module in vector images.
pub const MODULE_PX: u32 = 4;

/// Renders `text` as a gray image within `spec`.
pub fn code_image(text: &str, spec: render::CodeSpec) -> Result<GrayImage, String> {
    let code = render::encode(text, spec).map_err(|e| e.to_string())?;
    Ok(code
        .render::<Luma<u8>>()
        .module_dimensions(MODULE_PX, MODULE_PX)
        .quiet_zone(true)
        .build())
}

/// PNG bytes of a gray image.
pub fn png(image: &GrayImage) -> Result<Vec<u8>, String> {
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

/// Two images side by side on a light background, like a card next to a piece.
pub fn side_by_side(left: &GrayImage, right: &GrayImage) -> GrayImage {
    let gap = 24;
    let width = left.width() + gap + right.width();
    let height = left.height().max(right.height());
    let mut canvas = GrayImage::from_pixel(width, height, Luma([235]));
    image::imageops::overlay(&mut canvas, left, 0, 0);
    image::imageops::overlay(&mut canvas, right, i64::from(left.width() + gap), 0);
    canvas
}

/// Paints a gray band over the middle third of the code, keeping the three finder
/// patterns: the code is still located but can no longer be decoded.
pub fn damaged(image: &GrayImage) -> GrayImage {
    let mut out = image.clone();
    let (w, h) = out.dimensions();
    for y in h / 3..2 * h / 3 {
        for x in w / 5..4 * w / 5 {
            let v = if (x / MODULE_PX + y / MODULE_PX).is_multiple_of(3) {
                0
            } else {
                255
            };
            out.put_pixel(x, y, Luma([v]));
        }
    }
    out
}

/// A frame with a smooth gradient and no code.
pub fn blank(width: u32, height: u32) -> GrayImage {
    GrayImage::from_fn(width, height, |x, y| Luma([(120 + (x + y) % 60) as u8]))
}

/// A raw luma plane with `padding` extra bytes per row (stride = width + padding).
pub fn luma_frame(image: &GrayImage, padding: u32) -> (Vec<u8>, u32) {
    let stride = image.width() + padding;
    let mut data = Vec::with_capacity((stride * image.height()) as usize);
    for row in image.rows() {
        data.extend(row.map(|p| p.0[0]));
        data.extend(std::iter::repeat_n(0x80, padding as usize));
    }
    (data, stride)
}
