//! Raw inputs as apps and the CLI hold them (text, encoded images, camera frames),
//! scanned and classified into payloads.

use super::Payload;
use crate::verdict::ReasonCode;

#[cfg(feature = "scan")]
use crate::scan::{self, CaptureProblem, LumaFrame, ScanError, ScanLimits};

/// One input to a verification.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// Scanned or pasted text: one payload, or a file's contents (see
    /// [`Payload::classify_file`]).
    Text(&'a str),
    /// An encoded image (PNG, JPEG or WebP).
    #[cfg(feature = "scan")]
    Image(&'a [u8]),
    /// A camera frame's luma plane.
    #[cfg(feature = "scan")]
    Frame(LumaFrame<'a>),
}

/// Payloads gathered from inputs, plus the capture problems met on the way.
#[derive(Debug, Clone, Default)]
pub struct Gathered {
    /// Classified payloads.
    pub payloads: Vec<Payload>,
    /// Capture reasons for images or frames where no Touchmark code was read.
    pub capture: Vec<ReasonCode>,
}

/// The reason code for a capture problem.
#[cfg(feature = "scan")]
pub fn capture_reason(problem: CaptureProblem) -> ReasonCode {
    match problem {
        CaptureProblem::NoCodeFound => ReasonCode::NoCodeFound,
        CaptureProblem::NotTouchmark => ReasonCode::NotTouchmarkCode,
        CaptureProblem::TooSmall
        | CaptureProblem::TooBlurred
        | CaptureProblem::GlareSuspected
        | CaptureProblem::Unreadable => ReasonCode::CodeUnreadable,
    }
}

/// Error type of [`gather`]: a scan error when scanning is built in.
#[cfg(feature = "scan")]
pub type GatherError = ScanError;
/// Error type of [`gather`]: never produced without the `scan` feature.
#[cfg(not(feature = "scan"))]
pub type GatherError = std::convert::Infallible;

/// Scans images and frames and classifies every payload.
pub fn gather(
    inputs: &[Input<'_>],
    #[cfg(feature = "scan")] limits: &ScanLimits,
) -> Result<Gathered, GatherError> {
    let mut gathered = Gathered::default();
    for input in inputs {
        match input {
            Input::Text(text) => gathered.payloads.extend(Payload::classify_file(text)),
            #[cfg(feature = "scan")]
            Input::Image(bytes) => gathered.absorb(scan::scan_image(bytes, limits)?),
            #[cfg(feature = "scan")]
            Input::Frame(frame) => gathered.absorb(scan::scan_luma(frame, limits)?),
        }
    }
    Ok(gathered)
}

impl Gathered {
    #[cfg(feature = "scan")]
    fn absorb(&mut self, outcome: scan::ScanOutcome) {
        if let Some(problem) = outcome.problem {
            self.capture.push(capture_reason(problem));
        }
        self.payloads
            .extend(outcome.codes.iter().map(|c| Payload::classify(&c.text)));
    }
}
