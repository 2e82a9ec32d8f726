//! Turning decoded payload bytes into a [`ScannedCode`].

use super::{CodeKind, ScannedCode};

/// Builds a scanned code from its payload bytes: UTF-8 when valid, otherwise
/// ISO-8859-1 (the QR default).
pub fn code_from_bytes(bytes: Vec<u8>, corners: [[f32; 2]; 4]) -> ScannedCode {
    let text = match String::from_utf8(bytes.clone()) {
        Ok(text) => text,
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    };
    let kind = CodeKind::of_text(&text);
    ScannedCode {
        text,
        bytes,
        corners,
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_fallback() {
        let code = code_from_bytes(vec![0x41, 0xE9], [[0.0; 2]; 4]);
        assert_eq!(code.text, "A\u{e9}");
        assert_eq!(code.kind, CodeKind::Other);
    }
}
