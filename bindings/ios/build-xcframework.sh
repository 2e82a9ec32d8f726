#!/usr/bin/env bash
# Builds TouchmarkFFI.xcframework (device + simulator static libraries with the C
# header and a module.modulemap) and lays out the Swift package in this folder:
# Package.swift (a binary target plus the generated Swift) → product `Touchmark`.
#
# Needs macOS with Xcode 15+ and rustup. Not run in CI (no Xcode there); the Swift
# it packages is the drift-checked bindings/swift/generated, which CI compiles
# and tests on Linux.
#
# Output: bindings/ios/build/TouchmarkFFI.xcframework (+ .zip and its SwiftPM
# checksum, for a remote binaryTarget), bindings/ios/Sources/Touchmark/Touchmark.swift
#
# Environment:
#   TOUCHMARK_FFI_FEATURES  cargo feature flags (default: default features, with
#                           the built-in HTTP client; "--no-default-features"
#                           for apps that always pass their own HttpTransport)
#                           add "--features libwebp" to decode WebP with C
#                           libwebp (3.2x faster than the pure-Rust decoder)
#   IPHONEOS_DEPLOYMENT_TARGET  (default 15.0)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$here/build"
features="${TOUCHMARK_FFI_FEATURES:-}"
export IPHONEOS_DEPLOYMENT_TARGET="${IPHONEOS_DEPLOYMENT_TARGET:-15.0}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"

command -v xcodebuild >/dev/null || { echo "xcodebuild missing: run on macOS with Xcode" >&2; exit 1; }

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
rustup target add "${targets[@]}"

# The committed Swift must match the library being packaged.
(cd "$root" && cargo xtask bindings --check)

for target in "${targets[@]}"; do
    # shellcheck disable=SC2086 # $features is a list of flags
    (cd "$root" && cargo build -p touchmark-ffi --lib --profile release-ffi --target "$target" $features)
done

rm -rf "$build"
mkdir -p "$build/headers" "$build/ios" "$build/ios-simulator"
cp "$root/bindings/swift/generated/TouchmarkFFI.h" "$build/headers/"
# An XCFramework's headers need the module map under the name module.modulemap.
cp "$root/bindings/swift/generated/TouchmarkFFI.modulemap" "$build/headers/module.modulemap"

cp "$target_dir/aarch64-apple-ios/release-ffi/libtouchmark_ffi.a" "$build/ios/"
lipo -create \
    "$target_dir/aarch64-apple-ios-sim/release-ffi/libtouchmark_ffi.a" \
    "$target_dir/x86_64-apple-ios/release-ffi/libtouchmark_ffi.a" \
    -output "$build/ios-simulator/libtouchmark_ffi.a"

xcodebuild -create-xcframework \
    -library "$build/ios/libtouchmark_ffi.a" -headers "$build/headers" \
    -library "$build/ios-simulator/libtouchmark_ffi.a" -headers "$build/headers" \
    -output "$build/TouchmarkFFI.xcframework"

# The Swift target of the package: the generated bindings.
cp "$root/bindings/swift/generated/Touchmark.swift" "$here/Sources/Touchmark/Touchmark.swift"

# For a remote binaryTarget(url:checksum:): the zip and its checksum.
(cd "$build" && rm -f TouchmarkFFI.xcframework.zip && zip -qry TouchmarkFFI.xcframework.zip TouchmarkFFI.xcframework)
(cd "$here" && swift package compute-checksum "$build/TouchmarkFFI.xcframework.zip" > "$build/TouchmarkFFI.xcframework.zip.checksum")
echo "$build/TouchmarkFFI.xcframework"
echo "checksum: $(cat "$build/TouchmarkFFI.xcframework.zip.checksum")"
