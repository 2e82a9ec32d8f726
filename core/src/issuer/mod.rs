//! Issuer toolkit.
