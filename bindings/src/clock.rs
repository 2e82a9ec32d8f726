//! The injectable clock.

use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time. Pass your own to `Verifier` to test expiry, or to
/// use a trusted network time; by default the system clock is used.
///
/// Implementations must be cheap and thread-safe: it is called on the thread that
/// verifies.
#[uniffi::export(with_foreign)]
pub trait TimeSource: Send + Sync {
    /// The current time in POSIX seconds (UTC).
    fn now_unix_seconds(&self) -> u64;
}

/// The system clock (the default `TimeSource`).
#[derive(Debug, Default, uniffi::Object)]
pub struct SystemTimeSource;

#[uniffi::export]
impl SystemTimeSource {
    /// The system clock.
    #[uniffi::constructor]
    pub fn new() -> Self {
        SystemTimeSource
    }
}

#[uniffi::export]
impl TimeSource for SystemTimeSource {
    /// The system time in POSIX seconds; 0 if the clock is before 1970.
    fn now_unix_seconds(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}
