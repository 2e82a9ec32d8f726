//! Scanning a live camera stream. A camera loop sees mostly frames with no
//! code in view, and each one it scans fully delays the frame that holds
//! the code: a 1080p frame with nothing in it runs all twelve attempts
//! (six passes, two polarities) before it can say so. [`FrameScanner`]
//! runs the first pass on every frame, which reads most codes (over the
//! generated sets scanned as frames, 91 % of the codes read), and one of
//! the later passes per frame in turn, so a frame costs about a third of a
//! full scan and a code held in view meets every pass within
//! [`FrameScanner::CYCLE`] frames. The cycle's last frame, when it reads
//! nothing but holds a placement that looks like a code's finders, also
//! reads that placement with the pixel model (`last_resort`, as placed: no
//! blob search, no alignment), which reads blurred hallmarks no pass does
//! at a few hundred milliseconds for that frame (scan-bench/RESULTS.md,
//! session 13).
//!
//! Passes differ in what they locate, so a code that one frame's passes
//! locate (too small, too blurred, unreadable) another frame's may not see
//! at all. So that guidance does not flicker between "no code" and "move
//! closer", a frame that finds no code reports the last specific problem
//! seen within the cycle instead (one seen on a deep look, see below,
//! until the next deep look): of the 70 generated hallmarks (seeds 8–10) a
//! stream leaves unread, held in view for a second cycle, 9 alternated
//! between "no code found" and a specific problem, and none does with the
//! problem held.
//!
//! A code held in view that two whole cycles leave unread gets the
//! photo's last resort on the next frame ([`FrameScanner::DEEP_LOOK_AFTER`]):
//! blurred finders found by their profile, every placement read with the
//! pixel model, the best one aligned to its pixels. Of the 360 generated
//! hallmarks of seeds 8–10 held in view, the stream read 290 within a
//! cycle and reads 323 within eleven frames, as many as photos do; that
//! frame takes about 0.3 s here (up to 2 s on the slowest 800×600
//! hallmark frames, where it aligns a placement), and with no code in view
//! (one frame in eleven) about 270 ms (scan-bench/RESULTS.md, session
//! 14).

use super::pipeline::{LastResort, Passes, Plan, LATER_PASSES};
use super::{scan_plane, CaptureProblem, LumaFrame, ScanError, ScanLimits, ScanOutcome};

/// Scans the frames of a camera stream, spreading the later passes over
/// consecutive frames. Keep one per stream and hand it every frame the
/// analyzer receives; a single frame on its own is better served by
/// [`super::scan_luma`], which runs every pass.
#[derive(Debug, Clone)]
pub struct FrameScanner {
    limits: ScanLimits,
    /// Frames scanned so far: picks the later pass of the next one.
    frames: usize,
    /// The last problem more specific than "no code found" (cleared when a
    /// code reads).
    held: Option<Held>,
    /// Consecutive frames that read nothing, since the last deep look.
    unread: usize,
    /// After how many of those the next frame gets the deep look; None: never.
    deep_look_after: Option<usize>,
}

/// A problem held over the frames that find no code.
#[derive(Debug, Clone, Copy)]
struct Held {
    problem: CaptureProblem,
    /// The frame it was seen on.
    seen: usize,
    /// For how many frames from then it holds.
    frames: usize,
}

impl FrameScanner {
    /// How many consecutive frames run every pass once.
    pub const CYCLE: usize = LATER_PASSES;

    /// After this many consecutive frames that read nothing (two cycles, a
    /// third of a second at 30 frames a second), the next frame also runs
    /// the photo's full last resort: the deep look.
    pub const DEEP_LOOK_AFTER: usize = 2 * Self::CYCLE;

    /// A scanner for one stream, checking every frame against `limits`,
    /// with the deep look after [`Self::DEEP_LOOK_AFTER`] unread frames.
    pub fn new(limits: ScanLimits) -> Self {
        Self {
            limits,
            frames: 0,
            held: None,
            unread: 0,
            deep_look_after: Some(Self::DEEP_LOOK_AFTER),
        }
    }

    /// The same scanner with the deep look after `frames` consecutive
    /// unread frames instead, or never (`None`): an app that must keep
    /// every frame short, at the cost of the codes only that look reads.
    #[must_use]
    pub fn with_deep_look_after(mut self, frames: Option<usize>) -> Self {
        self.deep_look_after = frames;
        self
    }

    /// After how many consecutive unread frames the next gets the deep
    /// look; `None` when it never does.
    pub fn deep_look_after(&self) -> Option<usize> {
        self.deep_look_after
    }

    /// Scans one frame: the first pass and the next later pass in turn,
    /// stopping at the first that reads a code, and on the cycle's last
    /// frame the pixel model's look at code-like placements left unread;
    /// after [`Self::DEEP_LOOK_AFTER`] frames that read nothing, the photo's
    /// full last resort in its place (the deep look), on whichever turn
    /// that frame falls. "No code found" gives way to a more specific problem
    /// seen within the cycle. A frame refused by the limits does not
    /// advance the turn.
    pub fn scan(&mut self, frame: &LumaFrame<'_>) -> Result<ScanOutcome, ScanError> {
        self.limits.check_frame(frame)?;
        let now = self.frames;
        let turn = now % Self::CYCLE;
        self.frames = self.frames.wrapping_add(1);
        let deep = self
            .deep_look_after
            .is_some_and(|after| self.unread >= after);
        // The deep look adds the photo's full last resort to the frame's
        // turn of passes (the frames before ran them all): over the
        // generated sets, rerunning every pass on that frame read nothing
        // more, for 7 % more time on frames with no code in view.
        let last_resort = if deep {
            Some(LastResort::Full)
        } else {
            (turn + 1 == Self::CYCLE).then_some(LastResort::Placed)
        };
        let plan = Plan {
            all_codes: false,
            passes: Passes::FirstAnd(turn),
            last_resort,
        };
        let mut outcome = scan_plane(super::plane::Plane::from_frame(frame), plan);
        self.unread = if deep || !outcome.codes.is_empty() {
            0
        } else {
            self.unread.saturating_add(1)
        };
        self.steady(now, deep, &mut outcome);
        Ok(outcome)
    }

    /// Holds the last specific problem over frames that find no code: for
    /// the rest of its cycle, or, seen on a deep look, until the next (the
    /// passes between do not locate what only that look does: a sighted
    /// hallmark told "move closer" on the deep look's frame was told "no
    /// code found" on six of every eleven frames).
    fn steady(&mut self, now: usize, deep: bool, outcome: &mut ScanOutcome) {
        if !outcome.codes.is_empty() {
            self.held = None;
            return;
        }
        match outcome.problem {
            Some(CaptureProblem::NoCodeFound) => {
                if let Some(held) = self.held {
                    if now.wrapping_sub(held.seen) < held.frames {
                        outcome.problem = Some(held.problem);
                    }
                }
            }
            Some(problem) => {
                let frames = match self.deep_look_after {
                    Some(after) if deep => after.saturating_add(1),
                    _ => Self::CYCLE,
                };
                self.held = Some(Held {
                    problem,
                    seen: now,
                    frames,
                });
            }
            None => {}
        }
    }
}

impl Default for FrameScanner {
    fn default() -> Self {
        Self::new(ScanLimits::default())
    }
}
