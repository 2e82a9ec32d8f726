//! The FFI layer tested from Rust: the dev fixtures through the exported API
//! (the same calls Kotlin and Swift make), trust lifecycle, errors and the
//! online refresh with a host transport.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::future::Future;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use serde_json::Value;
use touchmark_ffi::{
    HttpResponse, HttpTransport, LumaFrame, Overall, ReasonCode, TimeSource, TouchmarkError,
    TrustStatus, TrustUpdate, Verifier, VerifyInput,
};

struct Fixed(u64);

impl TimeSource for Fixed {
    fn now_unix_seconds(&self) -> u64 {
        self.0
    }
}

struct ThreadWaker(std::thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// A minimal executor: polls on this thread, parking between wake-ups.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return output,
            Poll::Pending => std::thread::park(),
        }
    }
}

fn fixture_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("touchmark-ffi-{name}-{}", std::process::id()));
    support::build(&dir);
    dir
}

fn verifier(roots: &[String], now: u64) -> Arc<Verifier> {
    Verifier::new(roots.to_vec(), Some(Arc::new(Fixed(now)))).unwrap()
}

fn input(dir: &Path, spec: &Value) -> VerifyInput {
    let bytes = std::fs::read(dir.join(spec["file"].as_str().unwrap())).unwrap();
    match spec["kind"].as_str().unwrap() {
        "text" => VerifyInput::Text {
            text: String::from_utf8(bytes).unwrap(),
        },
        "image" => VerifyInput::Image { bytes },
        _ => VerifyInput::Frame {
            frame: LumaFrame {
                data: bytes,
                width: spec["width"].as_u64().unwrap() as u32,
                height: spec["height"].as_u64().unwrap() as u32,
                stride: spec["stride"].as_u64().unwrap() as u32,
            },
        },
    }
}

#[test]
fn every_fixture_case_matches_through_the_ffi() {
    let dir = fixture_dir("cases");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let roots: Vec<String> = serde_json::from_value(manifest["root_vkeys"].clone()).unwrap();
    let now = manifest["now"].as_u64().unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let v = verifier(&roots, now);
        if let Some(trust) = case["trust"].as_str() {
            let min = case["min_trust_version"].as_u64().unwrap();
            v.load_trust_bundle(std::fs::read(dir.join(trust)).unwrap(), min)
                .unwrap();
        }
        let inputs = case["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| input(&dir, i))
            .collect();
        let verdict = v.verify(inputs).unwrap();
        let expect = &case["expect"];
        let name = &case["name"];
        assert_eq!(verdict.overall.code(), expect["verdict"], "{name}");
        let reasons: Vec<String> = verdict.reasons.iter().map(|r| r.code()).collect();
        assert_eq!(
            serde_json::to_value(reasons).unwrap(),
            expect["reasons"],
            "{name}"
        );
        let d = verdict.dimensions;
        for (key, dim) in [
            ("signature", d.signature),
            ("ledger", d.ledger),
            ("witnesses", d.witnesses),
            ("status", d.status),
            ("item_match", d.item_match),
        ] {
            assert_eq!(dim.state.code(), expect["dimensions"][key], "{name} {key}");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn trust_lifecycle_rollback_and_expiry_by_clock() {
    let dir = fixture_dir("trust");
    let fixture = support::build(&dir);
    let roots = vec![fixture.root_vkey.clone()];
    let v = verifier(&roots, support::NOW);
    assert_eq!(v.trust_status(), TrustStatus::Missing);
    let TrustUpdate::Accepted { bundle } = v.load_trust_bundle(fixture.trust.clone(), 0).unwrap()
    else {
        panic!("bundle refused")
    };
    // Rollback protection inside one verifier: an older minimum does not help.
    let refused = v
        .load_trust_bundle(fixture.trust.clone(), bundle.version + 1)
        .unwrap();
    assert!(matches!(
        refused,
        TrustUpdate::Refused {
            reason: ReasonCode::TrustBundleRollback,
            ..
        }
    ));
    assert_eq!(v.trust_status(), TrustStatus::Loaded { bundle });

    // The bundle expires one day after NOW: a verifier whose clock is later
    // reports it at verification time.
    let later = Arc::new(Mutex::new(support::NOW));
    struct Shared(Arc<Mutex<u64>>);
    impl TimeSource for Shared {
        fn now_unix_seconds(&self) -> u64 {
            *self.0.lock().unwrap()
        }
    }
    let v = Verifier::new(roots, Some(Arc::new(Shared(Arc::clone(&later))))).unwrap();
    v.load_trust_bundle(fixture.trust.clone(), 0).unwrap();
    let text = format!("{}\n{}", fixture.certificate, fixture.proof);
    assert_ne!(
        v.verify_text(text.clone()).unwrap().reasons,
        vec![ReasonCode::TrustBundleExpired]
    );
    *later.lock().unwrap() = support::NOW + 2 * 86_400;
    let verdict = v.verify_text(text).unwrap();
    assert_eq!(verdict.overall, Overall::Inconclusive);
    assert_eq!(verdict.reasons, vec![ReasonCode::TrustBundleExpired]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn misuse_is_an_error_and_capture_problems_are_data() {
    assert!(matches!(
        Verifier::new(vec![], None),
        Err(TouchmarkError::InvalidArgument { .. })
    ));
    assert!(matches!(
        Verifier::new(vec!["not a key".into()], None),
        Err(TouchmarkError::InvalidArgument { .. })
    ));
    let dir = fixture_dir("misuse");
    let fixture = support::build(&dir);
    let v = verifier(std::slice::from_ref(&fixture.root_vkey), support::NOW);
    v.load_trust_bundle(fixture.trust.clone(), 0).unwrap();
    let frame = LumaFrame {
        data: vec![0; 10],
        width: 100,
        height: 100,
        stride: 100,
    };
    assert!(matches!(
        v.verify_frame(frame),
        Err(TouchmarkError::InvalidArgument { .. })
    ));
    assert!(matches!(
        v.verify_image(b"not an image".to_vec()),
        Err(TouchmarkError::InvalidImage { .. })
    ));
    // A blank frame is a capture problem: an inconclusive verdict, not an error.
    let blank = LumaFrame {
        data: vec![255; 64 * 64],
        width: 64,
        height: 64,
        stride: 64,
    };
    let verdict = v.verify_frame(blank).unwrap();
    assert_eq!(verdict.reasons, vec![ReasonCode::NoCodeFound]);
    let scanned = touchmark_ffi::scan_image(fixture.png.clone()).unwrap();
    assert_eq!(scanned.codes.len(), 1);
    assert_eq!(scanned.codes[0].text, fixture.certificate);
    let _ = std::fs::remove_dir_all(dir);
}

struct Serve {
    status: u16,
    body: Vec<u8>,
    urls: Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl HttpTransport for Serve {
    async fn get(&self, url: String) -> Result<HttpResponse, TouchmarkError> {
        self.urls.lock().unwrap().push(url);
        Ok(HttpResponse {
            status: self.status,
            body: self.body.clone(),
        })
    }
}

#[test]
fn refresh_through_a_host_transport_verifies_the_checkpoint() {
    let dir = fixture_dir("refresh");
    let fixture = support::build(&dir);
    let v = verifier(std::slice::from_ref(&fixture.root_vkey), support::NOW);
    let serve = Arc::new(Serve {
        status: 200,
        body: fixture.checkpoint.clone(),
        urls: Mutex::new(vec![]),
    });
    let refresh = |t: Arc<Serve>| block_on(Arc::clone(&v).refresh_ledgers(Some(t)));
    assert_eq!(
        refresh(Arc::clone(&serve)),
        Err(TouchmarkError::NoTrustBundle)
    );
    v.load_trust_bundle(fixture.trust.clone(), 0).unwrap();
    let fetched = refresh(Arc::clone(&serve)).unwrap();
    assert_eq!(
        *serve.urls.lock().unwrap(),
        vec![format!("{}/checkpoint", support::LEDGER_URL)]
    );
    assert_eq!(fetched.len(), 1);
    assert_eq!(fetched[0].origin, support::ORIGIN);
    assert!(fetched[0].quorum_met);
    assert_eq!(fetched[0].fetched_at, support::NOW);
    assert_eq!(v.ledger_checkpoints(), fetched);

    let down = Arc::new(Serve {
        status: 503,
        body: vec![],
        urls: Mutex::new(vec![]),
    });
    assert!(matches!(refresh(down), Err(TouchmarkError::Network { .. })));
    let forged = Arc::new(Serve {
        status: 200,
        body: b"forged\n".to_vec(),
        urls: Mutex::new(vec![]),
    });
    assert!(matches!(
        refresh(forged),
        Err(TouchmarkError::InvalidResponse { .. })
    ));
    let _ = std::fs::remove_dir_all(dir);
}
