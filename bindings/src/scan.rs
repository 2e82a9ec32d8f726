//! Scanning without verifying: live camera guidance ("move closer", "avoid glare")
//! and reading codes to verify later, e.g. a certificate and a hallmark scanned
//! one after the other.

use std::sync::{Mutex, PoisonError};

use touchmark::scan::{
    CaptureProblem as CoreProblem, CodeKind as CoreKind, FrameScanner as CoreFrameScanner,
    ScanError, ScanLimits, ScanOutcome as CoreOutcome,
};

use crate::guard::guard;
use crate::types::LumaFrame;
use crate::TouchmarkError;

/// What a scanned code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CodeKind {
    /// A Touchmark certificate (`TM1:/…`).
    Certificate,
    /// A Touchmark hallmark (`TMH1:…`).
    Hallmark,
    /// A transparency-log proof (C2SP tlog-proof).
    Proof,
    /// Any other code.
    Other,
}

impl From<CoreKind> for CodeKind {
    fn from(value: CoreKind) -> Self {
        match value {
            CoreKind::Certificate => CodeKind::Certificate,
            CoreKind::Hallmark => CodeKind::Hallmark,
            CoreKind::Proof => CodeKind::Proof,
            CoreKind::Other => CodeKind::Other,
        }
    }
}

/// A capture problem a person can act on. Never means "not authentic".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CaptureProblem {
    /// Nothing that looks like a code.
    NoCodeFound,
    /// A code-like pattern too small to read: move closer.
    TooSmall,
    /// The image is too blurred: hold still or refocus.
    TooBlurred,
    /// Bright highlights over the code: tilt to avoid reflections.
    GlareSuspected,
    /// A code was located but could not be decoded.
    Unreadable,
    /// Codes were read, but none is a Touchmark code.
    NotTouchmark,
}

impl From<CoreProblem> for CaptureProblem {
    fn from(value: CoreProblem) -> Self {
        match value {
            CoreProblem::NoCodeFound => CaptureProblem::NoCodeFound,
            CoreProblem::TooSmall => CaptureProblem::TooSmall,
            CoreProblem::TooBlurred => CaptureProblem::TooBlurred,
            CoreProblem::GlareSuspected => CaptureProblem::GlareSuspected,
            CoreProblem::Unreadable => CaptureProblem::Unreadable,
            CoreProblem::NotTouchmark => CaptureProblem::NotTouchmark,
        }
    }
}

/// A point in pixel coordinates of the scanned image or frame.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct Point {
    /// Pixels from the left edge.
    pub x: f32,
    /// Pixels from the top edge.
    pub y: f32,
}

/// One code found in an image.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScannedCode {
    /// The payload as text; pass it to `Verifier.verifyText` or as
    /// `VerifyInput.Text` to verify it.
    pub text: String,
    /// What the code is.
    pub kind: CodeKind,
    /// Corners: top-left, top-right, bottom-right, bottom-left (for an overlay).
    pub corners: Vec<Point>,
}

/// Everything found in one image or frame.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScanResult {
    /// The codes, in reading order.
    pub codes: Vec<ScannedCode>,
    /// Set when no Touchmark code was read, saying why as best it can tell.
    pub problem: Option<CaptureProblem>,
}

impl From<CoreOutcome> for ScanResult {
    fn from(value: CoreOutcome) -> Self {
        Self {
            codes: value
                .codes
                .into_iter()
                .map(|c| ScannedCode {
                    text: c.text,
                    kind: c.kind.into(),
                    corners: c
                        .corners
                        .iter()
                        .map(|[x, y]| Point { x: *x, y: *y })
                        .collect(),
                })
                .collect(),
            problem: value.problem.map(CaptureProblem::from),
        }
    }
}

/// Maps a core scan error: a bad frame is misuse, anything else is an image that
/// cannot be used.
pub(crate) fn scan_error(error: ScanError) -> TouchmarkError {
    match error {
        ScanError::BadFrame { .. } => TouchmarkError::invalid_argument(error.to_string()),
        ScanError::TooLarge { .. } | ScanError::UnsupportedFormat | ScanError::Corrupt(_) => {
            TouchmarkError::InvalidImage {
                detail: error.to_string(),
            }
        }
    }
}

/// Reads the codes in a camera frame without verifying them. Synchronous CPU
/// work: call it off the main thread (e.g. in a CameraX analyzer).
///
/// Throws `InvalidArgument` when the buffer is smaller than its shape says.
#[uniffi::export]
pub fn scan_frame(frame: LumaFrame) -> Result<ScanResult, TouchmarkError> {
    guard(|| {
        touchmark::scan::scan_luma(&frame.as_core(), &ScanLimits::default())
            .map(ScanResult::from)
            .map_err(scan_error)
    })
}

/// Reads the codes in an encoded image (PNG, JPEG or WebP; EXIF orientation is
/// applied) without verifying them. Synchronous CPU work: call it off the main
/// thread.
///
/// Throws `InvalidImage` for an unsupported, corrupt or oversized image.
#[uniffi::export]
pub fn scan_image(image: Vec<u8>) -> Result<ScanResult, TouchmarkError> {
    guard(|| {
        touchmark::scan::scan_image(&image, &ScanLimits::default())
            .map(ScanResult::from)
            .map_err(scan_error)
    })
}

/// Reads the codes in the frames of a live camera stream without verifying
/// them. Where `scanFrame` runs every pass of the scanner on one frame,
/// this runs the first pass (which reads most codes) on every frame and one
/// of the later passes per frame in turn: a frame with no code in view costs
/// about a third as much, and a code held in view meets every pass within
/// `framesPerCycle()` frames; the cycle's last frame also reads blurred
/// hallmarks no pass reads, with the pixel model (a few hundred
/// milliseconds, only when something code-like was left unread). Its
/// `problem` holds steady: a frame that finds no code reports the last
/// specific problem ("too small", "too blurred", …) seen within the cycle
/// (one seen on the deep look, below, until the next deep look), so
/// guidance does not flicker. A code held in view that two cycles leave
/// unread gets the photo's full last resort on the next frame, the deep
/// look (after `framesBeforeDeepLook()` unread frames: about 0.3 s for
/// that frame on a desktop core, up to 2 s where it aligns a placement;
/// `withoutDeepLook()` never takes it).
/// Keep one per camera session and give it every frame the analyzer
/// receives.
/// Thread-safe; frames are scanned one at a time. Synchronous CPU work:
/// call it off the main thread.
#[derive(Debug, uniffi::Object)]
pub struct FrameScanner {
    inner: Mutex<CoreFrameScanner>,
}

#[uniffi::export]
impl FrameScanner {
    /// A scanner for one camera session, with the default limits.
    #[uniffi::constructor]
    pub fn new() -> Self {
        Self {
            inner: Mutex::new(CoreFrameScanner::new(ScanLimits::default())),
        }
    }

    /// A scanner that never takes the deep look: every frame stays short,
    /// at the cost of the hallmarks only that look reads.
    #[uniffi::constructor]
    pub fn without_deep_look() -> Self {
        let scanner = CoreFrameScanner::new(ScanLimits::default()).with_deep_look_after(None);
        Self {
            inner: Mutex::new(scanner),
        }
    }

    /// Scans the next frame of the stream.
    ///
    /// Throws `InvalidArgument` when the buffer is smaller than its shape
    /// says.
    pub fn scan(&self, frame: LumaFrame) -> Result<ScanResult, TouchmarkError> {
        guard(|| {
            let mut scanner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            scanner
                .scan(&frame.as_core())
                .map(ScanResult::from)
                .map_err(scan_error)
        })
    }

    /// How many consecutive frames run every pass of the scanner once.
    pub fn frames_per_cycle(&self) -> u32 {
        u32::try_from(CoreFrameScanner::CYCLE).unwrap_or(u32::MAX)
    }

    /// After how many consecutive frames that read nothing the next frame
    /// gets the deep look (the photo's full last resort); 0 when it never
    /// does.
    pub fn frames_before_deep_look(&self) -> u32 {
        let scanner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        scanner
            .deep_look_after()
            .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
    }
}

impl Default for FrameScanner {
    fn default() -> Self {
        Self::new()
    }
}
