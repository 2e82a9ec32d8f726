//! The `Verifier` object: root keys, trust bundle, clock and ledger cache.

use std::sync::{Arc, PoisonError, RwLock};

use touchmark::keys::VerifierKey;
use touchmark::scan::ScanLimits;
use touchmark::trust::TrustBundle;
use touchmark::verify::{gather, trust_error_reason, Input};
use touchmark::ReasonCode as CoreReason;
use touchmark::Verdict as CoreVerdict;

use crate::clock::{SystemTimeSource, TimeSource};
use crate::guard::{guard, Guarded};
use crate::online::{checkpoint_from_bytes, default_transport, HttpTransport, LedgerCheckpoint};
use crate::scan::scan_error;
use crate::types::{LumaFrame, TrustBundleInfo, TrustStatus, TrustUpdate, Verdict, VerifyInput};
use crate::TouchmarkError;

/// Which trust bundle, if any, is in use.
enum Trust {
    Missing,
    Refused { reason: CoreReason, detail: String },
    Loaded(Arc<touchmark::Verifier>),
}

struct State {
    trust: Trust,
    checkpoints: Vec<LedgerCheckpoint>,
}

/// Verifies Touchmark certificates, hallmarks and ledger proofs. Create one per
/// app (it holds the pinned root keys, the trust bundle in use and cached ledger
/// state) and share it: it is thread-safe, and verifications run in parallel.
///
/// Threading: all `verify…` methods are synchronous CPU work (decoding and
/// scanning an image dominates, tens of milliseconds for a camera frame). Call
/// them off the main thread: in Kotlin `withContext(Dispatchers.Default) { … }`,
/// in Swift from a detached `Task` or your capture queue. `refreshLedgers` is
/// asynchronous (Kotlin `suspend`, Swift `async`).
#[derive(uniffi::Object)]
pub struct Verifier {
    roots: Vec<VerifierKey>,
    clock: Arc<dyn TimeSource>,
    limits: ScanLimits,
    state: RwLock<State>,
}

impl Verifier {
    fn now(&self) -> u64 {
        self.clock.now_unix_seconds()
    }

    fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&self.state.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn write<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.write().unwrap_or_else(PoisonError::into_inner))
    }

    /// The core verifier in use, or why there is none usable (the reason of the
    /// inconclusive verdict to give).
    fn core(&self) -> Result<Arc<touchmark::Verifier>, CoreReason> {
        let trust = self.read(|s| match &s.trust {
            Trust::Missing => Err(CoreReason::TrustBundleMissing),
            Trust::Refused { reason, .. } => Err(*reason),
            Trust::Loaded(verifier) => Ok(Arc::clone(verifier)),
        });
        let verifier = trust?;
        let expired = verifier.trust().is_expired(self.now());
        if expired {
            return Err(CoreReason::TrustBundleExpired);
        }
        Ok(verifier)
    }

    fn verify_inputs(&self, inputs: &[Input<'_>]) -> Result<Verdict, TouchmarkError> {
        let verifier = match self.core() {
            Ok(verifier) => verifier,
            Err(reason) => return Ok(CoreVerdict::inconclusive(reason).into()),
        };
        let gathered = gather(inputs, &self.limits).map_err(scan_error)?;
        Ok(verifier.verify_gathered(&gathered).into())
    }
}

#[uniffi::export]
impl Verifier {
    /// A verifier trusting trust bundles signed by any of `root_vkeys` (C2SP
    /// vkey strings, pinned in the app). No trust bundle is loaded yet: call
    /// `load_trust_bundle`. `time_source` defaults to the system clock.
    ///
    /// Throws `InvalidArgument` when the list is empty or a key is malformed.
    #[uniffi::constructor(default(time_source = None))]
    pub fn new(
        root_vkeys: Vec<String>,
        time_source: Option<Arc<dyn TimeSource>>,
    ) -> Result<Arc<Self>, TouchmarkError> {
        guard(|| {
            if root_vkeys.is_empty() {
                return Err(TouchmarkError::invalid_argument(
                    "at least one root key is needed",
                ));
            }
            let roots = root_vkeys
                .iter()
                .map(|v| {
                    VerifierKey::parse(v.trim()).map_err(|e| {
                        TouchmarkError::invalid_argument(format!("root key {v:?}: {e}"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Arc::new(Self {
                roots,
                clock: time_source.unwrap_or_else(|| Arc::new(SystemTimeSource)),
                limits: ScanLimits::default(),
                state: RwLock::new(State {
                    trust: Trust::Missing,
                    checkpoints: Vec::new(),
                }),
            }))
        })
    }

    /// Offers a trust bundle file (a signed note). It must be signed by a pinned
    /// root key, not expired, and at least `min_version` and at least the version
    /// in use (rollback protection: persist the highest accepted version and pass
    /// it here on the next start).
    ///
    /// A refused bundle is reported as `TrustUpdate.Refused`, not thrown; the
    /// bundle already in use, if any, stays in use. Accepting a bundle clears
    /// cached ledger state.
    pub fn load_trust_bundle(
        &self,
        bundle: Vec<u8>,
        min_version: u64,
    ) -> Result<TrustUpdate, TouchmarkError> {
        guard(|| {
            let in_use = self.read(|s| match &s.trust {
                Trust::Loaded(v) => v.trust().version,
                _ => 0,
            });
            let now = self.now();
            match TrustBundle::load(&bundle, &self.roots, min_version.max(in_use), now) {
                Ok(loaded) => {
                    let info = TrustBundleInfo::from(&loaded);
                    self.write(|s| {
                        s.trust = Trust::Loaded(Arc::new(touchmark::Verifier::new(loaded)));
                        s.checkpoints.clear();
                    });
                    Ok(TrustUpdate::Accepted { bundle: info })
                }
                Err(error) => {
                    let reason = trust_error_reason(&error);
                    let detail = error.to_string();
                    self.write(|s| {
                        if !matches!(s.trust, Trust::Loaded(_)) {
                            s.trust = Trust::Refused {
                                reason,
                                detail: detail.clone(),
                            };
                        }
                    });
                    Ok(TrustUpdate::Refused {
                        reason: reason.into(),
                        detail,
                    })
                }
            }
        })
    }

    /// The trust state: no bundle, a refused bundle, or the bundle in use.
    pub fn trust_status(&self) -> TrustStatus {
        self.read(|s| match &s.trust {
            Trust::Missing => TrustStatus::Missing,
            Trust::Refused { reason, detail } => TrustStatus::Refused {
                reason: (*reason).into(),
                detail: detail.clone(),
            },
            Trust::Loaded(v) => TrustStatus::Loaded {
                bundle: TrustBundleInfo::from(v.trust()),
            },
        })
    }

    /// Verifies inputs scanned together (certificate, hallmark, ledger proof; each
    /// from text, an encoded image or a camera frame). Synchronous CPU work.
    ///
    /// Problems with the certificate, the capture or the trust bundle are
    /// reported in the verdict. Throws `InvalidImage` for an image that cannot
    /// be decoded and `InvalidArgument` for a malformed frame.
    pub fn verify(&self, inputs: Vec<VerifyInput>) -> Result<Verdict, TouchmarkError> {
        guard(|| {
            let core_inputs: Vec<Input<'_>> = inputs
                .iter()
                .map(|input| match input {
                    VerifyInput::Text { text } => Input::Text(text),
                    VerifyInput::Image { bytes } => Input::Image(bytes),
                    VerifyInput::Frame { frame } => Input::Frame(frame.as_core()),
                })
                .collect();
            self.verify_inputs(&core_inputs)
        })
    }

    /// Verifies scanned or pasted text: one code's payload, or a file's contents
    /// (one payload per line, or a tlog-proof). Synchronous.
    pub fn verify_text(&self, text: String) -> Result<Verdict, TouchmarkError> {
        guard(|| self.verify_inputs(&[Input::Text(&text)]))
    }

    /// Verifies the codes in an encoded image (PNG, JPEG or WebP). Synchronous
    /// CPU work. Throws `InvalidImage` for an unsupported, corrupt or oversized
    /// image; an image without a readable code gives an inconclusive verdict.
    pub fn verify_image(&self, image: Vec<u8>) -> Result<Verdict, TouchmarkError> {
        guard(|| self.verify_inputs(&[Input::Image(&image)]))
    }

    /// Verifies the codes in a camera frame's luma plane. Synchronous CPU work.
    /// Throws `InvalidArgument` when the buffer is smaller than its shape says.
    pub fn verify_frame(&self, frame: LumaFrame) -> Result<Verdict, TouchmarkError> {
        guard(|| self.verify_inputs(&[Input::Frame(frame.as_core())]))
    }

    /// The ledger checkpoints fetched by the last `refresh_ledgers`, one per
    /// ledger (cleared when a new trust bundle is accepted).
    pub fn ledger_checkpoints(&self) -> Vec<LedgerCheckpoint> {
        self.read(|s| s.checkpoints.clone())
    }

    /// Fetches the latest checkpoint of every ledger in the trust bundle that has
    /// a URL (`<url>/checkpoint`), verifies it against the bundle's ledger policy
    /// and caches it. Uses `transport` (the app's own HTTP stack) or, when it is
    /// absent, the built-in HTTP client. Asynchronous: a Kotlin `suspend`
    /// function, a Swift `async` method.
    ///
    /// Throws `NoTrustBundle` without a bundle in use, `Network` when a request
    /// fails or answers other than 200, and `InvalidResponse` when a checkpoint
    /// does not verify or is older than the one cached.
    #[uniffi::method(default(transport = None))]
    pub async fn refresh_ledgers(
        self: Arc<Self>,
        transport: Option<Arc<dyn HttpTransport>>,
    ) -> Result<Vec<LedgerCheckpoint>, TouchmarkError> {
        Guarded(Box::pin(async move {
            let verifier = self.core().map_err(|_| TouchmarkError::NoTrustBundle)?;
            let transport = match transport {
                Some(transport) => transport,
                None => default_transport()?,
            };
            let policy = &verifier.trust().policy;
            let mut fetched = Vec::new();
            for log in &policy.logs {
                let Some(base) = &log.url else { continue };
                let url = format!("{}/checkpoint", base.trim_end_matches('/'));
                let response = transport.get(url.clone()).await?;
                if response.status != 200 {
                    return Err(TouchmarkError::Network {
                        detail: format!("GET {url}: HTTP status {}", response.status),
                    });
                }
                let checkpoint =
                    checkpoint_from_bytes(&response.body, log.key.name(), policy, self.now())?;
                let older = self.read(|s| {
                    s.checkpoints
                        .iter()
                        .any(|c| c.origin == checkpoint.origin && c.size > checkpoint.size)
                });
                if older {
                    return Err(TouchmarkError::InvalidResponse {
                        detail: format!(
                            "{url}: checkpoint size {} is older than the one cached",
                            checkpoint.size
                        ),
                    });
                }
                fetched.push(checkpoint);
            }
            self.write(|s| {
                for checkpoint in &fetched {
                    s.checkpoints.retain(|c| c.origin != checkpoint.origin);
                    s.checkpoints.push(checkpoint.clone());
                }
            });
            Ok(fetched)
        }))
        .await
    }
}
