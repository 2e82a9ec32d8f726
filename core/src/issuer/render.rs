//! Rendering codes to PNG and SVG with the `qrcode` crate: certificates at error
//! correction M, hallmarks at the strongest level that fits version 4.

use qrcode::{EcLevel, QrCode, Version};

/// The size budget and error-correction preference of one kind of code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeSpec {
    /// The largest QR version allowed.
    pub max_version: i16,
    /// Error-correction levels to try, strongest first; the first whose
    /// code fits `max_version` is used.
    pub levels: &'static [EcLevel],
}

/// Certificate codes: level M up to version 16 (a ~300-byte certificate, see
/// `test-vectors/FORMAT.md`).
pub const CERTIFICATE: CodeSpec = CodeSpec {
    max_version: 16,
    levels: &[EcLevel::M],
};

/// Hallmark codes: up to version 4, at level H (30 % of the codewords may be
/// lost: glare and scratches on polished metal) when the serial is short
/// enough (up to 18 characters), else Q (25 %, every valid serial fits), else M.
pub const HALLMARK: CodeSpec = CodeSpec {
    max_version: 4,
    levels: &[EcLevel::H, EcLevel::Q, EcLevel::M],
};

/// Why a code could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The text does not fit a QR code at all.
    #[error("text does not fit a QR code: {0}")]
    Encode(String),
    /// The code needs a larger version than allowed.
    #[error("code needs QR version {needed}, more than the allowed {allowed}")]
    TooLarge {
        /// The version the text needs.
        needed: i16,
        /// The limit.
        allowed: i16,
    },
    /// PNG encoding failed.
    #[error("PNG encoding failed: {0}")]
    Png(String),
}

/// Encodes `text` at the first of `spec`'s levels whose code fits its
/// version budget; the error names the version the weakest level needs.
pub fn encode(text: &str, spec: CodeSpec) -> Result<QrCode, RenderError> {
    let mut last = RenderError::Encode("no error-correction level given".into());
    for &level in spec.levels {
        let code = QrCode::with_error_correction_level(text.as_bytes(), level)
            .map_err(|e| RenderError::Encode(e.to_string()))?;
        let needed = match code.version() {
            Version::Normal(v) | Version::Micro(v) => v,
        };
        if needed <= spec.max_version {
            return Ok(code);
        }
        last = RenderError::TooLarge {
            needed,
            allowed: spec.max_version,
        };
    }
    Err(last)
}

/// Renders a code as a PNG with `module_px` pixels per module and a 4-module quiet zone.
pub fn to_png(code: &QrCode, module_px: u32) -> Result<Vec<u8>, RenderError> {
    let image = code
        .render::<image::Luma<u8>>()
        .module_dimensions(module_px, module_px)
        .quiet_zone(true)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| RenderError::Png(e.to_string()))?;
    Ok(out.into_inner())
}

/// Renders a code as SVG with `module_px` units per module.
pub fn to_svg(code: &QrCode, module_px: u32) -> String {
    code.render::<qrcode::render::svg::Color<'_>>()
        .module_dimensions(module_px, module_px)
        .quiet_zone(true)
        .build()
}

/// The QR version a code uses.
pub fn version_of(code: &QrCode) -> i16 {
    match code.version() {
        Version::Normal(v) | Version::Micro(v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(code: &QrCode) -> i16 {
        match code.version() {
            Version::Normal(v) | Version::Micro(v) => v,
        }
    }

    #[test]
    fn hallmarks_take_the_strongest_level_that_fits_version_4() {
        // A 13-character serial: level H fits version 4.
        let short = "TMH1:AUR-2026-0042:MFRGGZDFMZTWQ2LKNNWG23TPOA";
        let code = encode(short, HALLMARK).unwrap();
        assert_eq!(code.error_correction_level(), EcLevel::H);
        assert_eq!(version(&code), 4);
        // The longest valid serial (32 characters) still fits at Q.
        let long = format!("TMH1:{}:MFRGGZDFMZTWQ2LKNNWG23TPOA", "A".repeat(32));
        let code = encode(&long, HALLMARK).unwrap();
        assert_eq!(code.error_correction_level(), EcLevel::Q);
        assert!(version(&code) <= 4);
    }

    #[test]
    fn too_long_texts_name_the_version_they_need() {
        let text = "9".repeat(2000);
        match encode(&text, CERTIFICATE) {
            Err(RenderError::TooLarge { needed, allowed }) => {
                assert!(needed > 16);
                assert_eq!(allowed, 16);
            }
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("a 2000-digit text fitted version 16"),
        }
    }
}
