//! The certificate's QR text: the prefix `TM1:/` followed by the SMART Health Cards
//! numeric mapping of the compact JWS (each base64url character `c` becomes the two
//! decimal digits of `ord(c) - 45`), so the body encodes in QR numeric mode.

/// The scheme prefix of a certificate code.
pub const CERTIFICATE_PREFIX: &str = "TM1:/";

/// Why certificate QR text could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QrTextError {
    /// The text does not start with [`CERTIFICATE_PREFIX`].
    #[error("not a Touchmark certificate code")]
    Prefix,
    /// An odd number of digits, a non-digit, or a pair above 77.
    #[error("certificate code digits are malformed")]
    Digits,
}

/// Encodes a compact JWS as certificate QR text.
pub fn encode(jws: &str) -> String {
    let mut out = String::with_capacity(CERTIFICATE_PREFIX.len() + jws.len() * 2);
    out.push_str(CERTIFICATE_PREFIX);
    for byte in jws.bytes() {
        let value = byte.saturating_sub(45);
        out.push(char::from(b'0' + value / 10));
        out.push(char::from(b'0' + value % 10));
    }
    out
}

/// Decodes certificate QR text back into the compact JWS.
pub fn decode(text: &str) -> Result<String, QrTextError> {
    let digits = text
        .strip_prefix(CERTIFICATE_PREFIX)
        .ok_or(QrTextError::Prefix)?;
    let bytes = digits.as_bytes();
    if bytes.len() % 2 != 0 || !bytes.iter().all(u8::is_ascii_digit) {
        return Err(QrTextError::Digits);
    }
    bytes
        .chunks_exact(2)
        .map(|pair| {
            let &[tens, ones] = pair else {
                return Err(QrTextError::Digits);
            };
            let value = (tens - b'0') * 10 + (ones - b'0');
            if value > 77 {
                return Err(QrTextError::Digits);
            }
            Ok(char::from(value + 45))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_base64url_character() {
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
        assert_eq!(decode(&encode(alphabet)).unwrap(), alphabet);
        assert_eq!(encode("-"), "TM1:/00");
        assert_eq!(encode("z"), "TM1:/77");
    }

    #[test]
    fn rejects_bad_digits() {
        assert_eq!(decode("TM1:/7"), Err(QrTextError::Digits));
        assert_eq!(decode("TM1:/78"), Err(QrTextError::Digits));
        assert_eq!(decode("TM1:/a0"), Err(QrTextError::Digits));
        assert_eq!(decode("shc:/00"), Err(QrTextError::Prefix));
    }
}
