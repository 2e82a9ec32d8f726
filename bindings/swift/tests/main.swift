// The Swift test suite of the Touchmark bindings: runs every case of
// test-vectors/manifest.json through the generated Swift API and compares
// verdict, reason codes and dimension states with the manifest, then checks the
// rest of the API (image end to end, misuse errors, injectable clock, online
// refresh through a host HttpTransport with async/await).
//
// Compiled together with the generated Touchmark.swift into one executable.
// Usage: runner <vectors dir> <fixtures dir>
// The last line is "N passed, M failed"; the exit status is 1 when anything failed.

import Foundation

struct Failure: Error, CustomStringConvertible {
    let description: String
}

var passed = 0
var failed = 0

func check(_ name: String, _ body: () throws -> Void) {
    do {
        try body()
        passed += 1
        print("ok   \(name)")
    } catch {
        failed += 1
        print("FAIL \(name): \(error)")
    }
}

func checkAsync(_ name: String, _ body: () async throws -> Void) async {
    do {
        try await body()
        passed += 1
        print("ok   \(name)")
    } catch {
        failed += 1
        print("FAIL \(name): \(error)")
    }
}

func expectEqual<T: Equatable>(_ what: String, _ expected: T, _ actual: T) throws {
    if expected != actual {
        throw Failure(description: "\(what): expected \(expected), got \(actual)")
    }
}

func expectThrows(_ what: String, _ matches: (TouchmarkError) -> Bool, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as TouchmarkError {
        if matches(error) { return }
        throw Failure(description: "\(what): unexpected error \(error)")
    }
    throw Failure(description: "\(what): nothing thrown")
}

func expectThrowsAsync(_ what: String, _ matches: (TouchmarkError) -> Bool, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as TouchmarkError {
        if matches(error) { return }
        throw Failure(description: "\(what): unexpected error \(error)")
    }
    throw Failure(description: "\(what): nothing thrown")
}

// ---------------------------------------------------------------- the manifest

struct Expect: Decodable {
    let verdict: String
    let reasons: [String]
    let dimensions: [String: String]
}

struct InputSpec: Decodable {
    let kind: String
    let file: String
    let width: UInt32?
    let height: UInt32?
    let stride: UInt32?
}

struct Case: Decodable {
    let name: String
    let trust: String?
    let min_trust_version: UInt64
    let inputs: [InputSpec]
    let expect: Expect
}

struct ManifestFile: Decodable {
    let format: String
    let root_vkeys: [String]
    let now: UInt64
    let cases: [Case]
}

/// A clock fixed at the manifest's "now": the injectable TimeSource.
final class FixedTime: TimeSource {
    let now: UInt64
    init(_ now: UInt64) { self.now = now }
    func nowUnixSeconds() -> UInt64 { now }
}

struct Manifest {
    let dir: URL
    let file: ManifestFile

    init(_ path: String) throws {
        dir = URL(fileURLWithPath: path)
        file = try JSONDecoder().decode(ManifestFile.self, from: Data(contentsOf: dir.appendingPathComponent("manifest.json")))
    }

    func read(_ name: String) throws -> Data {
        try Data(contentsOf: dir.appendingPathComponent(name))
    }

    func verifier(_ c: Case) throws -> Verifier {
        let v = try Verifier(rootVkeys: file.root_vkeys, timeSource: FixedTime(file.now))
        if let trust = c.trust {
            _ = try v.loadTrustBundle(bundle: read(trust), minVersion: c.min_trust_version)
        }
        return v
    }

    func input(_ spec: InputSpec) throws -> VerifyInput {
        let bytes = try read(spec.file)
        switch spec.kind {
        case "text": return .text(text: String(decoding: bytes, as: UTF8.self))
        case "image": return .image(bytes: bytes)
        case "frame":
            guard let w = spec.width, let h = spec.height, let s = spec.stride else {
                throw Failure(description: "frame without width/height/stride")
            }
            return .frame(frame: LumaFrame(data: bytes, width: w, height: h, stride: s))
        default: throw Failure(description: "unknown input kind \(spec.kind)")
        }
    }
}

func expectVerdict(_ e: Expect, _ v: Verdict) throws {
    try expectEqual("verdict", e.verdict, v.overall.code())
    try expectEqual("reasons", e.reasons, v.reasons.map { $0.code() })
    let d = v.dimensions
    try expectEqual("signature", e.dimensions["signature"], d.signature.state.code())
    try expectEqual("ledger", e.dimensions["ledger"], d.ledger.state.code())
    try expectEqual("witnesses", e.dimensions["witnesses"], d.witnesses.state.code())
    try expectEqual("status", e.dimensions["status"], d.status.state.code())
    try expectEqual("item_match", e.dimensions["item_match"], d.itemMatch.state.code())
    if v.certificate == nil && d.signature.state == .verified {
        throw Failure(description: "signature verified but no certificate summary")
    }
}

func runVectors(_ m: Manifest) -> Int {
    for c in m.file.cases {
        check("vector \(c.name)") {
            let v = try m.verifier(c)
            try expectVerdict(c.expect, v.verify(inputs: c.inputs.map(m.input)))
        }
    }
    return m.file.cases.count
}

/// An image verified end to end: scanned alone, then verified through the texts
/// scanned from it and through verifyImage, agreeing with the vector.
func imageEndToEnd(_ m: Manifest) {
    let withImage = m.file.cases.filter { $0.inputs.contains { $0.kind == "image" } }
    let c = withImage.first { $0.trust != nil && $0.expect.verdict == "authentic" } ?? withImage.first
    check("image end to end (\(c?.name ?? "none"))") {
        guard let c = c else { throw Failure(description: "no vector with an image input") }
        let authentic = c.expect.verdict == "authentic"
        let image = try m.read(c.inputs.first { $0.kind == "image" }!.file)
        let scanned = try scanImage(image: image)
        if authentic && !scanned.codes.contains(where: { $0.kind != .other }) {
            throw Failure(description: "no Touchmark code scanned: \(String(describing: scanned.problem))")
        }
        let v = try m.verifier(c)
        var viaText: [VerifyInput] = []
        for spec in c.inputs {
            if spec.kind == "image" {
                viaText += try scanImage(image: m.read(spec.file)).codes.map { .text(text: $0.text) }
            } else {
                viaText.append(try m.input(spec))
            }
        }
        try expectVerdict(c.expect, v.verify(inputs: viaText))
        if c.inputs.count == 1 { try expectVerdict(c.expect, v.verifyImage(image: image)) }
        let alone = try v.verifyImage(image: image)
        if authentic && alone.certificate == nil {
            throw Failure(description: "verifyImage found no certificate")
        }
    }
}

/// A camera stream's scanner reads the vector's camera frame within one cycle
/// of frames, the same codes as a full scan of the frame; a bad frame throws;
/// a blank frame held through the deep look is "no code found"; a scanner
/// without it reads too.
func frameStream(_ m: Manifest) {
    let spec = m.file.cases.flatMap { $0.inputs }.first { $0.kind == "frame" }
    check("frame stream (\(spec?.file ?? "none"))") {
        guard let spec = spec else { throw Failure(description: "no vector with a frame input") }
        guard case .frame(let frame) = try m.input(spec) else {
            throw Failure(description: "not a frame")
        }
        let full = try scanFrame(frame: frame).codes.map { $0.text }.sorted()
        if full.isEmpty { throw Failure(description: "a full scan of the frame read nothing: the test means nothing") }
        let scanner = FrameScanner()
        let cycle = Int(scanner.framesPerCycle())
        if cycle < 2 { throw Failure(description: "a cycle of \(cycle) frames") }
        var read: [String]? = nil
        for _ in 0..<cycle {
            let texts = try scanner.scan(frame: frame).codes.map { $0.text }.sorted()
            if !texts.isEmpty { read = texts; break }
        }
        try expectEqual("texts", full, read ?? [])
        try expectThrows("frame", { if case .InvalidArgument = $0 { return true }; return false }) {
            _ = try scanner.scan(frame: LumaFrame(data: Data(count: 10), width: 100, height: 100, stride: 100))
        }
        // Held on a frame with nothing in it through the deep look: no code, no throw.
        let deepAfter = Int(scanner.framesBeforeDeepLook())
        if deepAfter < cycle { throw Failure(description: "deep look after \(deepAfter) frames") }
        let blank = LumaFrame(data: Data(repeating: 120, count: 64 * 48), width: 64, height: 48, stride: 64)
        for k in 0...deepAfter {
            try expectEqual("blank frame \(k + 1)", CaptureProblem.noCodeFound, try scanner.scan(frame: blank).problem)
        }
        let without = FrameScanner.withoutDeepLook()
        try expectEqual("frames before the deep look", UInt32(0), without.framesBeforeDeepLook())
        try expectEqual("texts without the deep look", full, try without.scan(frame: frame).codes.map { $0.text }.sorted())
    }
}

final class FakeTransport: HttpTransport, @unchecked Sendable {
    let status: UInt16
    let body: Data
    var urls: [String] = []
    init(status: UInt16, body: Data) {
        self.status = status
        self.body = body
    }
    func get(url: String) async throws -> HttpResponse {
        urls.append(url)
        return HttpResponse(status: status, body: body)
    }
}

final class OfflineTransport: HttpTransport {
    func get(url: String) async throws -> HttpResponse {
        throw TouchmarkError.Network(detail: "offline")
    }
}

func apiTests(_ f: Manifest) async {
    let roots = f.file.root_vkeys
    let now = f.file.now
    guard let trust = try? f.read("trust.note"),
          let cert = try? String(decoding: f.read("cert.txt"), as: UTF8.self),
          let hallmark = try? String(decoding: f.read("hallmark.txt"), as: UTF8.self),
          let proof = try? String(decoding: f.read("proof.tlog"), as: UTF8.self),
          let checkpoint = try? f.read("checkpoint") else {
        failed += 1
        print("FAIL fixtures: cannot read the fixture files")
        return
    }

    check("misuse: no root keys") {
        try expectThrows("empty roots", { if case .InvalidArgument = $0 { return true }; return false }) {
            _ = try Verifier(rootVkeys: [])
        }
        try expectThrows("bad root", { if case .InvalidArgument = $0 { return true }; return false }) {
            _ = try Verifier(rootVkeys: ["nope"])
        }
    }
    check("trust bundle lifecycle and rollback protection") {
        let v = try Verifier(rootVkeys: roots, timeSource: FixedTime(now))
        try expectEqual("status", TrustStatus.missing, v.trustStatus())
        try expectEqual("missing", ["trust_bundle_missing"], v.verifyText(text: cert).reasons.map { $0.code() })
        guard case let .refused(reason, _) = try v.loadTrustBundle(bundle: Data("garbage".utf8), minVersion: 0) else {
            throw Failure(description: "garbage accepted")
        }
        try expectEqual("refused", ReasonCode.trustBundleInvalid, reason)
        guard case let .accepted(bundle) = try v.loadTrustBundle(bundle: trust, minVersion: 0) else {
            throw Failure(description: "bundle refused")
        }
        try expectEqual("issuer", ["Aurora Jewels"], bundle.issuers.map { $0.name })
        guard case let .refused(rollback, _) = try v.loadTrustBundle(bundle: trust, minVersion: bundle.version + 1) else {
            throw Failure(description: "rollback accepted")
        }
        try expectEqual("rollback", ReasonCode.trustBundleRollback, rollback)
        try expectEqual("still loaded", TrustStatus.loaded(bundle: bundle), v.trustStatus())
    }
    check("texts scanned one by one verify together, with the certificate summary") {
        let v = try Verifier(rootVkeys: roots, timeSource: FixedTime(now))
        _ = try v.loadTrustBundle(bundle: trust, minVersion: 0)
        let verdict = try v.verify(inputs: [.text(text: cert), .text(text: hallmark), .text(text: proof)])
        try expectEqual("overall", Overall.authentic, verdict.overall)
        try expectEqual("serial", "AUR-0001", verdict.certificate?.claims.serial)
        try expectEqual("effects", [ReasonEffect.note], verdict.reasons.map { $0.effect() })
    }
    check("injectable clock: the bundle expires") {
        let v = try Verifier(rootVkeys: roots, timeSource: FixedTime(now + 10_000_000))
        guard case let .refused(reason, _) = try v.loadTrustBundle(bundle: trust, minVersion: 0) else {
            throw Failure(description: "expired bundle accepted")
        }
        try expectEqual("reason", ReasonCode.trustBundleExpired, reason)
    }
    check("misuse: bad frame and undecodable image throw") {
        let v = try Verifier(rootVkeys: roots, timeSource: FixedTime(now))
        _ = try v.loadTrustBundle(bundle: trust, minVersion: 0)
        try expectThrows("frame", { if case .InvalidArgument = $0 { return true }; return false }) {
            _ = try v.verifyFrame(frame: LumaFrame(data: Data(count: 10), width: 100, height: 100, stride: 100))
        }
        try expectThrows("image", { if case .InvalidImage = $0 { return true }; return false }) {
            _ = try v.verifyImage(image: Data("not an image".utf8))
        }
    }
    await checkAsync("verification runs concurrently off the main thread") {
        let v = try Verifier(rootVkeys: roots, timeSource: FixedTime(now))
        _ = try v.loadTrustBundle(bundle: trust, minVersion: 0)
        let results = try await withThrowingTaskGroup(of: Overall.self) { group in
            for _ in 0..<4 {
                group.addTask { try v.verifyText(text: cert + "\n" + hallmark + "\n").overall }
            }
            var all: [Overall] = []
            for try await r in group { all.append(r) }
            return all
        }
        try expectEqual("results", Array(repeating: Overall.inconclusive, count: 4), results)
    }
    await checkAsync("online refresh through a host HttpTransport (async)") {
        let transport = FakeTransport(status: 200, body: checkpoint)
        let v = try Verifier(rootVkeys: roots, timeSource: FixedTime(now))
        try await expectThrowsAsync("no bundle", { if case .NoTrustBundle = $0 { return true }; return false }) {
            _ = try await v.refreshLedgers(transport: transport)
        }
        _ = try v.loadTrustBundle(bundle: trust, minVersion: 0)
        let fetched = try await v.refreshLedgers(transport: transport)
        try expectEqual("urls", ["https://ledger.touchmark.example/aurora/checkpoint"], transport.urls)
        try expectEqual("size", [UInt64(1)], fetched.map { $0.size })
        try expectEqual("quorum", [true], fetched.map { $0.quorumMet })
        try expectEqual("cached", fetched, v.ledgerCheckpoints())
        try await expectThrowsAsync("503", { if case .Network = $0 { return true }; return false }) {
            _ = try await v.refreshLedgers(transport: FakeTransport(status: 503, body: Data()))
        }
        try await expectThrowsAsync("forged", { if case .InvalidResponse = $0 { return true }; return false }) {
            _ = try await v.refreshLedgers(transport: FakeTransport(status: 200, body: Data("forged\n".utf8)))
        }
        try await expectThrowsAsync("thrown", { if case .Network = $0 { return true }; return false }) {
            _ = try await v.refreshLedgers(transport: OfflineTransport())
        }
    }
    check("reason codes have stable strings") {
        try expectEqual("code", "signature_invalid", ReasonCode.signatureInvalid.code())
        try expectEqual("effect", ReasonEffect.notAuthentic, ReasonCode.signatureInvalid.effect())
        try expectEqual("version", false, touchmarkVersion().isEmpty)
    }
}

let args = CommandLine.arguments
guard args.count == 3 else {
    print("usage: runner <vectors dir> <fixtures dir>")
    exit(2)
}
do {
    let vectors = try Manifest(args[1])
    let fixtures = try Manifest(args[2])
    let ran = runVectors(vectors)
    print("swift vectors: \(ran) cases run, \(ran - failed) passed")
    imageEndToEnd(vectors)
    frameStream(vectors)
    await apiTests(fixtures)
} catch {
    failed += 1
    print("FAIL manifest: \(error)")
}
print("\(passed) passed, \(failed) failed")
exit(failed == 0 && passed > 0 ? 0 : 1)
