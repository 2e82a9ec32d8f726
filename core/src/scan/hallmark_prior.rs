//! What the payload of a Touchmark hallmark holds before a bit of it is
//! read. Its text is `TMH1:<serial>:<secret>` (`crate::hallmark`) in QR's
//! alphanumeric mode, so the first bits of its data codewords are fixed: the
//! mode indicator, the leading bits of the character count (the text is at
//! least 33 characters and at most what the version holds), the pairs
//! `TM` and `H1`, and the leading bits of the pair that starts with `:`.
//! The soft decoder (`soft_decode`) takes those bits as read, and the pixel
//! model as known modules: on a version-4 code they are 34 modules
//! beside the alignment pattern, near the corner placed least surely.

use crate::certificate::claims::is_valid_serial;
use crate::hallmark::{HALLMARK_PREFIX, SECRET_LEN};

/// Modules per side of the largest hallmark: Touchmark issues hallmarks
/// of versions 1 to 4 (`issuer::render::HALLMARK`); a smaller code is read
/// as one (a code that decodes and breaks the prior is then read as what
/// it is, see `soft_decode`).
pub const LARGEST_HALLMARK: usize = 33;
/// The alphanumeric mode indicator.
const ALPHANUMERIC_MODE: u16 = 0b0010;
/// Bits of the character count in alphanumeric mode, versions 1 to 9
/// (Touchmark's hallmarks are versions 1 to 4).
const COUNT_BITS: usize = 9;
/// The largest version with a [`COUNT_BITS`]-bit count.
const MAX_VERSION: usize = 9;
/// Characters of the base32 secret.
const SECRET_CHARS: usize = (SECRET_LEN * 8).div_ceil(5);
/// The shortest hallmark text: the prefix, a one-character serial, `:` and
/// the secret.
const MIN_CHARS: usize = HALLMARK_PREFIX.len() + 2 + SECRET_CHARS;

/// A bit of the data codewords fixed by the format: its index (bit 7 of
/// data codeword 0 is bit 0, in the order the codewords are dealt to the
/// blocks before interleaving) and its value.
pub type KnownBit = (usize, bool);

/// The bits of a hallmark's data codewords fixed before reading, for a
/// code of `version` with `data_codewords` data codewords in all; empty
/// when no hallmark fits (or the count field is not 9 bits).
pub fn known_bits(version: usize, data_codewords: usize) -> Vec<KnownBit> {
    let capacity = alphanumeric_capacity(data_codewords * 8);
    if !(1..=MAX_VERSION).contains(&version) || capacity < MIN_CHARS {
        return Vec::new();
    }
    let mut known = Vec::new();
    push(&mut known, 0, ALPHANUMERIC_MODE, 4);
    let (count_low, count_high) = (MIN_CHARS as u16, capacity as u16);
    let shared = shared_leading_bits(count_low, count_high, COUNT_BITS);
    push(&mut known, 4, count_low >> (COUNT_BITS - shared), shared);
    let prefix: Vec<u16> = HALLMARK_PREFIX
        .bytes()
        .filter_map(alphanumeric_value)
        .collect();
    for (k, pair) in prefix.chunks(2).enumerate() {
        let at = 4 + COUNT_BITS + 11 * k;
        match *pair {
            [a, b] => push(&mut known, at, a * 45 + b, 11),
            // The prefix's last character pairs with the serial's first:
            // an upper-case letter, a digit or `-` (0 to 41).
            [a] => {
                let (low, high) = (a * 45, a * 45 + SERIAL_MAX_VALUE);
                let shared = shared_leading_bits(low, high, 11);
                push(&mut known, at, low >> (11 - shared), shared);
            }
            _ => {}
        }
    }
    known
}

/// Appends the `width` low bits of `value`, most significant first, as the
/// bits from index `at` on.
fn push(known: &mut Vec<KnownBit>, at: usize, value: u16, width: usize) {
    known.extend((0..width).map(|k| (at + k, value & (1 << (width - 1 - k)) != 0)));
}

/// The hallmark text of a code's data codewords `data` (in the order they
/// are dealt to the blocks), if they hold exactly what a QR encoder writes
/// for one: one alphanumeric segment, the terminator, zero bits to the
/// byte and the pad codewords `EC 11 EC …`, the text a valid hallmark.
pub fn hallmark_text(data: &[u8]) -> Option<String> {
    let bit = |j: usize| -> Option<u16> {
        data.get(j / 8)
            .map(|byte| u16::from(byte & (0x80 >> (j % 8)) != 0))
    };
    let field = |from: usize, width: usize| -> Option<u16> {
        (from..from + width).try_fold(0u16, |acc, j| Some((acc << 1) | bit(j)?))
    };
    if field(0, 4)? != ALPHANUMERIC_MODE {
        return None;
    }
    let count = usize::from(field(4, COUNT_BITS)?);
    let mut text = String::with_capacity(count);
    let mut at = 4 + COUNT_BITS;
    for _ in 0..count / 2 {
        let pair = field(at, 11)?;
        text.push(alphanumeric_char(pair / 45)?);
        text.push(alphanumeric_char(pair % 45)?);
        at += 11;
    }
    if count % 2 == 1 {
        text.push(alphanumeric_char(field(at, 6)?)?);
        at += 6;
    }
    let total = data.len() * 8;
    // The terminator (up to four zeros) and zeros to the byte.
    let end = (at + 4).min(total);
    let padded = end.div_ceil(8) * 8;
    if (at..padded).any(|j| bit(j) != Some(0)) {
        return None;
    }
    let pads_ok = data
        .iter()
        .skip(padded / 8)
        .enumerate()
        .all(|(k, &byte)| byte == if k % 2 == 0 { 0xEC } else { 0x11 });
    (pads_ok && is_hallmark_shaped(&text)).then_some(text)
}

/// True for `TMH1:<serial>:<secret>` with a valid serial and a secret of
/// [`SECRET_CHARS`] base32 characters. Not [`crate::hallmark::Hallmark::parse`]:
/// reading a code is not judging it, and a secret whose spare low bits are
/// set is still what the piece carries.
fn is_hallmark_shaped(text: &str) -> bool {
    let Some((serial, secret)) = text
        .strip_prefix(HALLMARK_PREFIX)
        .and_then(|body| body.split_once(':'))
    else {
        return false;
    };
    is_valid_serial(serial)
        && secret.len() == SECRET_CHARS
        && secret
            .bytes()
            .all(|c| c.is_ascii_uppercase() || (b'2'..=b'7').contains(&c))
}

/// The character of an alphanumeric value.
fn alphanumeric_char(value: u16) -> Option<char> {
    ALPHANUMERIC.get(usize::from(value)).map(|&c| char::from(c))
}

/// The alphanumeric mode's characters, by value.
const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// The largest alphanumeric value a serial's character has (`-`).
const SERIAL_MAX_VALUE: u16 = 41;

/// How many leading bits of `width`-bit `a` and `b` agree.
fn shared_leading_bits(a: u16, b: u16, width: usize) -> usize {
    let differ = a ^ b;
    (0..width)
        .take_while(|&k| differ & (1 << (width - 1 - k)) == 0)
        .count()
}

/// The most alphanumeric characters `bits` of data hold after the mode
/// indicator and the count.
fn alphanumeric_capacity(bits: usize) -> usize {
    let room = bits.saturating_sub(4 + COUNT_BITS);
    let pairs = room / 11;
    2 * pairs + usize::from(room % 11 >= 6)
}

/// A character's value in the alphanumeric mode.
fn alphanumeric_value(c: u8) -> Option<u16> {
    ALPHANUMERIC.iter().position(|&t| t == c).map(|p| p as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The data codewords of a version-4 code at level H.
    const V4_H: usize = 36;

    /// The data bits of `text` as the QR encoder lays them out at
    /// version 4, level H.
    fn data_bits(text: &str) -> Vec<bool> {
        let code = qrcode::bits::Bits::new(qrcode::Version::Normal(4));
        let mut code = code;
        code.push_alphanumeric_data(text.as_bytes()).unwrap();
        code.push_terminator(qrcode::EcLevel::H).unwrap();
        code.into_bytes()
            .iter()
            .flat_map(|&byte| (0..8).rev().map(move |k| byte & (1 << k) != 0))
            .collect()
    }

    #[test]
    fn every_hallmark_agrees_with_the_known_bits() {
        let known = known_bits(4, V4_H);
        // Mode 4, count 4 of 9 (33 to 50 characters), TM and H1 22, and the
        // four leading bits of `:` paired with the serial's first.
        assert_eq!(known.len(), 4 + 4 + 22 + 4);
        for serial in ["A", "ORX-2028-8460", "9", "-", "ZZZZZZZZZZZZZZZZZZ"] {
            let text = format!("{HALLMARK_PREFIX}{serial}:{}", "A".repeat(SECRET_CHARS));
            let bits = data_bits(&text);
            for &(at, value) in &known {
                assert_eq!(bits[at], value, "bit {at} of {text}");
            }
        }
    }

    #[test]
    fn other_text_disagrees() {
        let known = known_bits(4, V4_H);
        let bits = data_bits("HTTPS://EXAMPLE.COM/ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        assert!(known.iter().any(|&(at, value)| bits[at] != value));
    }

    /// `data_bits` as bytes.
    fn bytes(bits: &[bool]) -> Vec<u8> {
        bits.chunks(8)
            .map(|c| c.iter().fold(0u8, |acc, &b| (acc << 1) | u8::from(b)))
            .collect()
    }

    #[test]
    fn hallmark_text_reads_what_an_encoder_writes() {
        // Odd and even lengths; a secret whose spare low bits are set (not
        // a valid hallmark, still what the piece carries).
        for text in [
            crate::scan::test_render::HALLMARK,
            "TMH1:A:2KSD6AMPGB5GIVTDZ3GSBYV3BW",
            "TMH1:ARG-2025-6526:D4CUGKQE37AXXYPZWVXTX3C5AK",
        ] {
            assert_eq!(
                hallmark_text(&bytes(&data_bits(text))).as_deref(),
                Some(text)
            );
        }
    }

    #[test]
    fn hallmark_text_refuses_anything_else() {
        let good = bytes(&data_bits(crate::scan::test_render::HALLMARK));
        // A pad codeword wrong, the terminator broken, a base32 letter
        // that is not one, a serial character that is not one, other text.
        let mut pad = good.clone();
        *pad.last_mut().unwrap() ^= 1;
        let mut terminator = good.clone();
        let at = 4 + COUNT_BITS + 22 * 11 + 6;
        terminator[at / 8] |= 0x80 >> (at % 8);
        for wrong in [
            pad,
            terminator,
            bytes(&data_bits("TMH1:ORX-2023-6192:1KSD6AMPGB5GIVTDZ3GSBYV3BW")),
            bytes(&data_bits("TMH1:ORX 2023-6192:2KSD6AMPGB5GIVTDZ3GSBYV3BW")),
            bytes(&data_bits("TMH1:ORX-2023-6192:2KSD6AMPGB5GIVTDZ3GSBYV3B")),
            bytes(&data_bits("HTTPS://EXAMPLE.COM/ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
        ] {
            assert_eq!(hallmark_text(&wrong), None);
        }
    }

    #[test]
    fn no_prior_where_no_hallmark_fits() {
        // Version 1 at level H holds 10 alphanumeric characters; version 10
        // counts in 11 bits.
        assert!(known_bits(1, 9).is_empty());
        assert!(known_bits(10, 100).is_empty());
        assert!(!known_bits(3, 26).is_empty());
    }
}
