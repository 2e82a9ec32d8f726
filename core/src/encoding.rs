//! Strict text encodings shared by every format, on top of `data-encoding`: base64
//! (standard and URL-safe), base32, hex, and decimals without leading zeroes.

use data_encoding::{BASE32_NOPAD, BASE64, BASE64URL_NOPAD, HEXLOWER, HEXLOWER_PERMISSIVE};

/// Decodes standard padded base64 (RFC 4648 §4), rejecting non-canonical input.
pub fn b64_decode(text: &str) -> Option<Vec<u8>> {
    BASE64.decode(text.as_bytes()).ok()
}

/// Encodes bytes as standard padded base64 (RFC 4648 §4).
pub fn b64_encode(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}

/// Decodes unpadded base64url (RFC 4648 §5), as used by JWS (RFC 7515 §2).
pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    BASE64URL_NOPAD.decode(text.as_bytes()).ok()
}

/// Encodes bytes as unpadded base64url (RFC 4648 §5).
pub fn b64url_encode(bytes: &[u8]) -> String {
    BASE64URL_NOPAD.encode(bytes)
}

/// Decodes unpadded upper-case base32 (RFC 4648 §6).
pub fn b32_decode(text: &str) -> Option<Vec<u8>> {
    BASE32_NOPAD.decode(text.as_bytes()).ok()
}

/// Encodes bytes as unpadded upper-case base32 (RFC 4648 §6).
pub fn b32_encode(bytes: &[u8]) -> String {
    BASE32_NOPAD.encode(bytes)
}

/// Decodes a standard base64 SHA-256 hash, requiring exactly 32 bytes.
pub fn b64_hash(text: &str) -> Option<[u8; 32]> {
    b64_decode(text)?.try_into().ok()
}

/// Parses an ASCII decimal with no sign and no leading zeroes (unless it is `0`).
pub fn parse_decimal(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if bytes.len() > 1 && bytes.first() == Some(&b'0') {
        return None;
    }
    text.parse().ok()
}

/// Encodes bytes as lowercase hex.
pub fn hex_encode(bytes: &[u8]) -> String {
    HEXLOWER.encode(bytes)
}

/// Decodes hex (either case).
pub fn hex_decode(text: &str) -> Option<Vec<u8>> {
    HEXLOWER_PERMISSIVE.decode(text.as_bytes()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_reject_leading_zeroes_signs_and_overflow() {
        assert_eq!(parse_decimal("0"), Some(0));
        assert_eq!(parse_decimal("109482"), Some(109_482));
        assert_eq!(parse_decimal("01"), None);
        assert_eq!(parse_decimal("+1"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(parse_decimal("18446744073709551616"), None);
        assert_eq!(parse_decimal("18446744073709551615"), Some(u64::MAX));
    }

    #[test]
    fn base64_is_strict() {
        assert_eq!(b64_decode("AA=="), Some(vec![0]));
        assert_eq!(b64_decode("AA"), None);
        assert_eq!(b64_decode("AB=="), None, "non-zero trailing bits");
        assert!(b64_hash("AA==").is_none());
        assert_eq!(b64url_decode("_-8"), Some(vec![0xff, 0xef]));
    }

    #[test]
    fn hex_and_base32_round_trip() {
        assert_eq!(hex_encode(&[0xc7, 0x4f]), "c74f");
        assert_eq!(hex_decode("C74f"), Some(vec![0xc7, 0x4f]));
        assert_eq!(hex_decode("c7g4"), None);
        assert_eq!(
            b32_decode(&b32_encode(b"hallmark")),
            Some(b"hallmark".to_vec())
        );
    }
}
