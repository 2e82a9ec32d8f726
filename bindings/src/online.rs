//! Online refresh of ledger state, through the built-in HTTP client or the
//! host's own network stack (`HttpTransport`).

use std::sync::Arc;

use touchmark::encoding::b64_encode;
use touchmark::tlog::policy::Policy;
use touchmark::tlog::proof::{verify_checkpoint_bytes, WitnessedCheckpoint};

use crate::TouchmarkError;

/// The largest response body the built-in client reads, in bytes.
#[cfg(feature = "http")]
pub(crate) const MAX_RESPONSE_BYTES: u64 = 256 * 1024;

/// An HTTP response as the host's network stack received it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpResponse {
    /// The HTTP status code (200 for success).
    pub status: u16,
    /// The response body.
    pub body: Vec<u8>,
}

/// The host's own HTTP stack, for apps that need their proxies, certificate
/// pinning or network policy. Implement it in Kotlin (a `suspend fun`) or Swift
/// (an `async` method) and pass it to `Verifier.refreshLedgers`.
///
/// Touchmark only issues plain `GET` requests for public, signed data; every
/// response is verified, so the transport needs no special trust.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait HttpTransport: Send + Sync {
    /// Fetches `url` with a `GET` request and returns the status and body. Throw
    /// `TouchmarkError.Network` (or any exception) when no response arrived;
    /// return non-200 statuses as a response.
    async fn get(&self, url: String) -> Result<HttpResponse, TouchmarkError>;
}

/// A witness cosignature on a ledger checkpoint that verified.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WitnessCosignature {
    /// The witness's key name.
    pub name: String,
    /// When it cosigned (POSIX seconds).
    pub timestamp: u64,
}

/// The latest verified state of a ledger (its checkpoint).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LedgerCheckpoint {
    /// The ledger's origin (its name).
    pub origin: String,
    /// The number of entries in the ledger.
    pub size: u64,
    /// The Merkle root hash at that size, base64.
    pub root_hash: String,
    /// Witnesses from the trust bundle's policy whose cosignatures verified.
    pub cosignatures: Vec<WitnessCosignature>,
    /// Whether those witnesses satisfy the policy's quorum.
    pub quorum_met: bool,
    /// When it was fetched (POSIX seconds, from the verifier's `TimeSource`).
    pub fetched_at: u64,
}

/// Verifies a checkpoint served for `origin` and converts it.
pub(crate) fn checkpoint_from_bytes(
    body: &[u8],
    origin: &str,
    policy: &Policy,
    fetched_at: u64,
) -> Result<LedgerCheckpoint, TouchmarkError> {
    let invalid = |detail: String| TouchmarkError::InvalidResponse { detail };
    let WitnessedCheckpoint {
        checkpoint,
        cosigners,
        quorum_met,
    } = verify_checkpoint_bytes(body, policy).map_err(|e| invalid(e.to_string()))?;
    if checkpoint.origin != origin {
        return Err(invalid(format!(
            "checkpoint is for {:?}, expected {origin:?}",
            checkpoint.origin
        )));
    }
    Ok(LedgerCheckpoint {
        origin: checkpoint.origin,
        size: checkpoint.size,
        root_hash: b64_encode(&checkpoint.root_hash),
        cosignatures: cosigners
            .into_iter()
            .map(|c| WitnessCosignature {
                name: c.name,
                timestamp: c.timestamp,
            })
            .collect(),
        quorum_met,
        fetched_at,
    })
}

/// The transport used when the app passes none.
pub(crate) fn default_transport() -> Result<Arc<dyn HttpTransport>, TouchmarkError> {
    #[cfg(feature = "http")]
    {
        Ok(Arc::new(builtin::BuiltinHttp))
    }
    #[cfg(not(feature = "http"))]
    {
        Err(TouchmarkError::Unsupported {
            detail: "this build has no built-in HTTP client: pass an HttpTransport".into(),
        })
    }
}

#[cfg(feature = "http")]
mod builtin {
    //! The built-in client: blocking ureq on a short-lived thread, awaited
    //! without blocking the caller.

    use std::future::Future;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex, PoisonError};
    use std::task::{Context, Poll, Waker};
    use std::time::Duration;

    use super::{HttpResponse, HttpTransport, MAX_RESPONSE_BYTES};
    use crate::guard::guard;
    use crate::TouchmarkError;

    pub(super) struct BuiltinHttp;

    #[async_trait::async_trait]
    impl HttpTransport for BuiltinHttp {
        async fn get(&self, url: String) -> Result<HttpResponse, TouchmarkError> {
            let slot = Arc::new(Mutex::new(Slot::default()));
            let sender = Arc::clone(&slot);
            let spawned = std::thread::Builder::new()
                .name("touchmark-http".into())
                .spawn(move || {
                    let result = guard(|| fetch(&url));
                    let mut slot = sender.lock().unwrap_or_else(PoisonError::into_inner);
                    slot.value = Some(result);
                    if let Some(waker) = slot.waker.take() {
                        waker.wake();
                    }
                });
            if let Err(e) = spawned {
                return Err(TouchmarkError::Network {
                    detail: format!("cannot start the HTTP thread: {e}"),
                });
            }
            Receiver(slot).await
        }
    }

    fn fetch(url: &str) -> Result<HttpResponse, TouchmarkError> {
        let network = |e: ureq::Error| TouchmarkError::Network {
            detail: format!("GET {url}: {e}"),
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent.get(url).call().map_err(network)?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_vec()
            .map_err(network)?;
        Ok(HttpResponse { status, body })
    }

    type Outcome = Result<HttpResponse, TouchmarkError>;

    #[derive(Default)]
    struct Slot {
        value: Option<Outcome>,
        waker: Option<Waker>,
    }

    /// Completes when the HTTP thread has stored its outcome.
    struct Receiver(Arc<Mutex<Slot>>);

    impl Future for Receiver {
        type Output = Outcome;

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome> {
            let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            match slot.value.take() {
                Some(outcome) => Poll::Ready(outcome),
                None => {
                    slot.waker = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        }
    }
}
