//! Human-readable output: one screen, plain words.

use touchmark::verdict::{Dimension, DimensionState};
use touchmark::{Overall, Verdict};

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
    if !v.reasons.is_empty() {
        let codes: Vec<&str> = v.reasons.iter().map(|r| r.as_str()).collect();
        out += &format!("  reasons     {}\n", codes.join(", "));
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
