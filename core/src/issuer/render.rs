//! Rendering codes to PNG and SVG with the `qrcode` crate, at error correction M.

use qrcode::{EcLevel, QrCode, Version};

/// The largest QR version a certificate code may need.
pub const MAX_CERTIFICATE_VERSION: i16 = 16;
/// The largest QR version a hallmark code may need.
pub const MAX_HALLMARK_VERSION: i16 = 4;

/// Why a code could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The text does not fit a QR code at level M.
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

/// Encodes `text` at level M, refusing codes larger than `max_version`.
pub fn encode(text: &str, max_version: i16) -> Result<QrCode, RenderError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| RenderError::Encode(e.to_string()))?;
    let needed = match code.version() {
        Version::Normal(v) | Version::Micro(v) => v,
    };
    if needed > max_version {
        return Err(RenderError::TooLarge {
            needed,
            allowed: max_version,
        });
    }
    Ok(code)
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
