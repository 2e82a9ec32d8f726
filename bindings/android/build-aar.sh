#!/usr/bin/env bash
# Builds the Touchmark Android library (AAR): the four Android ABIs with
# cargo-ndk into jniLibs, the Android flavour of the generated Kotlin
# (bindings/android/generated, uniffi Android mode), JNA as an `@aar`
# dependency, consumer R8 keep rules, and 16 KB page-aligned shared objects.
#
# Needs: rustup, cargo-ndk (`cargo install cargo-ndk`), an Android NDK r27+
# ($ANDROID_NDK_HOME), an Android SDK ($ANDROID_HOME) with platform 35, and
# Gradle 8.9+ on PATH (or GRADLE=/path/to/gradle). Not run in CI (no SDK there);
# the Kotlin it packages is the drift-checked bindings/android/generated.
#
# Output: bindings/android/touchmark/build/outputs/aar/touchmark-release.aar
#
# Environment:
#   TOUCHMARK_FFI_FEATURES  cargo feature flags (default: the default features,
#                           i.e. with the built-in HTTP client; use
#                           "--no-default-features" for apps that always pass
#                           their own HttpTransport: about 0.9 MB smaller per ABI)
#                           add "--features libwebp" to decode WebP with C
#                           libwebp (3.2x faster than the pure-Rust decoder)
#   ANDROID_MIN_SDK         minimum API level for the native build (default 24)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
jni="$here/touchmark/src/main/jniLibs"
min_sdk="${ANDROID_MIN_SDK:-24}"
features="${TOUCHMARK_FFI_FEATURES:-}"
gradle="${GRADLE:-gradle}"

: "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to an Android NDK r27 or later}"
command -v cargo-ndk >/dev/null || { echo "cargo-ndk missing: cargo install cargo-ndk" >&2; exit 1; }

rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android i686-linux-android

# The committed Android Kotlin must match the library being packaged.
(cd "$root" && cargo xtask bindings --check)

rm -rf "$jni"
# 16 KB page size (required for Android 15+ devices with 16 KB pages): align the
# ELF LOAD segments to 16 KiB. NDK r28+ does this by default; r27 needs the flag.
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384"
# shellcheck disable=SC2086 # $features is a list of flags
(cd "$root" && cargo ndk \
    --platform "$min_sdk" \
    -t arm64-v8a -t armeabi-v7a -t x86_64 -t x86 \
    -o "$jni" \
    build -p touchmark-ffi --lib --profile release-ffi $features)

# Check the alignment of every shared object (p_align of each LOAD segment).
readelf="$(find "$ANDROID_NDK_HOME/toolchains/llvm/prebuilt" -name llvm-readelf -type f | head -n1)"
for so in "$jni"/*/libtouchmark_ffi.so; do
    if "$readelf" -lW "$so" | awk '$1 == "LOAD" && $NF != "0x4000" { bad = 1 } END { exit bad }'; then
        echo "16 KB aligned: $so ($(stat -c %s "$so") bytes)"
    else
        echo "not 16 KB aligned: $so" >&2
        exit 1
    fi
done

"$gradle" -p "$here" :touchmark:assembleRelease
echo "$here/touchmark/build/outputs/aar/touchmark-release.aar"
