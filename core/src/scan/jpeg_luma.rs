//! JPEG straight to luma. A JPEG in YCbCr (or grey) stores luma as its own
//! component, and `zune-jpeg` (the decoder `image` uses) decodes that
//! component alone when asked for luma: no chroma upsampling and no
//! YCbCr-to-RGB conversion, and none of the RGB-to-luma conversion back that
//! the general path does (measured in scan-bench/RESULTS.md, session 10).
//! Other colour spaces (CMYK, YCCK, RGB) take the general path.

use image::metadata::Orientation;
use image::{DynamicImage, GrayImage};
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

use super::image_input::ScanLimits;
use super::ScanError;

/// Decoding memory charged per pixel against [`ScanLimits::max_alloc`].
const BYTES_PER_PIXEL: u64 = 3;

/// Every JPEG file starts with the start-of-image marker.
const START_OF_IMAGE: [u8; 2] = [0xff, 0xd8];

/// Decodes a JPEG file in YCbCr or grey to luma, EXIF orientation applied;
/// None for any other file (the caller decodes it the general way).
pub fn decode(bytes: &[u8], limits: &ScanLimits) -> Option<Result<GrayImage, ScanError>> {
    if !bytes.starts_with(&START_OF_IMAGE) {
        return None;
    }
    // As lenient as `image`'s own JPEG decoder, which the general path uses;
    // the size is checked against the limits below instead.
    let options = DecoderOptions::default()
        .set_strict_mode(false)
        .set_max_width(usize::MAX)
        .set_max_height(usize::MAX)
        .jpeg_set_out_colorspace(ColorSpace::Luma);
    // The reader type `image` uses too: one copy of the decoder in the binary.
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    if let Err(e) = decoder.decode_headers() {
        return Some(Err(ScanError::Corrupt(e.to_string())));
    }
    if !matches!(
        decoder.input_colorspace()?,
        ColorSpace::YCbCr | ColorSpace::Luma
    ) {
        return None;
    }
    let (width, height) = decoder.dimensions()?;
    Some(decode_luma(&mut decoder, width, height, limits))
}

/// Decodes the luma plane of a decoder whose headers are read.
fn decode_luma(
    decoder: &mut JpegDecoder<ZCursor<&[u8]>>,
    width: usize,
    height: usize,
    limits: &ScanLimits,
) -> Result<GrayImage, ScanError> {
    limits.check_size(width as u64, height as u64)?;
    let too_large = || ScanError::TooLarge {
        width: width as u64,
        height: height as u64,
        max_pixels: limits.max_pixels,
    };
    // The luma plane, and the decoder's 16-bit working plane of it: three
    // bytes a pixel, what the general path reserves for its RGB image.
    let pixels = (width as u64).saturating_mul(height as u64);
    if pixels.saturating_mul(BYTES_PER_PIXEL) > limits.max_alloc {
        return Err(too_large());
    }
    let size = decoder.output_buffer_size().ok_or_else(too_large)?;
    let mut luma = vec![0u8; size];
    decoder
        .decode_into(&mut luma)
        .map_err(|e| ScanError::Corrupt(e.to_string()))?;
    let (w, h) = (
        u32::try_from(width).map_err(|_| too_large())?,
        u32::try_from(height).map_err(|_| too_large())?,
    );
    let plane = GrayImage::from_raw(w, h, luma)
        .ok_or_else(|| ScanError::Corrupt("luma plane of the wrong size".into()))?;
    let orientation = decoder
        .exif()
        .and_then(|exif| Orientation::from_exif_chunk(exif));
    Ok(match orientation {
        Some(orientation) if orientation != Orientation::NoTransforms => {
            let mut image = DynamicImage::ImageLuma8(plane);
            image.apply_orientation(orientation);
            image.into_luma8()
        }
        _ => plane,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::jpeg::JpegEncoder;
    use image::{ExtendedColorType, ImageEncoder, RgbImage};

    /// A JPEG of `pixels` (`channels` 1 or 3) at quality 95.
    fn jpeg(pixels: &[u8], width: u32, height: u32, color: ExtendedColorType) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 95)
            .write_image(pixels, width, height, color)
            .unwrap();
        out
    }

    /// The file with an EXIF segment holding only `orientation` (TIFF
    /// little-endian, one IFD entry: tag 0x0112, SHORT, count 1) spliced in
    /// after the start-of-image marker.
    fn with_orientation(file: &[u8], orientation: u16) -> Vec<u8> {
        let mut tiff = b"II*\0".to_vec();
        tiff.extend(8u32.to_le_bytes()); // the first IFD follows the header
        tiff.extend(1u16.to_le_bytes()); // one entry
        tiff.extend(0x0112u16.to_le_bytes());
        tiff.extend(3u16.to_le_bytes());
        tiff.extend(1u32.to_le_bytes());
        tiff.extend(u32::from(orientation).to_le_bytes());
        tiff.extend(0u32.to_le_bytes()); // no next IFD
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(tiff);
        let length = u16::try_from(app1.len() + 2).unwrap();
        let mut out = file[..2].to_vec();
        out.extend([0xff, 0xe1]);
        out.extend(length.to_be_bytes());
        out.extend(app1);
        out.extend(&file[2..]);
        out
    }

    #[test]
    fn applies_exif_orientation() {
        // Upright, the left half is dark and the right half light; stored
        // turned a quarter anticlockwise (the right half on top), with
        // orientation 6 ("turn a quarter clockwise to view").
        let (width, height) = (32u32, 48u32);
        let stored: Vec<u8> = (0..width * height)
            .map(|i| if i / width < height / 2 { 220 } else { 30 })
            .collect();
        let file = with_orientation(&jpeg(&stored, width, height, ExtendedColorType::L8), 6);
        let upright = decode(&file, &ScanLimits::default()).unwrap().unwrap();
        assert_eq!(upright.dimensions(), (48, 32));
        assert!(upright.get_pixel(5, 16).0[0] < 80, "left half not dark");
        assert!(upright.get_pixel(42, 16).0[0] > 170, "right half not light");
        // `image`'s own decoder, orientation applied, agrees.
        let mut decoder = image::ImageReader::new(std::io::Cursor::new(&file))
            .with_guessed_format()
            .unwrap()
            .into_decoder()
            .unwrap();
        let orientation = image::ImageDecoder::orientation(&mut decoder).unwrap();
        let mut general = DynamicImage::from_decoder(decoder).unwrap();
        general.apply_orientation(orientation);
        let general = general.into_luma8();
        assert_eq!(general.dimensions(), upright.dimensions());
        let worst = general
            .pixels()
            .zip(upright.pixels())
            .map(|(a, b)| a.0[0].abs_diff(b.0[0]))
            .max();
        assert!(worst <= Some(1), "differs from image's decode by {worst:?}");
    }

    #[test]
    fn colour_luma_matches_the_rgb_path() {
        // A colour gradient: the luma component against image's RGB decode
        // turned to luma with BT.601 weights.
        let (width, height) = (64u32, 40u32);
        let rgb = RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 4) as u8, (y * 6) as u8, (255 - x * 3) as u8])
        });
        let file = jpeg(rgb.as_raw(), width, height, ExtendedColorType::Rgb8);
        let direct = decode(&file, &ScanLimits::default()).unwrap().unwrap();
        let via_rgb = image::load_from_memory(&file).unwrap().into_rgb8();
        let mut worst = 0u8;
        for (d, p) in direct.pixels().zip(via_rgb.pixels()) {
            let [r, g, b] = p.0.map(u32::from);
            let y = u8::try_from((77 * r + 150 * g + 29 * b + 128) >> 8).unwrap();
            worst = worst.max(d.0[0].abs_diff(y));
        }
        assert!(worst <= 3, "luma differs by {worst}");
    }

    #[test]
    fn refuses_what_is_not_its_own() {
        assert!(decode(b"\x89PNG\r\n\x1a\n", &ScanLimits::default()).is_none());
        let truncated = [0xff, 0xd8, 0xff];
        assert!(matches!(
            decode(&truncated, &ScanLimits::default()),
            Some(Err(ScanError::Corrupt(_)))
        ));
        let tiny = ScanLimits {
            max_pixels: 100,
            ..ScanLimits::default()
        };
        let file = jpeg(&[128; 32 * 32], 32, 32, ExtendedColorType::L8);
        assert!(matches!(
            decode(&file, &tiny),
            Some(Err(ScanError::TooLarge { .. }))
        ));
        let little_memory = ScanLimits {
            max_alloc: 32 * 32 * 2,
            ..ScanLimits::default()
        };
        assert!(matches!(
            decode(&file, &little_memory),
            Some(Err(ScanError::TooLarge { .. }))
        ));
        assert!(decode(&file, &ScanLimits::default()).is_some_and(|r| r.is_ok()));
    }
}
