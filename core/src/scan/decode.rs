//! Turning decoded payload bytes into a [`ScannedCode`].

use super::{CodeKind, ScannedCode};

/// The text when the bytes look like Shift_JIS (double-byte characters, or a
/// run of half-width katakana) and decode as Shift_JIS without error: the
/// charset of many Japanese codes, which do not say so with an ECI.
fn shift_jis_text(bytes: &[u8]) -> Option<String> {
    let has_lead = bytes
        .iter()
        .any(|&b| (0x81..=0x9F).contains(&b) || (0xE0..=0xEF).contains(&b));
    let katakana = |b: &u8| (0xA1..=0xDF).contains(b);
    let has_kana_run = bytes.windows(2).any(|w| w.iter().all(katakana));
    if !has_lead && !has_kana_run {
        return None;
    }
    encoding_rs::SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
}

/// Decodes payload bytes to text: UTF-8 when valid, then Shift_JIS when it
/// fits, otherwise ISO-8859-1 (the QR default).
pub fn text_of(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            shift_jis_text(bytes).unwrap_or_else(|| bytes.iter().map(|&b| char::from(b)).collect())
        }
    }
}

/// Builds a scanned code from its payload bytes (text per [`text_of`]).
pub fn code_from_bytes(bytes: Vec<u8>, corners: [[f32; 2]; 4]) -> ScannedCode {
    let text = text_of(&bytes);
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
    fn shift_jis_payload() {
        // "QRコード" in Shift_JIS.
        let bytes = [0x51, 0x52, 0x83, 0x52, 0x81, 0x5B, 0x83, 0x68];
        assert_eq!(text_of(&bytes), "QRコード");
        // Half-width "ﾃﾞｻﾞｲﾝ".
        let kana = [0xC3, 0xDE, 0xBB, 0xDE, 0xB2, 0xDD];
        assert_eq!(text_of(&kana), "ﾃﾞｻﾞｲﾝ");
    }

    #[test]
    fn latin1_fallback() {
        let code = code_from_bytes(vec![0x41, 0xE9], [[0.0; 2]; 4]);
        assert_eq!(code.text, "A\u{e9}");
        assert_eq!(code.kind, CodeKind::Other);
    }
}
