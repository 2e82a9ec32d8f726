//! The one public error type. Rich errors stay in the core crate; here they are
//! folded into a few variants an app can act on, each with a human-readable detail.

/// Why a call failed. Verification *results* (forged, unreadable, untrusted) are
/// never errors: they are reported in the [`crate::Verdict`]. Errors are for
/// misuse, I/O and internal faults.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum TouchmarkError {
    /// An argument is invalid: a malformed root key, an empty key list, a frame
    /// whose buffer is smaller than width, height and stride say.
    #[error("invalid argument: {detail}")]
    InvalidArgument {
        /// What is wrong.
        detail: String,
    },
    /// An encoded image could not be used: unsupported format (only PNG, JPEG and
    /// WebP are read), corrupt or truncated data, or larger than the pixel limit.
    #[error("image could not be decoded: {detail}")]
    InvalidImage {
        /// What is wrong.
        detail: String,
    },
    /// The call needs a trust bundle and none is loaded.
    #[error("no trust bundle is loaded")]
    NoTrustBundle,
    /// The network request failed, or the host `HttpTransport` threw.
    #[error("network: {detail}")]
    Network {
        /// What failed.
        detail: String,
    },
    /// A server answered with data that does not verify (for example a checkpoint
    /// not signed by a trusted log, or older than one already seen).
    #[error("invalid response: {detail}")]
    InvalidResponse {
        /// What is wrong.
        detail: String,
    },
    /// The operation is not built into this library (for example the built-in
    /// HTTP client in a build without the `http` feature).
    #[error("unsupported: {detail}")]
    Unsupported {
        /// What is missing.
        detail: String,
    },
    /// A bug in Touchmark (a caught panic). Please report it with the detail.
    #[error("internal error: {detail}")]
    Internal {
        /// The panic message, if any.
        detail: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for TouchmarkError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        TouchmarkError::Network {
            detail: format!("host callback failed: {}", error.reason),
        }
    }
}

impl TouchmarkError {
    pub(crate) fn invalid_argument(detail: impl Into<String>) -> Self {
        TouchmarkError::InvalidArgument {
            detail: detail.into(),
        }
    }
}
