#!/usr/bin/env python3
"""Side-by-side scanner benchmark: Touchmark, plain rqrr and zxing-cpp on the same
images, one thread each, in one run.

Usage: scan-bench/compare.py [--no-rqrr] [--features F] -- <scan-bench set args>
e.g.   scan-bench/compare.py -- --blackbox zxing=/work/shared/qr/zxing \
           --blackbox zxing-cpp=/work/shared/qr/zxing-cpp \
           --synthetic synth=target/synth/manifest.json

`--features libwebp` builds Touchmark with libwebp decoding lossy WebP (C, off
by default); use a separate CARGO_TARGET_DIR so the default build is kept.

Installs the `zxing-cpp` wheel with pip when it is missing. Prints per set the
decode rate (correct texts / codes present) and median / p90 time per image
(file decode included), plus Touchmark / zxing-cpp ratios, and then the decode
rate per robustness condition of the synthetic images (inverted, low contrast,
uneven light, glare, blur, curvature, small, noise, JPEG). Raw rows go to
$BENCH_OUT (default scan-bench-rows.jsonl in the current folder).
"""
import io, json, os, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def ensure_zxing():
    try:
        import zxingcpp  # noqa: F401
        import PIL  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "zxing-cpp", "pillow"])
    import zxingcpp
    return zxingcpp


def bench_binary(features):
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    extra = ["--features", features] if features else []
    subprocess.check_call(["cargo", "build", "-q", "--release", "-j2", "-p", "scan-bench", *extra], cwd=ROOT)
    return os.path.join(target, "release", "scan-bench")


def score(case, texts):
    if not case["expected"]:
        return min(len(set(texts)), case["codes"])
    return sum(1 for want in case["expected"] if want in texts)


def run_zxing(cases):
    zxingcpp = ensure_zxing()
    from PIL import Image
    rows = []
    for case in cases:
        data = open(case["file"], "rb").read()
        start = time.perf_counter()
        img = Image.open(io.BytesIO(data))
        img = img.convert("L")
        found = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
        ms = (time.perf_counter() - start) * 1000
        texts = [r.text for r in found]
        rows.append(dict(set=case["set"], file=case["file"], engine="zxing-cpp", ms=ms,
                         codes=case["codes"], correct=score(case, texts), texts=texts))
    return rows


def pct(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, int(round(q * (len(values) - 1)))))
    return values[k]


def main():
    argv = sys.argv[1:]
    with_rqrr = "--no-rqrr" not in argv
    sep = argv.index("--") if "--" in argv else len(argv)
    set_args = argv[sep + 1:]
    features = argv[argv.index("--features") + 1] if "--features" in argv[:sep] else ""
    os.environ.setdefault("RAYON_NUM_THREADS", "1")
    binary = bench_binary(features)
    if features:
        print(f"touchmark built with --features {features}")
    listed = subprocess.run([binary, "list", *set_args], check=True, capture_output=True, text=True)
    cases = [json.loads(l) for l in listed.stdout.splitlines() if l.strip()]
    rows = []
    engines = ["touchmark"] + (["rqrr"] if with_rqrr else [])
    for engine in engines:
        out = subprocess.run([binary, "run", "--engine", engine, *set_args], check=True,
                             capture_output=True, text=True)
        rows += [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    rows += run_zxing(cases)
    with open(os.environ.get("BENCH_OUT", "scan-bench-rows.jsonl"), "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    sets = []
    for c in cases:
        if c["set"] not in sets:
            sets.append(c["set"])
    engines.append("zxing-cpp")
    print(f"{'set':<22}{'engine':<11}{'images':>7}{'codes':>7}{'read':>6}{'rate':>8}{'median ms':>11}{'p90 ms':>9}")
    for s in sets + ["ALL"]:
        stats = {}
        for e in engines:
            rs = [r for r in rows if r["engine"] == e and (s == "ALL" or r["set"] == s)]
            codes = sum(r["codes"] for r in rs)
            read = sum(r["correct"] for r in rs)
            ms = [r["ms"] for r in rs]
            stats[e] = (read / codes if codes else float("nan"), pct(ms, 0.5), pct(ms, 0.9))
            # A set without codes (`gen --groups empty`) has no rate: only time.
            rate = f"{100*stats[e][0]:>7.1f}%" if codes else f"{'-':>8}"
            print(f"{s:<22}{e:<11}{len(rs):>7}{codes:>7}{read:>6}{rate}{stats[e][1]:>11.2f}{stats[e][2]:>9.2f}")
        t, z = stats["touchmark"], stats["zxing-cpp"]
        ratio = lambda a, b: a / b if b else float("nan")
        print(f"{s:<22}{'tm/zxing':<11}{'':>7}{'':>7}{'':>6}{ratio(t[0], z[0]):>8.2f}{ratio(t[1], z[1]):>11.2f}{ratio(t[2], z[2]):>9.2f}")
    by_condition(cases, rows, engines)


def number(tag, prefix):
    """The number in a condition tag such as `contrast-38` or `jpeg-61`."""
    try:
        return float(tag[len(prefix):].rstrip("px"))
    except ValueError:
        return None


# The robustness conditions of the synthetic sets, each a test on one image's
# condition tags (written by `scan-bench gen`, see src/generate.rs). Every
# synthetic image is also turned and seen in perspective.
CONDITIONS = [
    ("inverted (light-on-dark)", lambda t: "inverted" in t),
    ("low contrast (< 40)", lambda t: any(c.startswith("contrast-") and number(c, "contrast-") < 40 for c in t)),
    ("uneven light", lambda t: any(c.startswith("uneven-light-") for c in t)),
    ("glare", lambda t: any(c.startswith("glare-") for c in t)),
    ("Gaussian blur", lambda t: any(c.startswith("blur-") for c in t)),
    ("motion blur", lambda t: any(c.startswith("motion-blur-") for c in t)),
    ("curved surface", lambda t: any(c.startswith("curved-") for c in t)),
    ("small (side < 120 px)", lambda t: any(c.startswith(("cert-side-", "hallmark-side-"))
                                            and number(c, c[:c.index("side-") + 5]) < 120 for c in t)),
    ("noise (sigma >= 6)", lambda t: any(c.startswith("noise-") and number(c, "noise-") >= 6 for c in t)),
    ("JPEG quality <= 60", lambda t: any(c.startswith("jpeg-") and number(c, "jpeg-") <= 60 for c in t)),
    ("metal ground", lambda t: "metal" in t),
]


def by_condition(cases, rows, engines):
    """Decode rate per robustness condition over the synthetic images."""
    tags = {(c["set"], c["file"]): c.get("conditions", []) for c in cases}
    if not any(tags.values()):
        return
    print()
    print(f"{'condition (synthetic)':<28}{'images':>7}" + "".join(f"{e:>12}" for e in engines))
    for name, test in CONDITIONS:
        chosen = {k for k, t in tags.items() if t and test(t)}
        if not chosen:
            continue
        cells = []
        for e in engines:
            rs = [r for r in rows if r["engine"] == e and (r["set"], r["file"]) in chosen]
            codes = sum(r["codes"] for r in rs)
            read = sum(r["correct"] for r in rs)
            cells.append(f"{100 * read / codes:>11.1f}%" if codes else f"{'-':>12}")
        print(f"{name:<28}{len(chosen):>7}" + "".join(cells))


if __name__ == "__main__":
    main()
