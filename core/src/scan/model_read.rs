//! Reading a located code through blur of a module or more, the scanner's
//! last resort for small codes: its pixels are modelled (`pixel_model`)
//! under each point-spread function of a small family (`blur`), ranked by
//! how well the code's known modules alone explain the pixels around them;
//! the best is fitted in full, read softly (`soft_decode`), and the blocks
//! that decode are fed back as known modules until every block decodes or
//! nothing more does; then the runner-up after ranking again against every
//! module the first fit decided.
//!
//! Measured on the synthetic hallmark set (scan-bench/RESULTS.md, session
//! 7): codes blurred by ¾ of a module (Gaussian σ) or streaked over three
//! and a half modules read here and nowhere else in the scanner.

use super::blur::{candidates, Psf};
use super::hallmark_prior::LARGEST_HALLMARK;
use super::homography::{dist, ModuleMap, Pt};
use super::pixel_model::{Observations, Region, RING};
use super::plane::Plane;
use super::soft_decode::{Attempt, SoftDecoder};

/// Point-spread functions ranked again after the first fit.
const RERANKED: usize = 8;
/// Alternations of light and darkness in the first fit, and after each
/// round of decoded blocks.
const FIRST_ROUNDS: usize = 4;
const FEEDBACK_ROUNDS: usize = 2;
/// Rounds of decoding and refitting at most.
const MAX_FEEDBACK: usize = 4;
/// Ranking uses every this-many-th pixel along each axis.
const RANK_STRIDE: usize = 2;
/// Fewer pixels than this seeing only known modules rank nothing.
const MIN_RANK_PIXELS: usize = 40;

/// A placement made ready to read: its pixels, what is known of its cells
/// and the point-spread functions ranked, best first.
#[derive(Debug)]
pub struct Prepared {
    region: Region,
    decoder: SoftDecoder,
    known: Vec<Option<f32>>,
    ranked: Vec<(f64, Psf)>,
    size: usize,
    /// Pixels per module.
    module: f64,
    /// True once the whole family is ranked.
    complete: bool,
    inverted: bool,
    /// How code-like the placement is: the known modules' residual under the
    /// best function over their fitted contrast (lower is better; a code's
    /// own is its noise over its contrast, well under ½).
    pub score: f64,
}

/// The largest [`Prepared::score`] worth reading: codes score their noise
/// over their contrast (0.05–0.2 for the blurred hallmarks of the
/// benchmark), chance triples in metal or paper texture 0.4 and up (a real
/// code's finders taken at a wrong size can score like a code: the decoder
/// then refuses it).
pub const MAX_SCORE: f64 = 0.3;

/// The corners of a code of `size` modules placed by `h`.
pub fn corners_of(h: &impl ModuleMap, size: usize) -> [Pt; 4] {
    let s = size as f64;
    [[0.0, 0.0], [s, 0.0], [s, s], [0.0, s]].map(|p| h.map(p))
}

/// Point-spread functions ranked by how well the known cells explain the
/// pixels seeing only them: (residual, contrast, function), best first.
fn rank(region: &Region, known: &[Option<f32>], psfs: Vec<Psf>) -> Vec<(f64, f64, Psf)> {
    let mut ranked: Vec<(f64, f64, Psf)> = psfs
        .into_iter()
        .filter_map(|psf| {
            let seen = region.observe(&psf, RANK_STRIDE, Some(known));
            (seen.len() >= MIN_RANK_PIXELS).then(|| {
                let (rms, contrast) = seen.known_fit(known);
                (rms, contrast, psf)
            })
        })
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
    ranked
}

/// Models the code of `size` modules placed by `map` in `plane`
/// (`inverted`: light modules); None when it cannot be modelled (off the
/// plane, too large, too small).
pub fn prepare(
    plane: &Plane,
    inverted: bool,
    map: &impl ModuleMap,
    size: usize,
) -> Option<Prepared> {
    let mut prepared = prepare_coarse(plane, inverted, map, size)?;
    if prepared.score <= MAX_SCORE {
        prepared.complete();
    }
    Some(prepared)
}

/// [`prepare`] with only the coarse family ranked: enough for
/// [`Prepared::score`]; [`Prepared::complete`] ranks the rest.
pub fn prepare_coarse(
    plane: &Plane,
    inverted: bool,
    map: &impl ModuleMap,
    size: usize,
) -> Option<Prepared> {
    let region = Region::new(plane, inverted, map, size)?;
    let mut decoder = SoftDecoder::new(size)?;
    if size <= LARGEST_HALLMARK {
        decoder = decoder.for_hallmark();
    }
    let known = cell_knowledge(&decoder, region.side());
    let module = dist(map.map([0.0, 0.0]), map.map([size as f64, 0.0]))
        .max(dist(map.map([0.0, 0.0]), map.map([0.0, size as f64])))
        / size as f64;
    let ranked = rank(&region, &known, candidates(module, true));
    let &(rms, contrast, _) = ranked.first()?;
    let score = if contrast > 1.0 {
        rms / contrast
    } else {
        f64::INFINITY
    };
    Some(Prepared {
        region,
        decoder,
        known,
        ranked: ranked.into_iter().map(|(rms, _, psf)| (rms, psf)).collect(),
        size,
        module,
        complete: false,
        inverted,
        score,
    })
}

/// A first reading of a placement under its best point-spread function
/// (see [`Prepared::survey`]).
#[derive(Debug)]
pub struct Survey {
    /// The payload, when it read.
    pub bytes: Option<Vec<u8>>,
    /// How far the fit's format modules (both copies) are from the nearest
    /// valid format: soft misses, 0 to 30. A placement with the code's
    /// modules where it says reads its format to a few misses; a wrong
    /// size, place or turn reads chance bits, 9 to 13 from the nearest.
    pub format_misses: f32,
    /// Every cell as the first fit decided it.
    decided: Vec<Option<f32>>,
}

impl Prepared {
    /// Ranks the rest of the family and the best one's neighbours (the grid
    /// is coarse) for a code worth reading; once.
    pub fn complete(&mut self) {
        if self.complete {
            return;
        }
        self.complete = true;
        let mut ranked = rank(&self.region, &self.known, candidates(self.module, false));
        ranked.extend(self.ranked.drain(..).map(|(rms, psf)| (rms, 0.0, psf)));
        ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
        if let Some(best) = ranked.first().map(|r| r.2.clone()) {
            ranked.extend(rank(&self.region, &self.known, best.neighbours()));
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        self.ranked = ranked.into_iter().map(|(rms, _, psf)| (rms, psf)).collect();
    }

    /// Puts `psf` first: it was fitted with the placement (see `align`).
    pub fn prefer(&mut self, psf: Psf) {
        self.ranked.retain(|(_, p)| *p != psf);
        self.ranked.insert(0, (0.0, psf));
    }

    /// True when modelled as light modules on a dark ground.
    pub fn inverted(&self) -> bool {
        self.inverted
    }

    /// Pixels per module, at the placement's pyramid level.
    pub fn module(&self) -> f64 {
        self.module
    }

    /// The best-ranked point-spread function.
    pub fn best_psf(&self) -> Option<&Psf> {
        self.ranked.first().map(|r| &r.1)
    }

    /// Reads the code: the payload bytes, or None.
    pub fn read(&self) -> Option<Vec<u8>> {
        let survey = self.survey();
        match survey.bytes {
            Some(bytes) => Some(bytes),
            None => self.read_runner_up(&survey),
        }
    }

    /// Reads the code under the best-ranked function only, and judges the
    /// placement by how near that fit's format modules are to a format.
    pub fn survey(&self) -> Survey {
        let failed = Survey {
            bytes: None,
            format_misses: f32::INFINITY,
            decided: Vec::new(),
        };
        let Some((_, first)) = self.ranked.first() else {
            return failed;
        };
        let mut seen = self.region.observe(first, 1, None);
        seen.set_flexible_light(true);
        let Some(fit) = seen.fit(&self.known, None, FIRST_ROUNDS) else {
            return failed;
        };
        let decided: Vec<Option<f32>> = fit
            .iter()
            .map(|&d| Some(f32::from(u8::from(d > 0.5))))
            .collect();
        let (side, size) = (self.region.side(), self.size);
        let code: Vec<f32> = (0..size * size)
            .map(|i| {
                let cell = (i / size + RING) * side + i % size + RING;
                fit.get(cell).copied().unwrap_or(0.5)
            })
            .collect();
        let (format_misses, _) = self.decoder.format_distance(&code);
        Survey {
            bytes: read_with(&seen, Some(fit), self.decoder.clone(), side, size),
            format_misses,
            decided,
        }
    }

    /// Reads the code under the function, other than the first, that best
    /// explains the pixels with every cell as the `survey`'s fit decided it
    /// (a fairer test of the other functions than the known cells alone:
    /// far more pixels see only decided cells, though the decisions lean
    /// towards the first).
    pub fn read_runner_up(&self, survey: &Survey) -> Option<Vec<u8>> {
        let decided = &survey.decided;
        if decided.is_empty() {
            return None;
        }
        let (side, size) = (self.region.side(), self.size);
        let (_, first) = self.ranked.first()?;
        let mut reranked: Vec<(f64, &Psf)> = self
            .ranked
            .iter()
            .take(RERANKED)
            .map(|(_, psf)| {
                (
                    self.region
                        .observe(psf, RANK_STRIDE, None)
                        .known_fit(decided)
                        .0,
                    psf,
                )
            })
            .collect();
        reranked.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (_, second) = reranked.into_iter().find(|(_, p)| *p != first)?;
        let mut seen = self.region.observe(second, 1, None);
        seen.set_flexible_light(true);
        read_with(&seen, None, self.decoder.clone(), side, size)
    }
}

/// Decodes and feeds decoded blocks back under one point-spread function's
/// observations, from its `first` fit (or a fresh one).
fn read_with(
    seen: &Observations,
    first: Option<Vec<f32>>,
    mut decoder: SoftDecoder,
    side: usize,
    size: usize,
) -> Option<Vec<u8>> {
    let mut known = cell_knowledge(&decoder, side);
    let mut fit = match first {
        Some(fit) => fit,
        None => seen.fit(&known, None, FIRST_ROUNDS)?,
    };
    for _ in 0..MAX_FEEDBACK {
        let code: Vec<f32> = (0..size * size)
            .map(|i| {
                let cell = (i / size + RING) * side + i % size + RING;
                fit.get(cell).copied().unwrap_or(0.5)
            })
            .collect();
        match decoder.attempt(&code) {
            Attempt::Decoded(bytes) => return Some(bytes),
            Attempt::Stuck => return None,
            Attempt::Progress => {
                known = cell_knowledge(&decoder, side);
                fit = seen.fit(&known, Some(&fit), FEEDBACK_ROUNDS)?;
            }
        }
    }
    None
}

/// What is known of each cell of the code and its ring: the ring light (0),
/// the code's modules as far as `decoder` knows them (1 dark, 0 light).
pub fn cell_knowledge(decoder: &SoftDecoder, side: usize) -> Vec<Option<f32>> {
    let size = decoder.layout().size();
    let modules = decoder.known();
    (0..side * side)
        .map(|cell| {
            let (r, c) = (cell / side, cell % side);
            let inside = (RING..RING + size).contains(&r) && (RING..RING + size).contains(&c);
            if !inside {
                return Some(0.0);
            }
            let i = (r - RING) * size + (c - RING);
            modules
                .get(i)
                .copied()
                .flatten()
                .map(|d| f32::from(u8::from(d)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::test_render::{render, render_hallmark, HALLMARK as TEXT};

    #[test]
    fn reads_a_code_blurred_past_thresholding() {
        // Defocused by σ = 0.6 module at 3 px per module: a lone dark module
        // is lighter than the threshold, a lone light one darker.
        let (size, _, image) = render_hallmark(3, 6, &Psf::gaussian(1.8), 60.0);
        let sampled = crate::scan::resample::resample(&image.plane, false, &image.map, size)
            .and_then(|g| crate::scan::grid_decode::decode_bits(size, |y, x| g.bit(y, x)));
        assert_eq!(
            sampled, None,
            "thresholding must fail for this test to mean anything"
        );
        let prepared = prepare(&image.plane, false, &image.map, size).unwrap();
        assert!(prepared.score <= MAX_SCORE, "score {}", prepared.score);
        assert_eq!(prepared.read().as_deref(), Some(TEXT.as_bytes()));
    }

    #[test]
    fn texture_scores_unlike_a_code() {
        // Modules drawn at random where the finders should be: no code.
        let size = 33;
        let image = render(
            &|r, c| (r * 31 + c * 17 + r * c * 7) % 3 == 0,
            size,
            3,
            6,
            &Psf::gaussian(1.0),
            0.0,
        );
        let prepared = prepare(&image.plane, false, &image.map, size).unwrap();
        assert!(prepared.score > MAX_SCORE, "score {}", prepared.score);
    }
}
