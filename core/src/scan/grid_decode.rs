//! A sampled module grid to payload bytes: format, unmasking, Reed-Solomon
//! correction and the data segments, by quircs.
//!
//! quircs rather than rqrr's decoder: its Reed-Solomon syndromes are
//! table-driven, where rqrr 0.11 raises the generator to a power per term
//! (measured on the synthetic certificates: 2.5 ms for one version-16 grid,
//! the largest single cost of a clean scan). Keeping rqrr's decoder as a
//! fallback for payloads quircs' segment parser rejects read nothing more on
//! the benchmark sets and cost 0.29 MB in the mobile library, so it was
//! dropped (rqrr's detector is still the scanner's fallback). The call is
//! wrapped in `catch_unwind`: a panic reads as "not decoded", never escapes.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// The largest grid the decoder takes: version 40.
const MAX_SIZE: usize = 177;

/// Decodes a `size`×`size` grid whose dark modules are `bit(y, x)`; returns
/// the payload bytes (byte segments raw, numeric and alphanumeric as ASCII,
/// Kanji as Shift_JIS).
pub fn decode_bits(size: usize, bit: impl Fn(usize, usize) -> bool) -> Option<Vec<u8>> {
    if !(21..=MAX_SIZE).contains(&size) {
        return None;
    }
    let mut code = quircs::Code {
        size: i32::try_from(size).ok()?,
        ..quircs::Code::default()
    };
    for y in 0..size {
        for x in 0..size {
            if bit(y, x) {
                let i = y * size + x;
                *code.cell_bitmap.get_mut(i >> 3)? |= 1 << (i & 7);
            }
        }
    }
    match catch_unwind(AssertUnwindSafe(|| code.decode())) {
        Ok(Ok(data)) => Some(data.payload),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The module grid of a rendered code (dark = true).
    fn modules(text: &[u8], level: qrcode::EcLevel) -> (usize, Vec<bool>) {
        let code = qrcode::QrCode::with_error_correction_level(text, level).unwrap();
        let size = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        (size, dark)
    }

    #[test]
    fn decodes_clean_and_damaged_grids() {
        let text = b"TMH1:SN-0042:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let (size, mut dark) = modules(text, qrcode::EcLevel::M);
        assert_eq!(
            decode_bits(size, |y, x| dark[y * size + x]).as_deref(),
            Some(&text[..])
        );
        // A few data modules flipped: Reed-Solomon corrects them.
        for i in [size * 12 + 12, size * 15 + 20, size * 20 + 14] {
            dark[i] = !dark[i];
        }
        assert_eq!(
            decode_bits(size, |y, x| dark[y * size + x]).as_deref(),
            Some(&text[..])
        );
    }

    #[test]
    fn rejects_noise_and_bad_sizes() {
        let size = 25;
        assert_eq!(decode_bits(size, |y, x| (x * 7 + y * 13) % 3 == 0), None);
        assert_eq!(decode_bits(20, |_, _| true), None);
        assert_eq!(decode_bits(181, |_, _| true), None);
    }

    #[test]
    fn binary_payload_is_kept_raw() {
        let payload: Vec<u8> = (0u8..=255).step_by(7).collect();
        let (size, dark) = modules(&payload, qrcode::EcLevel::L);
        assert_eq!(decode_bits(size, |y, x| dark[y * size + x]), Some(payload));
    }
}
