//! The conformance cases, each with hand-written expectations.

use serde_json::{json, Value};
use touchmark::certificate::qr_text;
use touchmark::hallmark::Hallmark;
use touchmark::issuer::render::{CERTIFICATE, HALLMARK};

use super::actors::{seed, World, TRUST_VERSION};
use super::images;
use super::writer::VectorWriter;

/// One case under construction.
struct Case<'w> {
    name: &'static str,
    description: &'static str,
    trust: Option<&'static str>,
    min_trust_version: u64,
    inputs: Vec<Value>,
    out: &'w mut VectorWriter,
}

impl<'w> Case<'w> {
    fn new(out: &'w mut VectorWriter, name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            description,
            trust: Some("current"),
            min_trust_version: 0,
            inputs: vec![],
            out,
        }
    }

    fn text(mut self, file: &str, content: &str) -> Result<Self, String> {
        let rel = self
            .out
            .file(&format!("cases/{}/{file}", self.name), content.as_bytes())?;
        self.inputs.push(json!({"kind": "text", "file": rel}));
        Ok(self)
    }

    fn image(mut self, file: &str, png: &[u8]) -> Result<Self, String> {
        let rel = self.out.file(&format!("cases/{}/{file}", self.name), png)?;
        self.inputs.push(json!({"kind": "image", "file": rel}));
        Ok(self)
    }

    fn frame(mut self, file: &str, image: &image::GrayImage) -> Result<Self, String> {
        let (data, stride) = images::luma_frame(image, 12);
        let rel = self
            .out
            .file(&format!("cases/{}/{file}", self.name), &data)?;
        self.inputs.push(json!({"kind": "frame", "file": rel, "width": image.width(), "height": image.height(), "stride": stride}));
        Ok(self)
    }

    fn trust(mut self, variant: Option<&'static str>, min_version: u64) -> Self {
        self.trust = variant;
        self.min_trust_version = min_version;
        self
    }

    /// `dims` lists signature, ledger, witnesses, status, item match as
    /// v(erified), f(ailed), u(nknown) or n(ot checked).
    fn expect(
        self,
        world: &World,
        verdict: &str,
        reasons: &[&str],
        dims: &str,
    ) -> Result<(), String> {
        let states: Vec<&str> = dims
            .split(' ')
            .map(|d| match d {
                "v" => "verified",
                "f" => "failed",
                "u" => "unknown",
                _ => "not_checked",
            })
            .collect();
        let [signature, ledger, witnesses, status, item_match] = states[..] else {
            return Err(format!("{}: dims needs five states", self.name));
        };
        let mut sorted = reasons.to_vec();
        sorted.sort_unstable();
        let trust = self.trust.map(|t| world.trust[t].clone());
        self.out.case(json!({
            "name": self.name,
            "description": self.description,
            "trust": trust,
            "min_trust_version": self.min_trust_version,
            "inputs": self.inputs,
            "expect": {
                "verdict": verdict,
                "reasons": sorted,
                "dimensions": {
                    "signature": signature, "ledger": ledger, "witnesses": witnesses,
                    "status": status, "item_match": item_match,
                },
            },
        }))
    }
}

const NOT_SCANNED: &[&str] = &["hallmark_not_scanned", "status_not_checked"];

/// Writes every case.
pub fn write_all(w: &World, out: &mut VectorWriter) -> Result<(), String> {
    let valid = &w.certs["valid"];
    let second = &w.certs["second"];
    let cert_img = images::code_image(&valid.qr(), CERTIFICATE)?;
    let hallmark_img = images::code_image(&valid.hallmark.to_text(), HALLMARK)?;
    let cert_png = images::png(&cert_img)?;
    let hallmark_png = images::png(&hallmark_img)?;
    let proof = w.full_proof("valid");
    let cp = &w.checkpoints;

    // Authentic.
    Case::new(out, "valid-text", "certificate text and its ledger proof")
        .text("certificate.txt", &valid.qr())?
        .text("proof.tlog-proof", &proof)?
        .expect(w, "authentic", NOT_SCANNED, "v v v n n")?;
    Case::new(
        out,
        "valid-image",
        "certificate QR image and its ledger proof",
    )
    .image("certificate.png", &cert_png)?
    .text("proof.tlog-proof", &proof)?
    .expect(w, "authentic", NOT_SCANNED, "v v v n n")?;
    Case::new(
        out,
        "valid-with-hallmark",
        "certificate, matching hallmark and proof, as text",
    )
    .text("certificate.txt", &valid.qr())?
    .text("hallmark.txt", &valid.hallmark.to_text())?
    .text("proof.tlog-proof", &proof)?
    .expect(w, "authentic", &["status_not_checked"], "v v v n v")?;
    Case::new(
        out,
        "valid-images-both",
        "certificate image, hallmark image and proof",
    )
    .image("certificate.png", &cert_png)?
    .image("hallmark.png", &hallmark_png)?
    .text("proof.tlog-proof", &proof)?
    .expect(w, "authentic", &["status_not_checked"], "v v v n v")?;
    Case::new(
        out,
        "valid-one-photo-two-codes",
        "certificate and hallmark in one image",
    )
    .image(
        "photo.png",
        &images::png(&images::side_by_side(&cert_img, &hallmark_img))?,
    )?
    .text("proof.tlog-proof", &proof)?
    .expect(w, "authentic", &["status_not_checked"], "v v v n v")?;
    Case::new(
        out,
        "valid-camera-frame",
        "certificate from a raw luma camera frame with row padding",
    )
    .frame("certificate.y", &cert_img)?
    .text("proof.tlog-proof", &proof)?
    .expect(w, "authentic", NOT_SCANNED, "v v v n n")?;
    Case::new(
        out,
        "valid-proof-with-extra",
        "a tlog-proof carrying an (unauthenticated) extra line",
    )
    .text("certificate.txt", &valid.qr())?
    .text(
        "proof.tlog-proof",
        &w.proof(w.index["valid"], &cp.full, Some(b"touchmark demo")),
    )?
    .expect(w, "authentic", NOT_SCANNED, "v v v n n")?;
    Case::new(
        out,
        "valid-unknown-witness-ignored",
        "a cosignature from a witness outside the policy is ignored",
    )
    .text("certificate.txt", &valid.qr())?
    .text(
        "proof.tlog-proof",
        &w.proof(w.index["valid"], &cp.with_stranger, None),
    )?
    .expect(w, "authentic", NOT_SCANNED, "v v v n n")?;
    let before = &w.certs["retired-before"];
    Case::new(
        out,
        "valid-retired-key-before-retirement",
        "a key retired later still vouches for what it signed before",
    )
    .text("certificate.txt", &before.qr())?
    .text("proof.tlog-proof", &w.full_proof("retired-before"))?
    .expect(w, "authentic", NOT_SCANNED, "v v v n n")?;
    Case::new(
        out,
        "valid-trust-version-equal",
        "the bundle version equals the highest seen",
    )
    .trust(Some("current"), TRUST_VERSION)
    .text("certificate.txt", &valid.qr())?
    .text("proof.tlog-proof", &proof)?
    .expect(w, "authentic", NOT_SCANNED, "v v v n n")?;
    Case::new(
        out,
        "valid-duplicate-inputs",
        "the same certificate as text and image counts once",
    )
    .text("certificate.txt", &valid.qr())?
    .image("certificate.png", &cert_png)?
    .text("proof.tlog-proof", &proof)?
    .expect(w, "authentic", NOT_SCANNED, "v v v n n")?;
    Case::new(
        out,
        "valid-with-foreign-code",
        "an unrelated code next to the certificate is ignored",
    )
    .text(
        "payloads.txt",
        &format!("https://example.com/ring\n{}\n", valid.qr()),
    )?
    .text("proof.tlog-proof", &proof)?
    .expect(w, "authentic", NOT_SCANNED, "v v v n n")?;

    // Trust configuration.
    Case::new(out, "no-trust-bundle", "no trust bundle configured")
        .trust(None, 0)
        .text("certificate.txt", &valid.qr())?
        .text("proof.tlog-proof", &proof)?
        .expect(w, "inconclusive", &["trust_bundle_missing"], "n n n n n")?;
    Case::new(
        out,
        "trust-bundle-rollback",
        "bundle version 2 after version 3 was seen",
    )
    .trust(Some("v2"), TRUST_VERSION)
    .text("certificate.txt", &valid.qr())?
    .text("proof.tlog-proof", &proof)?
    .expect(w, "inconclusive", &["trust_bundle_rollback"], "n n n n n")?;
    Case::new(
        out,
        "trust-bundle-wrong-root",
        "bundle signed by a key that is not the pinned root",
    )
    .trust(Some("evil"), 0)
    .text("certificate.txt", &valid.qr())?
    .text("proof.tlog-proof", &proof)?
    .expect(w, "inconclusive", &["trust_bundle_invalid"], "n n n n n")?;
    Case::new(
        out,
        "trust-bundle-tampered",
        "bundle text edited after signing",
    )
    .trust(Some("tampered"), 0)
    .text("certificate.txt", &valid.qr())?
    .text("proof.tlog-proof", &proof)?
    .expect(w, "inconclusive", &["trust_bundle_invalid"], "n n n n n")?;
    Case::new(out, "trust-bundle-expired", "bundle past its expiry time")
        .trust(Some("expired"), 0)
        .text("certificate.txt", &valid.qr())?
        .text("proof.tlog-proof", &proof)?
        .expect(w, "inconclusive", &["trust_bundle_expired"], "n n n n n")?;

    // Certificate signature.
    let sig_case = |out: &mut VectorWriter,
                    name: &'static str,
                    desc: &'static str,
                    cert: &str,
                    proof_of: &str,
                    verdict: &str,
                    reason: &str,
                    dims: &str|
     -> Result<(), String> {
        let c = &w.certs[cert];
        let mut reasons = vec![reason];
        reasons.extend(NOT_SCANNED);
        if proof_of != cert {
            reasons.push("inclusion_proof_invalid");
        }
        Case::new(out, name, desc)
            .text("certificate.txt", &c.qr())?
            .text("proof.tlog-proof", &w.full_proof(proof_of))?
            .expect(w, verdict, &reasons, dims)
    };
    sig_case(
        out,
        "tampered-claim",
        "edition number changed after signing (not recorded either)",
        "tampered-claim",
        "valid",
        "not_authentic",
        "signature_invalid",
        "f f v n n",
    )?;
    sig_case(
        out,
        "tampered-signature",
        "one bit of the signature flipped",
        "tampered-signature",
        "valid",
        "not_authentic",
        "signature_invalid",
        "f f v n n",
    )?;
    sig_case(
        out,
        "wrong-key",
        "signed by another key that announces the issuer's key id",
        "wrong-key",
        "wrong-key",
        "not_authentic",
        "signature_invalid",
        "f v v n n",
    )?;
    sig_case(
        out,
        "unknown-issuer",
        "issuer not in the trust bundle",
        "unknown-issuer",
        "unknown-issuer",
        "inconclusive",
        "unknown_issuer",
        "u v v n n",
    )?;
    sig_case(
        out,
        "unknown-issuer-key",
        "known issuer, key not in the bundle",
        "unknown-key",
        "unknown-key",
        "inconclusive",
        "unknown_issuer_key",
        "u v v n n",
    )?;
    sig_case(
        out,
        "retired-key",
        "signed with a key after its retirement date",
        "retired-after",
        "retired-after",
        "not_authentic",
        "issuer_key_retired",
        "f v v n n",
    )?;
    sig_case(
        out,
        "revoked-key",
        "signed with a revoked key",
        "revoked",
        "revoked",
        "not_authentic",
        "issuer_key_revoked",
        "f v v n n",
    )?;
    sig_case(
        out,
        "key-not-yet-valid",
        "issue date before the key's validity",
        "not-yet-valid",
        "not-yet-valid",
        "not_authentic",
        "issuer_key_not_yet_valid",
        "f v v n n",
    )?;
    sig_case(
        out,
        "noncanonical-signature",
        "S replaced by S + L (accepted by lax verifiers)",
        "noncanonical",
        "noncanonical",
        "not_authentic",
        "signature_noncanonical",
        "f v v n n",
    )?;
    sig_case(
        out,
        "small-order-key",
        "issuer key of small order with the R = identity, S = 0 signature",
        "small-order",
        "small-order",
        "not_authentic",
        "signature_noncanonical",
        "f v v n n",
    )?;
    sig_case(
        out,
        "unsupported-algorithm",
        "JWS header alg none",
        "alg-none",
        "alg-none",
        "not_authentic",
        "unsupported_algorithm",
        "f v v n n",
    )?;
    for (name, cert, desc) in [
        (
            "claims-invalid",
            "claims-invalid",
            "validly signed claims with edition 0 of 25",
        ),
        (
            "claims-unknown-field",
            "claims-extra-field",
            "validly signed claims with an unknown field",
        ),
    ] {
        Case::new(out, name, desc)
            .text("certificate.txt", &w.certs[cert].qr())?
            .text("proof.tlog-proof", &proof)?
            .expect(
                w,
                "inconclusive",
                &["claims_invalid", "status_not_checked"],
                "u n n n n",
            )?;
    }

    // Capture and payload problems.
    let digits = valid.qr();
    let payload_case = |out: &mut VectorWriter,
                        name: &'static str,
                        desc: &'static str,
                        text: &str|
     -> Result<(), String> {
        Case::new(out, name, desc)
            .text("payload.txt", text)?
            .expect(
                w,
                "inconclusive",
                &["no_certificate", "payload_malformed"],
                "n n n n n",
            )
    };
    payload_case(
        out,
        "malformed-odd-digits",
        "certificate code with an odd number of digits",
        "TM1:/123",
    )?;
    payload_case(
        out,
        "malformed-pair-over-77",
        "certificate code with the digit pair 99",
        &format!("TM1:/99{}", &digits[7..]),
    )?;
    payload_case(
        out,
        "malformed-jws-shape",
        "certificate code that decodes to two JWS parts",
        &qr_text::encode("eyJhbGciOiJFZERTQSJ9.e30"),
    )?;
    // The last of 86 characters carries 2 signature bits and 4 zero padding bits:
    // setting the lowest padding bit keeps the bytes but breaks canonical form.
    const B64URL: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut noncanonical_b64 = valid.jws.clone();
    let last = noncanonical_b64
        .pop()
        .and_then(|c| B64URL.find(c))
        .unwrap_or(0);
    noncanonical_b64.push(char::from(B64URL.as_bytes()[last ^ 1]));
    payload_case(
        out,
        "malformed-base64url-trailing-bits",
        "signature with non-zero trailing base64url bits",
        &qr_text::encode(&noncanonical_b64),
    )?;
    Case::new(out, "not-touchmark-text", "a URL, not a Touchmark code")
        .text("payload.txt", "https://example.com/ring\n")?
        .expect(w, "inconclusive", &["not_touchmark_code"], "n n n n n")?;
    Case::new(
        out,
        "not-touchmark-image",
        "an image of a QR code with a URL",
    )
    .image(
        "url.png",
        &images::png(&images::code_image(
            "https://example.com/ring",
            CERTIFICATE,
        )?)?,
    )?
    .expect(w, "inconclusive", &["not_touchmark_code"], "n n n n n")?;
    Case::new(out, "no-code-image", "an image without any code")
        .image("blank.png", &images::png(&images::blank(200, 150))?)?
        .expect(w, "inconclusive", &["no_code_found"], "n n n n n")?;
    Case::new(
        out,
        "unreadable-code-image",
        "a certificate code with its middle painted over",
    )
    .image("damaged.png", &images::png(&images::damaged(&cert_img))?)?
    .expect(w, "inconclusive", &["code_unreadable"], "n n n n n")?;
    Case::new(out, "empty-text", "an empty text file")
        .text("payload.txt", "")?
        .expect(w, "inconclusive", &["no_code_found"], "n n n n n")?;
    Case::new(out, "hallmark-only", "a hallmark without its certificate")
        .text("hallmark.txt", &valid.hallmark.to_text())?
        .expect(w, "inconclusive", &["no_certificate"], "n n n n n")?;
    Case::new(
        out,
        "multiple-certificates",
        "two different certificates at once",
    )
    .text("first.txt", &valid.qr())?
    .text("second.txt", &second.qr())?
    .expect(w, "inconclusive", &["multiple_certificates"], "n n n n n")?;
    Case::new(
        out,
        "certificate-only",
        "a valid certificate without a ledger proof",
    )
    .text("certificate.txt", &valid.qr())?
    .expect(
        w,
        "inconclusive",
        &[
            "hallmark_not_scanned",
            "ledger_proof_missing",
            "status_not_checked",
        ],
        "v u u n n",
    )?;

    // Ledger proofs.
    let ledger_case = |out: &mut VectorWriter,
                       name: &'static str,
                       desc: &'static str,
                       proof: &str,
                       verdict: &str,
                       reasons: &[&str],
                       dims: &str|
     -> Result<(), String> {
        let mut all = reasons.to_vec();
        all.extend(NOT_SCANNED);
        Case::new(out, name, desc)
            .text("certificate.txt", &valid.qr())?
            .text("proof.tlog-proof", proof)?
            .expect(w, verdict, &all, dims)
    };
    let mut bad_hash = proof.lines().map(str::to_owned).collect::<Vec<_>>();
    bad_hash[2] = flip_base64_char(&bad_hash[2]);
    let bad_hash = bad_hash.join("\n") + "\n";
    ledger_case(
        out,
        "bad-inclusion-proof",
        "one inclusion proof hash changed",
        &bad_hash,
        "not_authentic",
        &["inclusion_proof_invalid"],
        "v f v n n",
    )?;
    ledger_case(
        out,
        "wrong-tree-size",
        "log-signed, cosigned checkpoint whose size does not match the proof",
        &w.proof(w.index["valid"], &cp.wrong_size, None),
        "not_authentic",
        &["inclusion_proof_invalid"],
        "v f v n n",
    )?;
    ledger_case(
        out,
        "proof-wrong-index",
        "the proof's index points at another entry",
        &proof.replacen("index 0\n", "index 1\n", 1),
        "not_authentic",
        &["inclusion_proof_invalid"],
        "v f v n n",
    )?;
    ledger_case(
        out,
        "proof-for-other-certificate",
        "a valid proof for another certificate",
        &w.full_proof("second"),
        "not_authentic",
        &["inclusion_proof_invalid"],
        "v f v n n",
    )?;
    ledger_case(
        out,
        "quorum-not-met",
        "only one of the two required witnesses cosigned",
        &w.proof(w.index["valid"], &cp.one_witness, None),
        "inconclusive",
        &["witness_quorum_not_met"],
        "v v u n n",
    )?;
    ledger_case(
        out,
        "no-cosignatures",
        "checkpoint signed by the log alone",
        &w.proof(w.index["valid"], &cp.log_only, None),
        "inconclusive",
        &["witness_quorum_not_met"],
        "v v u n n",
    )?;
    ledger_case(
        out,
        "cosignature-invalid",
        "a policy witness's cosignature does not verify",
        &w.proof(w.index["valid"], &cp.bad_cosignature, None),
        "not_authentic",
        &["cosignature_invalid"],
        "v u f n n",
    )?;
    ledger_case(
        out,
        "checkpoint-signature-invalid",
        "the log's signature on the checkpoint does not verify",
        &w.proof(w.index["valid"], &cp.bad_log_signature, None),
        "not_authentic",
        &["checkpoint_signature_invalid"],
        "v f u n n",
    )?;
    ledger_case(
        out,
        "ledger-origin-mismatch",
        "a proof from another ledger than the certificate names",
        &w.other_ledger_proof,
        "inconclusive",
        &["ledger_origin_mismatch"],
        "v u u n n",
    )?;
    ledger_case(
        out,
        "proof-malformed",
        "a tlog-proof whose index has a leading zero",
        &proof.replacen("index 0\n", "index 00\n", 1),
        "inconclusive",
        &["ledger_proof_malformed", "ledger_proof_missing"],
        "v u u n n",
    )?;
    ledger_case(
        out,
        "proof-checkpoint-malformed-line",
        "a malformed signature line, even from an unknown key, rejects the checkpoint",
        &format!("{proof}\u{2014} stranger.example !!!\n"),
        "inconclusive",
        &["ledger_proof_malformed", "ledger_proof_missing"],
        "v u u n n",
    )?;
    let other = &w.certs["other-ledger"];
    Case::new(
        out,
        "ledger-unknown",
        "a certificate recorded in a ledger the policy does not trust",
    )
    .text("certificate.txt", &other.qr())?
    .text("proof.tlog-proof", &w.other_ledger_proof)?
    .expect(
        w,
        "inconclusive",
        &[
            "hallmark_not_scanned",
            "ledger_unknown",
            "status_not_checked",
        ],
        "v u u n n",
    )?;

    // Hallmarks.
    let hallmark_case = |out: &mut VectorWriter,
                         name: &'static str,
                         desc: &'static str,
                         hallmark: &str,
                         verdict: &str,
                         reasons: &[&str],
                         dims: &str|
     -> Result<(), String> {
        Case::new(out, name, desc)
            .text("certificate.txt", &valid.qr())?
            .text("hallmark.txt", hallmark)?
            .text("proof.tlog-proof", &proof)?
            .expect(w, verdict, reasons, dims)
    };
    let mut secret = [0u8; 16];
    secret.copy_from_slice(&seed("hallmark/impostor")[..16]);
    let impostor = Hallmark {
        serial: valid.serial.clone(),
        secret,
    };
    hallmark_case(
        out,
        "hallmark-mismatch",
        "a hallmark with the right serial but another secret",
        &impostor.to_text(),
        "not_authentic",
        &["hallmark_mismatch", "status_not_checked"],
        "v v v n f",
    )?;
    hallmark_case(
        out,
        "hallmark-other-piece",
        "the hallmark of another piece",
        &second.hallmark.to_text(),
        "not_authentic",
        &["hallmark_other_piece", "status_not_checked"],
        "v v v n f",
    )?;
    hallmark_case(
        out,
        "hallmark-malformed",
        "a damaged hallmark code",
        "TMH1:AUR-2026-0042:!!!",
        "inconclusive",
        &[
            "hallmark_not_scanned",
            "payload_malformed",
            "status_not_checked",
        ],
        "v v v n n",
    )?;
    Ok(())
}

/// Changes one character of a standard base64 hash line, keeping it valid base64.
fn flip_base64_char(line: &str) -> String {
    let mut chars: Vec<char> = line.chars().collect();
    chars[5] = if chars[5] == 'A' { 'B' } else { 'A' };
    chars.into_iter().collect()
}
