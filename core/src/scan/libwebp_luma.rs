//! Lossy WebP luma through Google's libwebp (feature `libwebp`): the same
//! plane `webp_luma` reads with the pure-Rust `image-webp`, decoded by the C
//! library the browsers use (libwebp 1.6.0 as `libwebp-sys` 0.14 builds it;
//! SIMD loop filter and transforms: 3.2× faster on the zxing-cpp photo set's
//! WebP files, see scan-bench/RESULTS.md, session 15). Only the VP8 key
//! frame of a simple lossy file (one `VP8 ` chunk, found by `webp_luma`)
//! reaches it; lossless and extended files take the pure-Rust path. The
//! crate's only unsafe code is the two calls below.
#![allow(unsafe_code)]

use std::ffi::c_int;

use libwebp_sys::{WebPDecodeYUVInto, WebPGetInfo};

/// The luma plane of a VP8 key frame (a simple lossy WebP file's payload),
/// `width` × `height` with no padding, as VP8 stores it (studio swing); None
/// when libwebp refuses the frame or reads another size from it than the
/// caller did.
pub fn decode(bytes: &[u8], width: usize, height: usize) -> Option<Vec<u8>> {
    let (mut seen_width, mut seen_height): (c_int, c_int) = (0, 0);
    // SAFETY: `bytes` is valid for reading `bytes.len()` bytes and the two
    // out-parameters point at live integers; libwebp keeps no pointer.
    let known = unsafe {
        WebPGetInfo(
            bytes.as_ptr(),
            bytes.len(),
            &mut seen_width,
            &mut seen_height,
        )
    };
    let same_size = usize::try_from(seen_width).ok() == Some(width)
        && usize::try_from(seen_height).ok() == Some(height);
    if known == 0 || !same_size {
        return None;
    }
    let chroma_width = width.div_ceil(2);
    let chroma_len = chroma_width.checked_mul(height.div_ceil(2))?;
    let mut luma = vec![0u8; width.checked_mul(height)?];
    let mut u = vec![0u8; chroma_len];
    let mut v = vec![0u8; chroma_len];
    let luma_stride = c_int::try_from(width).ok()?;
    let chroma_stride = c_int::try_from(chroma_width).ok()?;
    // SAFETY: each output pointer is valid for writing the length passed
    // beside it, and libwebp checks stride × rows against that length before
    // writing (failing with null otherwise); `bytes` is valid for reading.
    // The returned pointer is `luma`'s own or null, and libwebp keeps none.
    let written = unsafe {
        WebPDecodeYUVInto(
            bytes.as_ptr(),
            bytes.len(),
            luma.as_mut_ptr(),
            luma.len(),
            luma_stride,
            u.as_mut_ptr(),
            u.len(),
            chroma_stride,
            v.as_mut_ptr(),
            v.len(),
            chroma_stride,
        )
    };
    (!written.is_null()).then_some(luma)
}
