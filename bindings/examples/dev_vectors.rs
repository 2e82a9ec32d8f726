//! Writes the FFI crate's small development fixtures (manifest format of
//! `test-vectors/`) into a directory: `cargo run -p touchmark-ffi --example
//! dev_vectors -- DIR`. Used to develop and smoke-test the Kotlin and Swift
//! suites; the conformance suite itself is `test-vectors/`.

#[path = "../tests/support/mod.rs"]
mod support;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: dev_vectors DIR");
        std::process::exit(2);
    };
    support::build(std::path::Path::new(&dir));
    println!("{dir}/manifest.json");
}
