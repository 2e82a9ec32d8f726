//! JPEG straight to luma. A JPEG in YCbCr (or grey) stores luma as its own
//! component, and `zune-jpeg` (the decoder `image` uses) decodes that
//! component alone when asked for luma: no chroma upsampling and no
//! YCbCr-to-RGB conversion, and none of the RGB-to-luma conversion back that
//! the general path does (colour 12 MP photos decode in 0.64× the time:
//! scan-bench/RESULTS.md, session 10). Only the layouts where the luma output
//! was checked against the general path take this path: no subsampling, or
//! chroma halved across (4:2:2) or both ways (4:2:0), baseline or
//! progressive. Everything else (chroma halved only down, 4:4:0, where the
//! luma output of a progressive file skips rows; other colour spaces), and
//! any file this decode fails or panics on, takes the general path, which
//! reports errors as it always has.

use std::panic::{catch_unwind, AssertUnwindSafe};

use image::metadata::Orientation;
use image::{DynamicImage, GrayImage};
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;
use zune_jpeg::{JpegDecoder, SampleRatios};

use super::image_input::ScanLimits;
use super::ScanError;

/// Decoding memory charged per pixel against [`ScanLimits::max_alloc`]: the
/// luma plane, and the 16-bit planes of all three components that the
/// decoder keeps for a progressive file or one scanned a component at a time.
const BYTES_PER_PIXEL: u64 = 7;

/// Every JPEG file starts with the start-of-image marker.
const START_OF_IMAGE: [u8; 2] = [0xff, 0xd8];

/// Decodes a JPEG file in YCbCr or grey to luma, EXIF orientation applied;
/// None for any file this path does not take (the caller decodes it the
/// general way).
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
    decoder.decode_headers().ok()?;
    let colour = matches!(
        decoder.input_colorspace()?,
        ColorSpace::YCbCr | ColorSpace::Luma
    );
    let layout = matches!(
        decoder.info()?.sample_ratio,
        SampleRatios::None | SampleRatios::H | SampleRatios::HV
    );
    if !(colour && layout) {
        return None;
    }
    let (width, height) = decoder.dimensions()?;
    if let Err(e) = within_limits(width, height, limits) {
        return Some(Err(e));
    }
    let luma = decode_luma(&mut decoder, width, height)?;
    let orientation = decoder
        .exif()
        .and_then(|exif| Orientation::from_exif_chunk(exif));
    Some(Ok(match orientation {
        Some(orientation) => {
            let mut image = DynamicImage::ImageLuma8(luma);
            image.apply_orientation(orientation);
            image.into_luma8()
        }
        None => luma,
    }))
}

/// Refuses a picture over the pixel limit or whose decoding would take more
/// than the memory limit.
fn within_limits(width: usize, height: usize, limits: &ScanLimits) -> Result<(), ScanError> {
    let (width, height) = (width as u64, height as u64);
    limits.check_size(width, height)?;
    if width.saturating_mul(height).saturating_mul(BYTES_PER_PIXEL) > limits.max_alloc {
        return Err(ScanError::TooLarge {
            width,
            height,
            max_pixels: limits.max_pixels,
        });
    }
    Ok(())
}

/// The luma plane of a decoder whose headers are read; None when decoding
/// fails or panics (a panic is contained here, never crossing to the app).
fn decode_luma(
    decoder: &mut JpegDecoder<ZCursor<&[u8]>>,
    width: usize,
    height: usize,
) -> Option<GrayImage> {
    let mut luma = vec![0u8; decoder.output_buffer_size()?];
    catch_unwind(AssertUnwindSafe(|| decoder.decode_into(&mut luma)))
        .ok()?
        .ok()?;
    GrayImage::from_raw(
        u32::try_from(width).ok()?,
        u32::try_from(height).ok()?,
        luma,
    )
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

    /// A file of `core/tests/data/jpeg/` (made with libjpeg-turbo's `cjpeg`
    /// and `jpegtran`; see the README there).
    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/data/jpeg/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(path).unwrap()
    }

    /// `image`'s RGB decode of a file, turned to luma with BT.601 weights
    /// as the general path does.
    fn luma_via_rgb(file: &[u8]) -> Vec<u8> {
        let rgb = image::load_from_memory(file).unwrap().into_rgb8();
        rgb.pixels()
            .map(|p| {
                let [r, g, b] = p.0.map(u32::from);
                u8::try_from((77 * r + 150 * g + 29 * b + 128) >> 8).unwrap()
            })
            .collect()
    }

    /// The largest and the mean difference between two luma planes.
    fn differences(a: &[u8], b: &[u8]) -> (u8, f64) {
        assert_eq!(a.len(), b.len());
        let worst = a
            .iter()
            .zip(b)
            .map(|(x, y)| x.abs_diff(*y))
            .max()
            .unwrap_or(0);
        let total: u64 = a
            .iter()
            .zip(b)
            .map(|(x, y)| u64::from(x.abs_diff(*y)))
            .sum();
        (worst, total as f64 / a.len().max(1) as f64)
    }

    #[test]
    fn subsampled_colour_matches_the_rgb_path() {
        for name in ["baseline-422.jpg", "progressive-420.jpg"] {
            let file = fixture(name);
            let direct = decode(&file, &ScanLimits::default()).unwrap().unwrap();
            let (worst, mean) = differences(direct.as_raw(), &luma_via_rgb(&file));
            assert!(
                worst <= 12 && mean < 1.0,
                "{name}: worst {worst}, mean {mean}"
            );
        }
    }

    #[test]
    fn chroma_halved_only_down_takes_the_general_path() {
        // Progressive 4:4:0 (what `jpegtran -rotate 90 -progressive` makes
        // of a 4:2:2 photo): zune-jpeg's luma output skips rows. Baseline
        // 4:4:0 scanned a component at a time: its luma output panics.
        for name in ["progressive-440.jpg", "baseline-440-separate-scans.jpg"] {
            let file = fixture(name);
            assert!(decode(&file, &ScanLimits::default()).is_none(), "{name}");
            let luma = crate::scan::decode_to_luma(&file, &ScanLimits::default()).unwrap();
            let (worst, _) = differences(luma.as_raw(), &luma_via_rgb(&file));
            assert_eq!(worst, 0, "{name}");
        }
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
        // A file this path cannot decode goes the general way, which says
        // what is wrong with it.
        let truncated = [0xff, 0xd8, 0xff];
        assert!(decode(&truncated, &ScanLimits::default()).is_none());
        assert!(matches!(
            crate::scan::decode_to_luma(&truncated, &ScanLimits::default()),
            Err(ScanError::Corrupt(_))
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
            max_alloc: 32 * 32 * 6,
            ..ScanLimits::default()
        };
        assert!(matches!(
            decode(&file, &little_memory),
            Some(Err(ScanError::TooLarge { .. }))
        ));
        assert!(decode(&file, &ScanLimits::default()).is_some_and(|r| r.is_ok()));
    }
}
