// swift-tools-version:5.9
// The Touchmark Swift package: the generated Swift bindings (target `Touchmark`)
// over the Rust library shipped as an XCFramework (binary target `TouchmarkFFI`).
// Run ./build-xcframework.sh first; it fills build/ and Sources/Touchmark/.
//
// To publish, upload build/TouchmarkFFI.xcframework.zip and replace the binary
// target by .binaryTarget(name: "TouchmarkFFI", url: "<zip url>",
// checksum: "<build/TouchmarkFFI.xcframework.zip.checksum>").
import PackageDescription

let package = Package(
    name: "Touchmark",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Touchmark", targets: ["Touchmark"]),
    ],
    targets: [
        .binaryTarget(name: "TouchmarkFFI", path: "build/TouchmarkFFI.xcframework"),
        .target(
            name: "Touchmark",
            dependencies: ["TouchmarkFFI"],
            path: "Sources/Touchmark"
        ),
    ]
)
