//! Human-readable output: one screen, plain words.

use touchmark::verdict::{Dimension, DimensionState};
use touchmark::{Overall, ReasonCode, Verdict};

/// One plain-English sentence per reason code (apps localize by the code itself).
pub fn explain(reason: ReasonCode) -> &'static str {
    use ReasonCode::*;
    match reason {
        NoCodeFound => "No code was found: fill the frame with the code and hold steady.",
        CodeUnreadable => {
            "A code was found but could not be read: move closer, avoid glare, refocus."
        }
        NotTouchmarkCode => "The code is not a Touchmark certificate or hallmark.",
        PayloadMalformed => "A Touchmark code is damaged or incomplete.",
        NoCertificate => "Scan the certificate too: a hallmark or proof alone proves nothing.",
        MultipleCertificates => "Two different certificates were given; verify one at a time.",
        TrustBundleMissing => "No trust bundle is configured (--trust).",
        TrustBundleInvalid => "The trust bundle is not signed by the pinned root or is malformed.",
        TrustBundleRollback => {
            "The trust bundle is older than one already used: refusing a rollback."
        }
        TrustBundleExpired => "The trust bundle has expired: update it.",
        UnknownIssuer => "The issuer is not in the trust bundle.",
        UnknownIssuerKey => "The issuer is known but this signing key is not.",
        UnsupportedAlgorithm => "The certificate does not use Ed25519 signatures.",
        SignatureInvalid => {
            "The issuer's signature does not match: the certificate was altered or forged."
        }
        SignatureNoncanonical => "The signature is malformed in a way only lax verifiers accept.",
        IssuerKeyRetired => "Signed with a key retired before the certificate's date.",
        IssuerKeyRevoked => "Signed with a revoked key.",
        IssuerKeyNotYetValid => "Signed with a key not yet valid on the certificate's date.",
        ClaimsInvalid => "The certificate's content is not a valid Touchmark certificate.",
        LedgerProofMissing => "No ledger proof was given, so the public record was not checked.",
        LedgerProofMalformed => "The ledger proof is damaged.",
        LedgerUnknown => "The ledger proof comes from a log the trust bundle does not list.",
        LedgerOriginMismatch => {
            "The ledger proof is for a different ledger than the certificate names."
        }
        CheckpointSignatureInvalid => "The ledger's signature on its checkpoint does not match.",
        InclusionProofInvalid => "The ledger proof does not show this certificate in the ledger.",
        WitnessQuorumNotMet => "Too few independent witnesses vouched for the ledger state.",
        CosignatureInvalid => "A witness signature on the ledger checkpoint does not match.",
        StatusNotChecked => "Stolen or lost status was not checked (offline).",
        HallmarkNotScanned => {
            "The hallmark on the piece was not scanned, so the piece was not matched."
        }
        HallmarkMismatch => "The hallmark on the piece does not match this certificate.",
        HallmarkOtherPiece => "The hallmark belongs to a different piece.",
    }
}

/// Formats POSIX seconds as `YYYY-MM-DD HH:MM UTC` (proleptic Gregorian).
pub fn utc(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rem = seconds % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

fn dimension(name: &str, d: &Dimension) -> String {
    let state = match d.state {
        DimensionState::Verified => "verified",
        DimensionState::Failed => "FAILED",
        DimensionState::Unknown => "unknown",
        DimensionState::NotChecked => "not checked",
    };
    match d.as_of {
        Some(t) => format!("  {name:<11} {state} (as of {})\n", utc(t)),
        None => format!("  {name:<11} {state}\n"),
    }
}

/// The human summary of a verdict.
pub fn verdict(v: &Verdict) -> String {
    let headline = match v.verdict {
        Overall::Authentic => "AUTHENTIC",
        Overall::NotAuthentic => "NOT AUTHENTIC",
        Overall::Inconclusive => "INCONCLUSIVE",
    };
    let mut out = String::from(headline);
    if let Some(cert) = &v.certificate {
        let c = &cert.claims;
        out += &format!(
            ": {} - {} ({} {}) - serial {} - edition {} of {}",
            cert.issuer_name,
            c.item.title,
            c.item.metal,
            c.item.fineness,
            c.serial,
            c.edition.n,
            c.edition.of
        );
    }
    out.push('\n');
    let d = &v.dimensions;
    for (name, dim) in [
        ("signature", &d.signature),
        ("ledger", &d.ledger),
        ("witnesses", &d.witnesses),
        ("status", &d.status),
        ("item match", &d.item_match),
    ] {
        out += &dimension(name, dim);
    }
    for reason in &v.reasons {
        out += &format!("  - {} ({})\n", explain(*reason), reason.as_str());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(super::utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(super::utc(1_795_000_000), "2026-11-18 11:06 UTC");
    }
}
