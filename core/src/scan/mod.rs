//! Reading certificate and hallmark codes from encoded images (PNG, JPEG, WebP) and
//! from raw camera frames (a luma plane with a row stride, as CameraX and
//! AVFoundation deliver it), with bounded memory and typed errors.
//!
//! The pipeline, by module:
//! - `image_input`: decode to luma within [`ScanLimits`], EXIF orientation
//!   applied (`webp_luma`: lossy WebP straight from its luma plane, decoded
//!   by `image-webp`, or by C libwebp in `libwebp_luma` with the optional
//!   `libwebp` feature;
//!   `jpeg_luma`: JPEG straight from its luma component).
//! - `plane`, `pipeline`: a pyramid (coarse pass at ≤ 2048 px, finer levels
//!   only when it reads nothing) and the order of passes: block mid-ranges,
//!   then local means (two windows, then 3×3 means), then finer and then
//!   unsmoothed mid-range blocks, each dark-on-light then light-on-dark;
//!   after one kind of Touchmark code, a short hunt for its partner.
//! - `midrange`, `binarize`, `window`: thresholds against block mid-ranges
//!   (one field for both polarities) and against local means, from sliding
//!   window sums.
//! - `finder`, `grid`, `homography`, `detector`: Touchmark's detector: finder
//!   patterns along scan lines, refined from the centre stone; triples checked
//!   by their timing patterns; alignment pattern; perspective sampling (and
//!   `resample`, `refine`, `equalize`, `piecewise`, `bow` for blurred, bent
//!   and curved codes) into a grid for `grid_decode` (quircs); `lost_finder`
//!   completes codes with one finder under glare from the other two.
//! - `stream`: a camera stream's scanner ([`FrameScanner`]): the first pass
//!   on every frame, the later ones one per frame in turn.
//! - `rqrr_bitmap`: rqrr's own detector over the same bitmap, as a fallback
//!   for photos (camera frames do without it).
//! - The last resort, for photos where nothing was read (`last_resort`): small
//!   codes located but unread, completed from two finders (`lost_finder`),
//!   or found by their finders' radial profile through blur (`blob_finder`)
//!   are modelled pixel by pixel (`pixel_model`: each pixel as light minus
//!   contrast times the modules a point-spread function from `blur` brings
//!   into it, solved by bounded least squares with `linear`), scored by how
//!   well their known modules fit, read softly with erasures and decision
//!   feedback (`model_read`, `soft_decode` over `qr_layout`), and, when that
//!   fails, placed, bent and blurred anew by Levenberg-Marquardt (`align`),
//!   then placed on its finders and alignment pattern as the luma shows
//!   them (`template_fit`).
//! - `decode`: payload bytes to text (UTF-8, Shift_JIS, ISO-8859-1) and kind.
//! - `diagnose`: what to tell the person when nothing Touchmark was read.
//! - `rqrr_baseline`: rqrr alone, the benchmark's reference.
//!
//! Every call into rqrr and quircs is wrapped in `catch_unwind` (rqrr panics
//! on some inputs, upstream issue #54).

mod align;
mod binarize;
mod blob_finder;
mod blur;
mod bow;
#[cfg(test)]
mod debug_tools;
mod decode;
mod detector;
mod diagnose;
mod equalize;
mod finder;
mod grid;
mod grid_decode;
mod hallmark_prior;
mod homography;
mod image_input;
mod jpeg_luma;
mod last_resort;
#[cfg(feature = "libwebp")]
mod libwebp_luma;
mod linear;
mod lost_finder;
mod midrange;
mod model_read;
mod osd;
mod piecewise;
mod pipeline;
mod pixel_model;
mod plane;
mod qr_layout;
mod refine;
mod resample;
mod rqrr_baseline;
mod rqrr_bitmap;
mod soft_decode;
mod stream;
mod template_fit;
#[cfg(test)]
mod test_render;
mod webp_luma;
mod window;

use serde::Serialize;

use crate::certificate::qr_text::CERTIFICATE_PREFIX;
use crate::hallmark::HALLMARK_PREFIX;
use crate::tlog::proof::PROOF_HEADER;

pub use image_input::{decode_to_luma, ScanLimits};
pub use stream::FrameScanner;

/// A borrowed 8-bit luma (Y) plane.
#[derive(Debug, Clone, Copy)]
pub struct LumaFrame<'a> {
    /// Pixel rows, `stride` bytes apart; only the first `width` bytes of each row are read.
    pub data: &'a [u8],
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes from the start of one row to the next (≥ width).
    pub stride: u32,
}

/// What a scanned code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    /// A Touchmark certificate (`TM1:/…`).
    Certificate,
    /// A Touchmark hallmark (`TMH1:…`).
    Hallmark,
    /// A C2SP tlog-proof.
    Proof,
    /// Any other code.
    Other,
}

impl CodeKind {
    /// Classifies decoded text by its prefix.
    pub fn of_text(text: &str) -> Self {
        if text.starts_with(CERTIFICATE_PREFIX) {
            CodeKind::Certificate
        } else if text.starts_with(HALLMARK_PREFIX) {
            CodeKind::Hallmark
        } else if text.starts_with(PROOF_HEADER) {
            CodeKind::Proof
        } else {
            CodeKind::Other
        }
    }
}

/// One code found in an image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScannedCode {
    /// The payload as text: UTF-8 when valid, else Shift_JIS when it fits,
    /// else ISO-8859-1 (the QR default).
    pub text: String,
    /// The raw payload bytes.
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// Corners in pixel coordinates: top-left, top-right, bottom-right, bottom-left.
    pub corners: [[f32; 2]; 4],
    /// What the code is.
    pub kind: CodeKind,
}

/// A capture problem a person can act on. Never a verdict of "not authentic".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureProblem {
    /// Nothing that looks like a code.
    NoCodeFound,
    /// A code-like pattern too small to read: move closer.
    TooSmall,
    /// The image is too blurred: hold still or refocus.
    TooBlurred,
    /// Bright saturated highlights over the code: tilt to avoid reflections.
    GlareSuspected,
    /// A code was located but could not be decoded.
    Unreadable,
    /// Codes were read, but none is a Touchmark code.
    NotTouchmark,
}

impl CaptureProblem {
    /// What the person scanning should do, in a few English words (apps
    /// show their own, translated, strings; the CLI prints these).
    pub fn advice(self) -> &'static str {
        match self {
            Self::NoCodeFound => "point the camera at the certificate's code or the hallmark",
            Self::TooSmall => "move closer",
            Self::TooBlurred => "hold still and let the camera focus",
            Self::GlareSuspected => "tilt the piece or the phone away from the light",
            Self::Unreadable => "try another angle; the code may be worn or damaged",
            Self::NotTouchmark => "this is not a Touchmark code",
        }
    }
}

/// Everything found in one image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanOutcome {
    /// The codes, in reading order.
    pub codes: Vec<ScannedCode>,
    /// Set when no Touchmark code was read, saying why as best it can tell.
    pub problem: Option<CaptureProblem>,
}

/// Why an image could not be scanned at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// The image is larger than the configured limits.
    #[error("image is too large ({width}x{height}); the limit is {max_pixels} pixels")]
    TooLarge {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
        /// The pixel limit.
        max_pixels: u64,
    },
    /// The format is not PNG, JPEG or WebP.
    #[error("unsupported image format")]
    UnsupportedFormat,
    /// The file is truncated or corrupt.
    #[error("corrupt or truncated image: {0}")]
    Corrupt(String),
    /// A luma frame whose buffer is smaller than its dimensions say.
    #[error("frame buffer is too small for {width}x{height} with stride {stride}")]
    BadFrame {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
        /// Stride.
        stride: u32,
    },
}

/// How hard to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScanOptions {
    /// Look as hard as a photo deserves. After reading a certificate, keep
    /// looking (finer scale, other polarity) for a hallmark in the same
    /// image, and after a hallmark for its certificate (one or two more
    /// passes); when nothing reads, run rqrr's fallback detector after the
    /// passes, and then the pixel-model last resort for blurred hallmarks
    /// (up to seconds). Right for photos, not for a live camera loop that
    /// will see the next frame anyway: a 1080p frame with no code in view
    /// takes a median 75 ms without it, 1.2 s with it (scan-bench/RESULTS.md,
    /// session 12).
    pub all_codes: bool,
}

/// Decodes an encoded image (EXIF orientation applied) and scans it, looking
/// for a hallmark next to a certificate and the other way round
/// ([`ScanOptions::all_codes`]).
pub fn scan_image(bytes: &[u8], limits: &ScanLimits) -> Result<ScanOutcome, ScanError> {
    let luma = decode_to_luma(bytes, limits)?;
    // The decoder already checked the size against the limits, and a decoded
    // image has no stride: its pixels become the plane as they are.
    Ok(scan_plane(
        plane::Plane::from_gray(luma),
        pipeline::Plan::PHOTO,
    ))
}

/// Scans a luma plane (a camera frame), stopping at the first pass that reads
/// a code: the fastest answer for a live preview.
pub fn scan_luma(frame: &LumaFrame<'_>, limits: &ScanLimits) -> Result<ScanOutcome, ScanError> {
    scan_luma_with(frame, limits, &ScanOptions::default())
}

/// Scans a luma plane with explicit options.
pub fn scan_luma_with(
    frame: &LumaFrame<'_>,
    limits: &ScanLimits,
    options: &ScanOptions,
) -> Result<ScanOutcome, ScanError> {
    limits.check_frame(frame)?;
    let plan = if options.all_codes {
        pipeline::Plan::PHOTO
    } else {
        pipeline::Plan::FRAME
    };
    Ok(scan_plane(plane::Plane::from_frame(frame), plan))
}

/// Runs the pipeline over a plane as `plan` says and diagnoses what it saw.
fn scan_plane(plane: plane::Plane, plan: pipeline::Plan) -> ScanOutcome {
    let (result, coarse) = pipeline::run(plane, plan);
    let evidence = diagnose::Evidence {
        located: result.located,
        code_like: !result.chance_only || result.unread_large > 0,
        finders: result.finders,
        module: result.module,
        region: result.region,
        coarse_level: result.coarse_level,
        sighting: result.sighting,
    };
    let problem = diagnose::diagnose(&result.codes, evidence, &coarse);
    ScanOutcome {
        codes: result.codes,
        problem,
    }
}

/// The baseline for comparison: rqrr alone (its own threshold and detector, no
/// preprocessing), at the input's full size. Not meant for applications.
pub fn scan_luma_rqrr_baseline(
    frame: &LumaFrame<'_>,
    limits: &ScanLimits,
) -> Result<ScanOutcome, ScanError> {
    limits.check_frame(frame)?;
    let (codes, located) = rqrr_baseline::find_codes(frame);
    Ok(outcome(codes, located))
}

fn outcome(codes: Vec<ScannedCode>, located: usize) -> ScanOutcome {
    let problem = if codes.iter().any(|c| c.kind != CodeKind::Other) {
        None
    } else if !codes.is_empty() {
        Some(CaptureProblem::NotTouchmark)
    } else if located > 0 {
        Some(CaptureProblem::Unreadable)
    } else {
        Some(CaptureProblem::NoCodeFound)
    };
    ScanOutcome { codes, problem }
}
