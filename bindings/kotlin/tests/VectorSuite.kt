// The Kotlin test suite of the Touchmark bindings: runs every case of
// test-vectors/manifest.json through the generated Kotlin API on the JVM and
// compares verdict, reason codes and dimension states with the manifest, then
// checks the rest of the API (image end to end, misuse errors, injectable clock,
// online refresh through a host HttpTransport).
//
// Usage: VectorSuiteKt <vectors dir> <fixtures dir>
// The last line is "N passed, M failed"; the exit status is 1 when anything failed.

package org.touchmark.tests

import java.io.File
import kotlin.system.exitProcess
import kotlinx.coroutines.runBlocking
import org.touchmark.*

// ---------------------------------------------------------------- a tiny JSON reader

private class Json(private val s: String) {
    private var i = 0

    fun parse(): Any? {
        val v = value()
        ws()
        require(i == s.length) { "trailing data at $i" }
        return v
    }

    private fun ws() { while (i < s.length && s[i].isWhitespace()) i++ }

    private fun value(): Any? {
        ws()
        return when (val c = s[i]) {
            '{' -> obj()
            '[' -> arr()
            '"' -> str()
            't' -> { expect("true"); true }
            'f' -> { expect("false"); false }
            'n' -> { expect("null"); null }
            else -> if (c == '-' || c.isDigit()) num() else error("unexpected '$c' at $i")
        }
    }

    private fun expect(word: String) {
        require(s.startsWith(word, i)) { "expected $word at $i" }
        i += word.length
    }

    private fun obj(): Map<String, Any?> {
        val m = LinkedHashMap<String, Any?>()
        i++; ws()
        if (s[i] == '}') { i++; return m }
        while (true) {
            ws(); val k = str(); ws(); expect(":")
            m[k] = value(); ws()
            if (s[i] == ',') { i++; continue }
            expect("}"); return m
        }
    }

    private fun arr(): List<Any?> {
        val l = ArrayList<Any?>()
        i++; ws()
        if (s[i] == ']') { i++; return l }
        while (true) {
            l.add(value()); ws()
            if (s[i] == ',') { i++; continue }
            expect("]"); return l
        }
    }

    private fun str(): String {
        expect("\"")
        val b = StringBuilder()
        while (true) {
            val c = s[i++]
            when (c) {
                '"' -> return b.toString()
                '\\' -> {
                    val e = s[i++]
                    when (e) {
                        'n' -> b.append('\n'); 't' -> b.append('\t'); 'r' -> b.append('\r')
                        'b' -> b.append('\b'); 'f' -> b.append('\u000c')
                        'u' -> { b.append(s.substring(i, i + 4).toInt(16).toChar()); i += 4 }
                        else -> b.append(e)
                    }
                }
                else -> b.append(c)
            }
        }
    }

    private fun num(): Any {
        val start = i
        while (i < s.length && (s[i].isDigit() || s[i] in "+-.eE")) i++
        val t = s.substring(start, i)
        return t.toLongOrNull() ?: t.toDouble()
    }
}

@Suppress("UNCHECKED_CAST")
private fun Any?.obj() = this as Map<String, Any?>
@Suppress("UNCHECKED_CAST")
private fun Any?.list() = this as List<Any?>
private fun Any?.long() = (this as Number).toLong()

// ---------------------------------------------------------------- the runner

private var passed = 0
private var failed = 0

private fun check(name: String, body: () -> Unit) {
    try {
        body()
        passed++
        println("ok   $name")
    } catch (e: Throwable) {
        failed++
        println("FAIL $name: ${e.message ?: e}")
    }
}

private fun assertEq(what: String, expected: Any?, actual: Any?) {
    if (expected != actual) throw AssertionError("$what: expected $expected, got $actual")
}

/** A clock fixed at the manifest's "now": the injectable TimeSource. */
private class FixedTime(private val now: ULong) : TimeSource {
    override fun nowUnixSeconds(): ULong = now
}

private class Manifest(val dir: File) {
    val json = Json(File(dir, "manifest.json").readText()).parse().obj()
    val roots = json["root_vkeys"].list().map { it as String }
    val now = json["now"].long().toULong()
    val cases = json["cases"].list().map { it.obj() }

    fun verifier(case: Map<String, Any?>): Verifier {
        val v = Verifier(roots, FixedTime(now))
        val trust = case["trust"] as String?
        if (trust != null) {
            v.loadTrustBundle(File(dir, trust).readBytes(), case["min_trust_version"].long().toULong())
        }
        return v
    }

    fun input(spec: Map<String, Any?>): VerifyInput {
        val bytes = File(dir, spec["file"] as String).readBytes()
        return when (spec["kind"]) {
            "text" -> VerifyInput.Text(String(bytes, Charsets.UTF_8))
            "image" -> VerifyInput.Image(bytes)
            "frame" -> VerifyInput.Frame(
                LumaFrame(
                    bytes,
                    spec["width"].long().toUInt(),
                    spec["height"].long().toUInt(),
                    spec["stride"].long().toUInt(),
                )
            )
            else -> error("unknown input kind ${spec["kind"]}")
        }
    }
}

private fun assertVerdict(expect: Map<String, Any?>, verdict: Verdict) {
    assertEq("verdict", expect["verdict"], verdict.overall.code())
    assertEq("reasons", expect["reasons"].list(), verdict.reasons.map { it.code() })
    val dims = expect["dimensions"].obj()
    val d = verdict.dimensions
    assertEq("signature", dims["signature"], d.signature.state.code())
    assertEq("ledger", dims["ledger"], d.ledger.state.code())
    assertEq("witnesses", dims["witnesses"], d.witnesses.state.code())
    assertEq("status", dims["status"], d.status.state.code())
    assertEq("item_match", dims["item_match"], d.itemMatch.state.code())
    if (verdict.certificate == null && d.signature.state == DimensionState.VERIFIED) {
        throw AssertionError("signature verified but no certificate summary")
    }
}

private fun runVectors(m: Manifest): Int {
    var ran = 0
    for (case in m.cases) {
        ran++
        check("vector ${case["name"]}") {
            m.verifier(case).use { v ->
                val inputs = case["inputs"].list().map { m.input(it.obj()) }
                assertVerdict(case["expect"].obj(), v.verify(inputs))
            }
        }
    }
    return ran
}

/** An image verified end to end: scanned alone, then verified through verifyImage
 *  and through the scanned texts, all agreeing with the vector's expectation. */
private fun imageEndToEnd(m: Manifest) {
    val case = m.cases.firstOrNull { c ->
        c["trust"] != null && c["inputs"].list().any { it.obj()["kind"] == "image" } &&
            c["expect"].obj()["verdict"] == "authentic"
    } ?: m.cases.firstOrNull { c -> c["inputs"].list().any { it.obj()["kind"] == "image" } }
    check("image end to end (${case?.get("name")})") {
        requireNotNull(case) { "no vector with an image input" }
        val specs = case["inputs"].list().map { it.obj() }
        val image = File(m.dir, specs.first { it["kind"] == "image" }["file"] as String).readBytes()
        val scanned = scanImage(image)
        if (scanned.codes.none { it.kind != CodeKind.OTHER } && case["expect"].obj()["verdict"] == "authentic") {
            throw AssertionError("no Touchmark code scanned in the image: ${scanned.problem}")
        }
        m.verifier(case).use { v ->
            // The same inputs, with each image replaced by the texts scanned from it.
            val viaText = specs.flatMap { spec ->
                if (spec["kind"] == "image") {
                    scanImage(File(m.dir, spec["file"] as String).readBytes()).codes.map { VerifyInput.Text(it.text) }
                } else listOf(m.input(spec))
            }
            assertVerdict(case["expect"].obj(), v.verify(viaText))
            if (specs.size == 1) assertVerdict(case["expect"].obj(), v.verifyImage(image))
            val alone = v.verifyImage(image)
            if (alone.certificate == null && case["expect"].obj()["verdict"] == "authentic") {
                throw AssertionError("verifyImage found no certificate")
            }
        }
    }
}

/** A camera stream's scanner reads the vector's camera frame within one cycle of
 *  frames, the same codes as a full scan of the frame; a bad frame throws; a blank
 *  frame held through the deep look is "no code found"; a scanner without it reads too. */
private fun frameStream(m: Manifest) {
    val spec = m.cases.flatMap { c -> c["inputs"].list().map { it.obj() } }.firstOrNull { it["kind"] == "frame" }
    check("frame stream (${spec?.get("file")})") {
        requireNotNull(spec) { "no vector with a frame input" }
        val frame = (m.input(spec) as VerifyInput.Frame).frame
        val full = scanFrame(frame).codes.map { it.text }.sorted()
        if (full.isEmpty()) throw AssertionError("a full scan of the frame read nothing: the test means nothing")
        FrameScanner().use { scanner ->
            val cycle = scanner.framesPerCycle().toInt()
            if (cycle < 2) throw AssertionError("a cycle of $cycle frames")
            val read = (1..cycle).asSequence()
                .map { scanner.scan(frame).codes.map { it.text }.sorted() }
                .firstOrNull { it.isNotEmpty() }
            assertEq("texts", full, read)
            assertThrows<TouchmarkException.InvalidArgument>("frame") {
                scanner.scan(LumaFrame(ByteArray(10), 100u, 100u, 100u))
            }
            // Held on a frame with nothing in it through the deep look: no code, no throw.
            val deepAfter = scanner.framesBeforeDeepLook().toInt()
            if (deepAfter < cycle) throw AssertionError("deep look after $deepAfter frames")
            val blank = LumaFrame(ByteArray(64 * 48) { 120.toByte() }, 64u, 48u, 64u)
            repeat(deepAfter + 1) {
                assertEq("blank frame ${it + 1}", CaptureProblem.NO_CODE_FOUND, scanner.scan(blank).problem)
            }
        }
        FrameScanner.withoutDeepLook().use { scanner ->
            assertEq("frames before the deep look", 0u, scanner.framesBeforeDeepLook())
            assertEq("texts without the deep look", full, scanner.scan(frame).codes.map { it.text }.sorted())
        }
    }
}

private inline fun <reified E : Throwable> assertThrows(what: String, body: () -> Unit) {
    try {
        body()
    } catch (e: Throwable) {
        if (e is E) return
        throw AssertionError("$what: expected ${E::class.simpleName}, got $e")
    }
    throw AssertionError("$what: expected ${E::class.simpleName}, nothing thrown")
}

private fun apiTests(f: Manifest) {
    val trust = File(f.dir, "trust.note").readBytes()
    val cert = File(f.dir, "cert.txt").readText()
    val hallmark = File(f.dir, "hallmark.txt").readText()
    val proof = File(f.dir, "proof.tlog").readText()

    check("misuse: no root keys") {
        assertThrows<TouchmarkException.InvalidArgument>("empty roots") { Verifier(emptyList()) }
        assertThrows<TouchmarkException.InvalidArgument>("bad root") { Verifier(listOf("nope")) }
    }
    check("trust bundle lifecycle and rollback protection") {
        Verifier(f.roots, FixedTime(f.now)).use { v ->
            assertEq("status", TrustStatus.Missing, v.trustStatus())
            assertEq("missing", listOf("trust_bundle_missing"), v.verifyText(cert).reasons.map { it.code() })
            val garbage = v.loadTrustBundle("garbage".toByteArray(), 0u)
            assertEq("refused", ReasonCode.TRUST_BUNDLE_INVALID, (garbage as TrustUpdate.Refused).reason)
            val ok = v.loadTrustBundle(trust, 0u) as TrustUpdate.Accepted
            assertEq("issuer", "Aurora Jewels", ok.bundle.issuers.single().name)
            val again = v.loadTrustBundle(trust, ok.bundle.version + 1u)
            assertEq("rollback", ReasonCode.TRUST_BUNDLE_ROLLBACK, (again as TrustUpdate.Refused).reason)
            // A refused update keeps the bundle in use.
            assertEq("still loaded", ok.bundle, (v.trustStatus() as TrustStatus.Loaded).bundle)
        }
    }
    check("texts scanned one by one verify together, with the certificate summary") {
        Verifier(f.roots, FixedTime(f.now)).use { v ->
            v.loadTrustBundle(trust, 0u)
            val verdict = v.verify(listOf(VerifyInput.Text(cert), VerifyInput.Text(hallmark), VerifyInput.Text(proof)))
            assertEq("overall", Overall.AUTHENTIC, verdict.overall)
            assertEq("serial", "AUR-0001", verdict.certificate?.claims?.serial)
            assertEq("effect", ReasonEffect.NOTE, verdict.reasons.single().effect())
        }
    }
    check("injectable clock: the bundle expires") {
        Verifier(f.roots, FixedTime(f.now + 10_000_000u)).use { v ->
            val expired = v.loadTrustBundle(trust, 0u) as TrustUpdate.Refused
            assertEq("reason", ReasonCode.TRUST_BUNDLE_EXPIRED, expired.reason)
        }
    }
    check("misuse: bad frame and undecodable image throw") {
        Verifier(f.roots, FixedTime(f.now)).use { v ->
            v.loadTrustBundle(trust, 0u)
            assertThrows<TouchmarkException.InvalidArgument>("frame") {
                v.verifyFrame(LumaFrame(ByteArray(10), 100u, 100u, 100u))
            }
            assertThrows<TouchmarkException.InvalidImage>("image") { v.verifyImage("not an image".toByteArray()) }
        }
    }
    check("verification is callable from many threads at once") {
        Verifier(f.roots, FixedTime(f.now)).use { v ->
            v.loadTrustBundle(trust, 0u)
            val results = java.util.concurrent.ConcurrentLinkedQueue<Overall>()
            val threads = (1..4).map { Thread { results.add(v.verifyText("$cert\n$hallmark\n").overall) } }
            threads.forEach { it.start() }; threads.forEach { it.join() }
            assertEq("results", List(4) { Overall.INCONCLUSIVE }, results.toList())
        }
    }
    check("online refresh through a host HttpTransport (suspend)") {
        val checkpoint = File(f.dir, "checkpoint").readBytes()
        val urls = mutableListOf<String>()
        val transport = object : HttpTransport {
            override suspend fun get(url: String): HttpResponse {
                urls.add(url)
                return HttpResponse(200.toUShort(), checkpoint)
            }
        }
        Verifier(f.roots, FixedTime(f.now)).use { v ->
            assertThrows<TouchmarkException.NoTrustBundle>("no bundle") { runBlocking { v.refreshLedgers(transport) } }
            v.loadTrustBundle(trust, 0u)
            val fetched = runBlocking { v.refreshLedgers(transport) }
            assertEq("urls", listOf("https://ledger.touchmark.example/aurora/checkpoint"), urls)
            assertEq("size", 1uL, fetched.single().size)
            assertEq("quorum", true, fetched.single().quorumMet)
            assertEq("cached", fetched, v.ledgerCheckpoints())
            val failing = object : HttpTransport {
                override suspend fun get(url: String) = HttpResponse(503.toUShort(), ByteArray(0))
            }
            assertThrows<TouchmarkException.Network>("503") { runBlocking { v.refreshLedgers(failing) } }
            val forged = object : HttpTransport {
                override suspend fun get(url: String) = HttpResponse(200.toUShort(), "forged\n".toByteArray())
            }
            assertThrows<TouchmarkException.InvalidResponse>("forged") { runBlocking { v.refreshLedgers(forged) } }
            val throwing = object : HttpTransport {
                override suspend fun get(url: String): HttpResponse = throw TouchmarkException.Network("offline")
            }
            assertThrows<TouchmarkException.Network>("thrown") { runBlocking { v.refreshLedgers(throwing) } }
        }
    }
    check("reason codes have stable strings") {
        assertEq("code", "signature_invalid", ReasonCode.SIGNATURE_INVALID.code())
        assertEq("effect", ReasonEffect.NOT_AUTHENTIC, ReasonCode.SIGNATURE_INVALID.effect())
        assertEq("version", true, touchmarkVersion().isNotEmpty())
    }
}

fun main(args: Array<String>) {
    require(args.size == 2) { "usage: VectorSuiteKt <vectors dir> <fixtures dir>" }
    val vectors = Manifest(File(args[0]))
    val fixtures = Manifest(File(args[1]))
    val ran = runVectors(vectors)
    val vectorFailures = failed
    println("kotlin vectors: $ran cases run, ${ran - vectorFailures} passed")
    imageEndToEnd(vectors)
    frameStream(vectors)
    apiTests(fixtures)
    println("$passed passed, $failed failed")
    exitProcess(if (failed == 0 && passed > 0) 0 else 1)
}
