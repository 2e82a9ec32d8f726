//! Decoding encoded images to a luma plane within memory limits.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

use super::{jpeg_luma, webp_luma, LumaFrame, ScanError};

/// Limits that keep decompression bombs and huge photos from exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanLimits {
    /// The most pixels an image or frame may have.
    pub max_pixels: u64,
    /// The most bytes the decoder may allocate.
    pub max_alloc: u64,
}

impl Default for ScanLimits {
    /// 50 megapixels and 512 MiB: a 48 MP phone photo passes.
    fn default() -> Self {
        Self {
            max_pixels: 50_000_000,
            max_alloc: 512 * 1024 * 1024,
        }
    }
}

impl ScanLimits {
    /// Refuses images of more than `max_pixels`.
    pub fn check_size(&self, width: u64, height: u64) -> Result<(), ScanError> {
        if width.saturating_mul(height) > self.max_pixels {
            return Err(ScanError::TooLarge {
                width,
                height,
                max_pixels: self.max_pixels,
            });
        }
        Ok(())
    }

    /// Checks a frame's size against the limits and its buffer against its shape.
    pub fn check_frame(&self, frame: &LumaFrame<'_>) -> Result<(), ScanError> {
        self.check_size(u64::from(frame.width), u64::from(frame.height))?;
        let bad = ScanError::BadFrame {
            width: frame.width,
            height: frame.height,
            stride: frame.stride,
        };
        if frame.stride < frame.width {
            return Err(bad);
        }
        let needed = match frame.height {
            0 => 0,
            h => u64::from(frame.stride) * u64::from(h - 1) + u64::from(frame.width),
        };
        if (frame.data.len() as u64) < needed {
            return Err(bad);
        }
        Ok(())
    }
}

/// Decodes PNG, JPEG or WebP bytes to an 8-bit luma image, honouring EXIF orientation.
pub fn decode_to_luma(bytes: &[u8], limits: &ScanLimits) -> Result<image::GrayImage, ScanError> {
    if let Some(luma) = webp_luma::decode(bytes, limits) {
        return luma;
    }
    if let Some(luma) = jpeg_luma::decode(bytes, limits) {
        return luma;
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ScanError::Corrupt(e.to_string()))?;
    let format = reader.format().ok_or(ScanError::UnsupportedFormat)?;
    if !matches!(
        format,
        image::ImageFormat::Png | image::ImageFormat::Jpeg | image::ImageFormat::WebP
    ) {
        return Err(ScanError::UnsupportedFormat);
    }
    let mut decoder = reader.into_decoder().map_err(map_image_error)?;
    let (width, height) = decoder.dimensions();
    limits.check_size(u64::from(width), u64::from(height))?;
    let mut decoder_limits = Limits::default();
    decoder_limits.max_alloc = Some(limits.max_alloc);
    decoder
        .set_limits(decoder_limits)
        .map_err(map_image_error)?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(map_image_error)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(to_luma(image))
}

/// Converts to 8-bit luma with integer BT.601 weights; the common 8-bit
/// layouts skip `image`'s generic colour-space conversion.
fn to_luma(image: DynamicImage) -> image::GrayImage {
    let image = match image {
        DynamicImage::ImageLuma8(gray) => return gray,
        other => other,
    };
    let (width, height) = (image.width(), image.height());
    let luma = |r: u8, g: u8, b: u8| {
        let y = 77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b);
        u8::try_from((y + 128) >> 8).unwrap_or(u8::MAX)
    };
    let data: Option<Vec<u8>> = match &image {
        DynamicImage::ImageRgb8(rgb) => Some(
            rgb.as_raw()
                .chunks_exact(3)
                .map(|p| match p {
                    [r, g, b] => luma(*r, *g, *b),
                    _ => 0,
                })
                .collect(),
        ),
        DynamicImage::ImageRgba8(rgba) => Some(
            rgba.as_raw()
                .chunks_exact(4)
                .map(|p| match p {
                    [r, g, b, _] => luma(*r, *g, *b),
                    _ => 0,
                })
                .collect(),
        ),
        _ => None,
    };
    data.and_then(|d| image::GrayImage::from_raw(width, height, d))
        .unwrap_or_else(|| image.into_luma8())
}

fn map_image_error(error: image::ImageError) -> ScanError {
    match error {
        image::ImageError::Unsupported(_) => ScanError::UnsupportedFormat,
        image::ImageError::Limits(_) => ScanError::TooLarge {
            width: 0,
            height: 0,
            max_pixels: 0,
        },
        other => ScanError::Corrupt(other.to_string()),
    }
}
