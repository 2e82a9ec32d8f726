//! Lossy WebP straight to luma. A simple lossy WebP file (`RIFF…WEBPVP8 `)
//! is one VP8 key frame, and VP8 stores luma as its own plane: reading that
//! plane skips the chroma upsampling, the YUV-to-RGB conversion and the
//! RGB-to-luma conversion back that the general path does (measured on the
//! zxing-cpp photo set's 98 WebP files: see scan-bench/RESULTS.md). Extended
//! files (`VP8X`: alpha, animation, EXIF orientation) and lossless ones
//! (`VP8L`) take the general path.

#[cfg(not(feature = "libwebp"))]
use std::io::Cursor;

#[cfg(not(feature = "libwebp"))]
use image_webp::vp8::Vp8Decoder;

use super::image_input::ScanLimits;
use super::ScanError;

/// Bytes before the VP8 payload: `RIFF`, size, `WEBP`, `VP8 `, chunk size.
const HEADER: usize = 20;
/// The VP8 key frame start code, after the three-byte frame tag.
const START_CODE: [u8; 3] = [0x9d, 0x01, 0x2a];

/// The VP8 payload of a simple lossy WebP file, or None for any other file.
fn vp8_payload(bytes: &[u8]) -> Option<&[u8]> {
    let riff = bytes.get(0..4)? == b"RIFF" && bytes.get(8..16)? == b"WEBPVP8 ";
    if !riff {
        return None;
    }
    let size = u32::from_le_bytes(bytes.get(16..20)?.try_into().ok()?);
    let end = HEADER.checked_add(usize::try_from(size).ok()?)?;
    // A payload running past the end of the file is truncated: the general
    // path reports it.
    bytes.get(HEADER..end)
}

/// The frame's width and height from its key frame header (14 bits each),
/// or None when the payload is not a key frame.
fn dimensions(payload: &[u8]) -> Option<(u32, u32)> {
    let keyframe = payload.first()? & 1 == 0;
    if !keyframe || payload.get(3..6)? != START_CODE {
        return None;
    }
    let field = |at: usize| -> Option<u32> {
        let raw = u16::from_le_bytes(payload.get(at..at + 2)?.try_into().ok()?);
        Some(u32::from(raw & 0x3fff))
    };
    Some((field(6)?, field(8)?))
}

/// Studio-swing luma (16–235, as VP8 stores it) to full range, as the RGB
/// path's luma would be.
fn full_range(y: u8) -> u8 {
    let v = (i32::from(y) - 16) * 255 / 219;
    u8::try_from(v.clamp(0, 255)).unwrap_or(u8::MAX)
}

/// The frame's luma, full range, `width` × `height` with no padding, decoded
/// by libwebp (feature `libwebp`).
#[cfg(feature = "libwebp")]
fn frame_luma(payload: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ScanError> {
    let size = |n: u32| usize::try_from(n).map_err(|e| ScanError::Corrupt(e.to_string()));
    let mut luma = super::libwebp_luma::decode(payload, size(width)?, size(height)?)
        .ok_or_else(|| ScanError::Corrupt("libwebp could not decode the VP8 frame".into()))?;
    luma.iter_mut().for_each(|y| *y = full_range(*y));
    Ok(luma)
}

/// The frame's luma, full range, `width` × `height` with no padding, decoded
/// by `image-webp`.
#[cfg(not(feature = "libwebp"))]
fn frame_luma(payload: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ScanError> {
    let frame = Vp8Decoder::decode_frame(Cursor::new(payload))
        .map_err(|e| ScanError::Corrupt(e.to_string()))?;
    if (u32::from(frame.width), u32::from(frame.height)) != (width, height) {
        return Err(ScanError::Corrupt(
            "VP8 frame of another size than its header".into(),
        ));
    }
    let stride = usize::from(frame.width).div_ceil(16) * 16;
    let (w, h) = (usize::from(frame.width), usize::from(frame.height));
    let mut luma = Vec::with_capacity(w * h);
    for row in frame.ybuf.chunks_exact(stride).take(h) {
        luma.extend(row.iter().take(w).map(|&y| full_range(y)));
    }
    Ok(luma)
}

/// Decodes a simple lossy WebP file to luma; None for any other file (the
/// caller decodes it the general way).
pub fn decode(bytes: &[u8], limits: &ScanLimits) -> Option<Result<image::GrayImage, ScanError>> {
    let payload = vp8_payload(bytes)?;
    let (width, height) = dimensions(payload)?;
    if width == 0 || height == 0 {
        return Some(Err(ScanError::Corrupt(format!(
            "VP8 frame of {width}×{height} pixels"
        ))));
    }
    if let Err(e) = limits.check_size(u64::from(width), u64::from(height)) {
        return Some(Err(e));
    }
    // The decoder allocates whole macroblocks of luma and both chroma planes,
    // then the luma image is copied out.
    let blocks = u64::from(width.div_ceil(16)) * u64::from(height.div_ceil(16));
    let pixels = u64::from(width) * u64::from(height);
    if blocks * 256 * 3 / 2 + pixels > limits.max_alloc {
        return Some(Err(ScanError::TooLarge {
            width: u64::from(width),
            height: u64::from(height),
            max_pixels: limits.max_pixels,
        }));
    }
    let luma = match frame_luma(payload, width, height) {
        Ok(luma) => luma,
        Err(e) => return Some(Err(e)),
    };
    let image = image::GrayImage::from_raw(width, height, luma);
    Some(image.ok_or_else(|| ScanError::Corrupt("VP8 frame shorter than its size".into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed lossy WebP regression image.
    fn lossy_sample() -> Vec<u8> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../test-vectors/images/hallmark-001-lossy.webp"
        );
        std::fs::read(path).unwrap()
    }

    #[test]
    fn other_files_take_the_general_path() {
        assert!(decode(b"\x89PNG\r\n\x1a\n", &ScanLimits::default()).is_none());
        assert!(decode(b"RIFF\0\0\0\0WEBPVP8L", &ScanLimits::default()).is_none());
        assert!(decode(b"RIFF", &ScanLimits::default()).is_none());
    }

    #[test]
    fn a_huge_frame_header_is_refused_before_decoding() {
        // A key frame header claiming 16383 × 16383 pixels, nothing after.
        let mut bytes = b"RIFF\0\0\0\0WEBPVP8 ".to_vec();
        let payload = [0x10, 0, 0, 0x9d, 0x01, 0x2a, 0xff, 0x3f, 0xff, 0x3f];
        bytes.extend((payload.len() as u32).to_le_bytes());
        bytes.extend(payload);
        let limits = ScanLimits::default();
        assert!(matches!(
            decode(&bytes, &limits),
            Some(Err(ScanError::TooLarge { .. }))
        ));
    }

    #[test]
    fn luma_plane_matches_the_generic_path() {
        // 471 × 353: rows and columns that are not whole macroblocks.
        let bytes = lossy_sample();
        let fast = decode(&bytes, &ScanLimits::default()).unwrap().unwrap();
        let generic = image::load_from_memory(&bytes).unwrap().into_luma8();
        assert_eq!(fast.dimensions(), (471, 353));
        assert_eq!(fast.dimensions(), generic.dimensions());
        // Chroma rounding and upsampling move luma by a level or two at most
        // on average; a misplaced row or column would move it by tens.
        let diff: u64 = fast
            .as_raw()
            .iter()
            .zip(generic.as_raw())
            .map(|(a, b)| u64::from(a.abs_diff(*b)))
            .sum();
        let mean = diff as f64 / fast.as_raw().len() as f64;
        assert!(mean < 2.0, "mean difference {mean}");
    }

    #[test]
    fn a_zero_width_frame_is_refused() {
        let original = lossy_sample();
        // The width field (then the height field), scale bits 0.
        for at in [HEADER + 6, HEADER + 8] {
            let mut bytes = original.clone();
            bytes[at] = 0;
            bytes[at + 1] = 0;
            assert!(
                matches!(decode(&bytes, &ScanLimits::default()), Some(Err(_))),
                "zeroed field at {at}"
            );
        }
    }

    /// The sample with its VP8 payload cut to `len` bytes and the chunk
    /// size saying so: a file that is whole as a container but whose frame
    /// ends early.
    fn cut_payload(original: &[u8], len: usize) -> Vec<u8> {
        let mut bytes = original[..HEADER + len].to_vec();
        bytes[16..20].copy_from_slice(&u32::try_from(len).unwrap().to_le_bytes());
        bytes
    }

    #[test]
    fn a_frame_cut_short_never_panics_nor_misreads_its_size() {
        let original = lossy_sample();
        let payload = original.len() - HEADER;
        for len in (10..payload).step_by(61) {
            match decode(&cut_payload(&original, len), &ScanLimits::default()) {
                Some(Ok(luma)) => assert_eq!(luma.dimensions(), (471, 353), "cut at {len}"),
                Some(Err(ScanError::Corrupt(_))) => {}
                other => panic!("cut at {len}: {other:?}"),
            }
        }
    }

    #[test]
    fn corrupted_frames_never_panic_nor_misread_their_size() {
        // Every 7th payload byte past the frame header xor-ed with a byte
        // of a fixed sequence: damaged modes, coefficients and partition
        // sizes, each decoded by whichever decoder the build has.
        let original = lossy_sample();
        let mut key = 0x9eu8;
        for at in (HEADER + 10..original.len()).step_by(7) {
            key = key.wrapping_mul(73).wrapping_add(41) | 1;
            let mut bytes = original.clone();
            bytes[at] ^= key;
            match decode(&bytes, &ScanLimits::default()) {
                Some(Ok(luma)) => assert_eq!(luma.dimensions(), (471, 353), "byte {at}"),
                Some(Err(ScanError::Corrupt(_))) => {}
                other => panic!("byte {at}: {other:?}"),
            }
        }
    }

    /// libwebp and image-webp both implement VP8 (RFC 6386) to the bit: the
    /// planes they decode are identical.
    #[cfg(feature = "libwebp")]
    #[test]
    fn libwebp_decodes_the_same_plane_as_image_webp() {
        let bytes = lossy_sample();
        let fast = decode(&bytes, &ScanLimits::default()).unwrap().unwrap();
        let frame = image_webp::vp8::Vp8Decoder::decode_frame(std::io::Cursor::new(
            vp8_payload(&bytes).unwrap(),
        ))
        .unwrap();
        let stride = usize::from(frame.width).div_ceil(16) * 16;
        let reference: Vec<u8> = frame
            .ybuf
            .chunks_exact(stride)
            .take(353)
            .flat_map(|row| row.iter().take(471).map(|&y| full_range(y)))
            .collect();
        assert_eq!(fast.as_raw(), &reference);
    }

    #[cfg(feature = "libwebp")]
    #[test]
    fn libwebp_calls_a_frame_cut_short_corrupt() {
        let original = lossy_sample();
        let cut = cut_payload(&original, (original.len() - HEADER) / 2);
        assert!(matches!(
            decode(&cut, &ScanLimits::default()),
            Some(Err(ScanError::Corrupt(_)))
        ));
    }

    #[test]
    fn full_range_luma() {
        assert_eq!(full_range(16), 0);
        assert_eq!(full_range(235), 255);
        assert_eq!(full_range(0), 0);
        assert_eq!(full_range(255), 255);
    }
}
