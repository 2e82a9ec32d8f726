//! Ignored tests that print what the detector sees, for developing it:
//! `TM_DEBUG_IMAGE=x.png cargo test -p touchmark --lib debug_image -- --ignored --nocapture`
//! (`TM_DEBUG_GRID=1` prints sampled grids, `TM_DEBUG_BITMAP=prefix` writes the
//! bitmaps, `TM_DEBUG_SMOOTH=k` / `TM_DEBUG_WINDOW_DIV=d` / `TM_DEBUG_MID=block:reach:smooth`
//! pick the binarization, `TM_DEBUG_TRIPLES=n` / `TM_DEBUG_FINDERS=n` print more triples / finders, and
//! `TM_DEBUG_TRUTH=text` counts wrong modules against the code of that text,
//! `TM_DEBUG_MAP=1` maps them), `TM_SURVEY=list.txt … survey` for one line per image, and
//! `TM_DEBUG_CORNERS="x,y x,y x,y x,y" TM_DEBUG_TRUTH=text … debug_oracle` to read a grid
//! placed at a synthetic code's true corners (the manifest's `corners`).

mod detail {
    use crate::scan::finder::find_finders;
    use crate::scan::grid::{sample, sizes, triples};

    /// As many finder candidates as the detector considers.
    const MAX_CANDIDATES: usize = 60;
    use crate::scan::binarize::{binarize, Threshold};
    use crate::scan::plane::Plane;

    /// Prints what the detector sees in `TM_DEBUG_IMAGE`; run with --ignored --nocapture.
    #[test]
    #[ignore]
    fn debug_image() {
        let Some(path) = std::env::var_os("TM_DEBUG_IMAGE") else {
            return;
        };
        let bytes = std::fs::read(path).unwrap();
        let luma =
            crate::scan::decode_to_luma(&bytes, &crate::scan::ScanLimits::default()).unwrap();
        let (w, h) = luma.dimensions();
        let plane = Plane {
            data: luma.into_raw(),
            width: w as usize,
            height: h as usize,
        };
        let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<usize>().ok());
        for inverted in [false, true] {
            let mut threshold = Threshold::for_size(plane.width, plane.height, 4, inverted);
            threshold.smooth = env("TM_DEBUG_SMOOTH").unwrap_or(0);
            if let Some(div) = env("TM_DEBUG_WINDOW_DIV") {
                threshold.radius = (plane.width.min(plane.height) / div).clamp(4, 64);
            }
            let mid: Vec<usize> = std::env::var("TM_DEBUG_MID")
                .ok()
                .map(|v| v.split(':').filter_map(|x| x.parse().ok()).collect())
                .unwrap_or_default();
            let bitmap = if let [block, reach, smooth] = mid[..] {
                crate::scan::midrange::binarize_midrange(
                    &plane,
                    crate::scan::midrange::Midrange {
                        block,
                        reach,
                        min_contrast: 12,
                        smooth,
                        inverted,
                    },
                )
            } else {
                binarize(&plane, threshold)
            };
            if let Some(out) = std::env::var_os("TM_DEBUG_BITMAP") {
                let img = image::GrayImage::from_fn(w, h, |x, y| {
                    image::Luma([if bitmap.get(x as usize, y as usize) {
                        0
                    } else {
                        255
                    }])
                });
                img.save(format!("{}-{inverted}.png", out.to_string_lossy()))
                    .unwrap();
            }
            let finders = find_finders(&bitmap, false);
            println!("{w}x{h} inverted={inverted} finders={}", finders.len());
            let shown = env("TM_DEBUG_FINDERS").unwrap_or(8);
            for f in finders.iter().take(shown) {
                println!("  {f:?}");
            }
            // `TM_DEBUG_LOST=1`: triples completed from two finders instead.
            let shown_triples: Vec<_> = if std::env::var_os("TM_DEBUG_LOST").is_some() {
                let used = vec![false; finders.len()];
                crate::scan::lost_finder::inferred_triples(
                    &bitmap,
                    &finders,
                    &used,
                    usize::MAX,
                    crate::scan::lost_finder::Guessing::Sharp,
                )
                .into_iter()
                .map(|(t, s)| (t, Some(s)))
                .collect()
            } else {
                triples(&finders, MAX_CANDIDATES, usize::MAX)
                    .into_iter()
                    .map(|t| (t, None))
                    .collect()
            };
            // `TM_DEBUG_NEAR=x,y`: only triples with a finder near that pixel.
            let near: Vec<f64> = std::env::var("TM_DEBUG_NEAR")
                .ok()
                .map(|v| v.split(',').filter_map(|x| x.parse().ok()).collect())
                .unwrap_or_default();
            let shown_triples: Vec<_> = shown_triples
                .into_iter()
                .filter(|(t, _)| match near[..] {
                    [x, y] => t.centres.iter().any(|c| (c[0] - x).hypot(c[1] - y) < 12.0),
                    _ => true,
                })
                .collect();
            for (t, given_sizes) in shown_triples.iter().take(
                std::env::var("TM_DEBUG_TRIPLES")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(3),
            ) {
                let sizes = given_sizes.clone().unwrap_or_else(|| sizes(&bitmap, t));
                println!("  triple {t:?} sizes {sizes:?}");
                for size in sizes {
                    if let (Ok(truth), Some(h)) = (
                        std::env::var("TM_DEBUG_TRUTH"),
                        crate::scan::grid::placement(&bitmap, t, size),
                    ) {
                        // Hallmarks: the strongest level that fits version 4.
                        let levels: &[qrcode::EcLevel] = if truth.starts_with("TMH") {
                            &[qrcode::EcLevel::H, qrcode::EcLevel::Q, qrcode::EcLevel::M]
                        } else {
                            &[qrcode::EcLevel::M]
                        };
                        let code = levels
                            .iter()
                            .filter_map(|&l| {
                                qrcode::QrCode::with_error_correction_level(truth.as_bytes(), l)
                                    .ok()
                            })
                            .find(|c| levels.len() == 1 || c.width() <= 33)
                            .unwrap();
                        let want: Vec<bool> = code
                            .to_colors()
                            .into_iter()
                            .map(|c| c == qrcode::Color::Dark)
                            .collect();
                        let count = |g: &crate::scan::grid::SampledGrid| {
                            (0..want.len()).filter(|&i| g.bit_at(i) != want[i]).count()
                        };
                        {
                            use crate::scan::homography::ModuleMap;
                            let s = size as f64;
                            println!(
                                "    placement BR alignment at {:?}",
                                ModuleMap::map(&h, [s - 6.5, s - 6.5])
                            );
                        }
                        let b = crate::scan::grid::sample_bitmap(&bitmap, &h, size);
                        let r = crate::scan::resample::resample(&plane, inverted, &h, size);
                        if let (Some(r), true) = (&r, std::env::var_os("TM_DEBUG_MAP").is_some()) {
                            let n = code.width();
                            for y in 0..n {
                                let line: String = (0..n)
                                    .map(|x| {
                                        if r.bit_at(y * n + x) != want[y * n + x] {
                                            'X'
                                        } else {
                                            '.'
                                        }
                                    })
                                    .collect();
                                println!("      {line}");
                            }
                        }
                        // Wrong modules after each equalization round, as
                        // placed and (second list) with refined anchors.
                        let equalized_wrong = |map: &crate::scan::homography::Homography| {
                            let mut wrong = Vec::new();
                            let _ = crate::scan::equalize::read_equalized(
                                &plane,
                                inverted,
                                map,
                                size,
                                |g| -> Option<()> {
                                    wrong.push(count(&g));
                                    None
                                },
                            );
                            wrong
                        };
                        let (from, to) = crate::scan::grid::anchors(&bitmap, t, size);
                        let refined = crate::scan::refine::refine(&plane, from, to, size);
                        println!(
                            "    equalized wrong {:?}, refined {:?}",
                            equalized_wrong(&h),
                            refined.as_ref().map(equalized_wrong)
                        );
                        println!(
                            "    truth {}: bitmap wrong {:?}, resample wrong {:?}",
                            code.width(),
                            b.as_ref().map(count),
                            r.as_ref().map(count)
                        );
                    }
                    if let Some(grid) = sample(&bitmap, t, size) {
                        let r = rqrr::Grid::new(grid.clone()).decode_to(Vec::new());
                        println!("    size {size} corners {:?} -> {r:?}", grid.corners);
                        if std::env::var_os("TM_DEBUG_GRID").is_some() {
                            for y in 0..size {
                                let line: String = (0..size)
                                    .map(|x| if grid.bit(y, x) { '#' } else { '.' })
                                    .collect();
                                println!("      {line}");
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `TM_DEBUG_CORNERS="x,y x,y x,y x,y"` (a code's true outer corners, as the
/// synthetic manifest gives them) with `TM_DEBUG_IMAGE` and `TM_DEBUG_TRUTH`:
/// how many modules a perfectly placed grid still gets wrong, which tells a
/// detection miss from an unreadable code.
mod oracle {
    use crate::scan::homography::Homography;
    use crate::scan::plane::Plane;

    /// A flat placement with the synthetic generator's bulge: columns shift
    /// sideways by `curve` modules at mid-height, none at the quiet zone's
    /// edges.
    struct Bulged {
        flat: Homography,
        curve: f64,
        size: usize,
    }

    impl crate::scan::homography::ModuleMap for Bulged {
        fn map(&self, p: [f64; 2]) -> [f64; 2] {
            let total = self.size as f64 + 8.0;
            let v = p[1] + 4.0;
            let bulge = self.curve * (1.0 - (2.0 * v / total - 1.0).powi(2));
            self.flat.map([p[0] - bulge, p[1]])
        }
    }

    /// Points written "x,y x,y …".
    fn points(text: &str) -> Vec<[f64; 2]> {
        text.split_whitespace()
            .map(|p| {
                let v: Vec<f64> = p.split(',').map(|x| x.parse().unwrap()).collect();
                [v[0], v[1]]
            })
            .collect()
    }

    /// Prints wrong modules of the true placement; run with --ignored --nocapture.
    #[test]
    #[ignore]
    fn debug_oracle() {
        let (Some(path), Ok(corners), Ok(truth)) = (
            std::env::var_os("TM_DEBUG_IMAGE"),
            std::env::var("TM_DEBUG_CORNERS"),
            std::env::var("TM_DEBUG_TRUTH"),
        ) else {
            return;
        };
        let bytes = std::fs::read(path).unwrap();
        let luma =
            crate::scan::decode_to_luma(&bytes, &crate::scan::ScanLimits::default()).unwrap();
        let (w, h) = luma.dimensions();
        let plane = Plane {
            data: luma.into_raw(),
            width: w as usize,
            height: h as usize,
        };
        let pts = points(&corners);
        let levels = [qrcode::EcLevel::H, qrcode::EcLevel::Q, qrcode::EcLevel::M];
        let code = levels
            .iter()
            .filter_map(|&l| qrcode::QrCode::with_error_correction_level(truth.as_bytes(), l).ok())
            .find(|c| !truth.starts_with("TMH") || c.width() <= 33)
            .unwrap();
        let n = code.width();
        let want: Vec<bool> = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        // `TM_DEBUG_BITS=0101…`: a grid read elsewhere (a probe), decoded.
        if let Ok(bits) = std::env::var("TM_DEBUG_BITS") {
            let bits: Vec<bool> = bits.bytes().map(|b| b == b'1').collect();
            let read = crate::scan::grid_decode::decode_bits(n, |y, x| bits[y * n + x]);
            println!("bits decode {}", read.is_some());
        }
        if std::env::var_os("TM_DEBUG_DUMP").is_some() {
            let bits: String = want.iter().map(|&d| if d { '1' } else { '0' }).collect();
            println!("truth {n} {bits}");
        }
        let s = n as f64;
        let map = Homography::between(
            [[0.0, 0.0], [s, 0.0], [s, s], [0.0, s]],
            [pts[0], pts[1], pts[2], pts[3]],
        )
        .unwrap();
        // `TM_DEBUG_CURVE=c`: the generator's cylinder bulge of c modules.
        let curve: f64 = std::env::var("TM_DEBUG_CURVE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0);
        let map = Bulged {
            flat: map,
            curve,
            size: n,
        };
        for inverted in [false, true] {
            if let Ok(start) = std::env::var("TM_DEBUG_NUDGE_FROM") {
                let c = points(&start);
                let s = n as f64;
                let from = Homography::between(
                    [[0.0, 0.0], [s, 0.0], [s, s], [0.0, s]],
                    [c[0], c[1], c[2], c[3]],
                )
                .unwrap();
                let v: Vec<f64> = std::env::var("TM_DEBUG_PSF")
                    .unwrap()
                    .split(':')
                    .map(|x| x.parse().unwrap())
                    .collect();
                let psf = if v.len() == 1 {
                    crate::scan::blur::Psf::gaussian(v[0])
                } else {
                    crate::scan::blur::Psf::motion(v[0], v[1])
                };
                let bits: String = want.iter().map(|&d| if d { '1' } else { '0' }).collect();
                std::env::set_var("TM_DEBUG_TRUTH_BITS", bits);
                let t = std::time::Instant::now();
                let (got, fitted) =
                    crate::scan::align::align(&plane, inverted, &from, n, &psf).unwrap();
                println!("aligned psf {fitted:?}");
                let err: Vec<[f64; 2]> = crate::scan::model_read::corners_of(&got, n)
                    .iter()
                    .zip(crate::scan::model_read::corners_of(&map.flat, n))
                    .map(|(a, b)| {
                        [
                            ((a[0] - b[0]) * 100.0).round() / 100.0,
                            ((a[1] - b[1]) * 100.0).round() / 100.0,
                        ]
                    })
                    .collect();
                let read = crate::scan::model_read::prepare(&plane, inverted, &got, n)
                    .and_then(|p| p.read());
                println!(
                    "nudge inverted={inverted} error {err:?} in {:.0} ms, read {}",
                    t.elapsed().as_secs_f64() * 1e3,
                    read.is_some()
                );
            }
            if std::env::var_os("TM_DEBUG_MODEL").is_some() {
                let bits: String = want.iter().map(|&d| if d { '1' } else { '0' }).collect();
                std::env::set_var("TM_DEBUG_TRUTH_BITS", bits);
                let t = std::time::Instant::now();
                let read = crate::scan::model_read::prepare(&plane, inverted, &map, n)
                    .and_then(|p| p.read());
                println!(
                    "model inverted={inverted}: read {} in {:.1} ms",
                    read.as_deref() == Some(truth.as_bytes()),
                    t.elapsed().as_secs_f64() * 1e3
                );
            }
            let r = crate::scan::resample::resample(&plane, inverted, &map, n);
            println!(
                "  timing fit {:.2}",
                crate::scan::resample::timing_fit(&plane, inverted, &map, n)
            );
            let wrong = r
                .as_ref()
                .map(|g| (0..want.len()).filter(|&i| g.bit_at(i) != want[i]).count());
            let mut rounds = Vec::new();
            let mut last = None;
            let read = crate::scan::equalize::read_equalized(&plane, inverted, &map, n, |g| {
                rounds.push((0..want.len()).filter(|&i| g.bit_at(i) != want[i]).count());
                last = Some(
                    (0..want.len())
                        .map(|i| g.bit_at(i) != want[i])
                        .collect::<Vec<_>>(),
                );
                crate::scan::grid_decode::decode_bits(n, |y, x| g.bit(y, x))
            });
            println!(
                "size {n} inverted={inverted}: resample wrong {wrong:?} of {}, equalized rounds {rounds:?}, read {}",
                want.len(),
                read.is_some()
            );
            if let (Some(wrong), true) = (last, std::env::var_os("TM_DEBUG_MAP").is_some()) {
                for row in wrong.chunks(n) {
                    let line: String = row.iter().map(|&x| if x { 'X' } else { '.' }).collect();
                    println!("      {line}");
                }
            }
        }
    }
}

mod survey {
    use crate::scan::finder::find_finders;
    use crate::scan::grid::{sample, sizes, triples};

    const MAX_CANDIDATES: usize = 60;
    use crate::scan::binarize::{binarize, Threshold};
    use crate::scan::plane::Plane;

    /// One line per file in `TM_SURVEY` (a file listing paths): finders,
    /// triples, and the best decode error. Run with --ignored --nocapture.
    #[test]
    #[ignore]
    fn survey() {
        let Some(list) = std::env::var_os("TM_SURVEY") else {
            return;
        };
        let list = std::fs::read_to_string(list).unwrap();
        for path in list.lines() {
            let bytes = std::fs::read(path).unwrap();
            let luma =
                crate::scan::decode_to_luma(&bytes, &crate::scan::ScanLimits::default()).unwrap();
            let (w, h) = luma.dimensions();
            let mut plane = Plane {
                data: luma.into_raw(),
                width: w as usize,
                height: h as usize,
            };
            while plane.width.max(plane.height) > 1024 {
                plane = plane.half();
            }
            let bitmap = binarize(
                &plane,
                Threshold::for_size(plane.width, plane.height, 4, false),
            );
            let finders = find_finders(&bitmap, false);
            let ts = triples(&finders, MAX_CANDIDATES, usize::MAX);
            let mut errs = Vec::new();
            for t in ts.iter().take(3) {
                for size in sizes(&bitmap, t) {
                    if let Some(grid) = sample(&bitmap, t, size) {
                        let r = rqrr::Grid::new(grid).decode_to(Vec::new());
                        errs.push(format!("{size}:{:?}", r.map(|_| ()).err()));
                    }
                }
            }
            println!(
                "{path} {}x{} finders={} triples={} {}",
                plane.width,
                plane.height,
                finders.len(),
                ts.len(),
                errs.join(" ")
            );
        }
    }
}

/// rqrr's decoder reports why a grid fails (format, ECC, data), which the
/// tools print.
impl rqrr::BitGrid for super::grid::SampledGrid {
    fn size(&self) -> usize {
        super::grid::SampledGrid::size(self)
    }

    fn bit(&self, y: usize, x: usize) -> bool {
        super::grid::SampledGrid::bit(self, y, x)
    }
}
