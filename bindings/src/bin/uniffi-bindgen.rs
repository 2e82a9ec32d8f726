//! The workspace's own `uniffi-bindgen`, pinned to the same uniffi version as the
//! scaffolding in `touchmark-ffi`. Used by `cargo xtask bindings`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
