//! Decoding a grid from soft module values: each module's darkness in [0, 1]
//! rather than a hard dark/light call. A codeword is only as sure as its
//! least sure module, and Reed-Solomon corrects twice as many codewords
//! when it is told which ones are wrong (erasures) as when it has to find
//! them: each block is decoded with its least sure codewords erased, a few
//! more at a time, until it decodes with redundancy to spare.
//!
//! Blocks decode independently, so a code can be half read: the modules of
//! the blocks that did decode are then certain, and the caller (the pixel
//! model, `pixel_model`) can refit the rest with them known, which resolves
//! the blur they spread into their neighbours (decision feedback). Once
//! every block is decoded, the corrected grid goes to the ordinary grid
//! decoder for its segments.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::grid_decode::decode_bits;
use super::qr_layout::{interleaving, mask_bit, Block, Format, Layout};

/// Error correction codewords a block must have left unused after its
/// errors (two each) and erasures (one each): a decode that used all of
/// them could be a miscorrection (with 4 to spare, a random word decodes
/// by chance about once in 2³² tries).
const SPARE: usize = 4;
/// The most format bits (of 15 in a copy) that may disagree with the
/// format read: BCH(15,5) corrects 3.
const MAX_FORMAT_ERRORS: u32 = 3;

/// One block's state.
#[derive(Debug, Clone)]
struct BlockState {
    shape: Block,
    /// The corrected codewords (data then error correction), once decoded.
    corrected: Option<Vec<u8>>,
}

/// A grid being decoded from soft values over one or more attempts.
#[derive(Debug, Clone)]
pub struct SoftDecoder {
    layout: Layout,
    format: Option<Format>,
    blocks: Vec<BlockState>,
    /// Block and index within it of each codeword in placement order.
    order: Vec<(usize, usize)>,
}

/// What one attempt achieved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Every block decoded: the payload.
    Decoded(Vec<u8>),
    /// Some blocks newly decoded (their modules are now known), not all.
    Progress,
    /// Nothing new.
    Stuck,
}

impl SoftDecoder {
    /// A decoder for a `size`×`size` grid; None for a size no version has.
    pub fn new(size: usize) -> Option<Self> {
        Some(Self {
            layout: Layout::new(size)?,
            format: None,
            blocks: Vec::new(),
            order: Vec::new(),
        })
    }

    /// The layout decoded against.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Every module known for sure: function patterns, then (once read) the
    /// format information and the modules of decoded blocks.
    pub fn known(&self) -> Vec<Option<bool>> {
        let size = self.layout.size();
        let mut known: Vec<Option<bool>> =
            (0..size * size).map(|i| self.layout.pattern(i)).collect();
        let Some(format) = self.format else {
            return known;
        };
        let word = format.codeword();
        for copy in self.layout.format_modules() {
            for (k, &i) in copy.iter().enumerate() {
                if let Some(slot) = known.get_mut(i) {
                    *slot = Some(word & (1 << (14 - k)) != 0);
                }
            }
        }
        for (w, &(b, j)) in self.order.iter().enumerate() {
            let Some(Some(value)) = self
                .blocks
                .get(b)
                .map(|s| s.corrected.as_ref().and_then(|c| c.get(j)))
            else {
                continue;
            };
            for (bit, &i) in self.codeword_modules(w).iter().enumerate() {
                let set = value & (0x80 >> bit) != 0;
                if let Some(slot) = known.get_mut(i) {
                    *slot = Some(set ^ mask_bit(format.mask, i / size, i % size));
                }
            }
        }
        known
    }

    /// The module indices of codeword `w` (placement order), bit 7 first.
    fn codeword_modules(&self, w: usize) -> &[usize] {
        self.layout
            .data_modules()
            .get(w * 8..w * 8 + 8)
            .unwrap_or(&[])
    }

    /// The format the soft values `darkness` support best over both copies,
    /// with its soft misses summed over both (0 to 30) and the hard misses
    /// of the nearer copy.
    fn nearest_format(&self, darkness: &[f32]) -> Option<(Format, f32, u32)> {
        let copies = self.layout.format_modules();
        Format::all()
            .map(|f| {
                let word = f.codeword();
                let mut soft = 0.0f32;
                let mut best_hard = u32::MAX;
                for copy in &copies {
                    let mut hard = 0;
                    for (k, &i) in copy.iter().enumerate() {
                        let want = word & (1 << (14 - k)) != 0;
                        let d = darkness.get(i).copied().unwrap_or(0.5);
                        let miss = if want { 1.0 - d } else { d };
                        soft += miss;
                        hard += u32::from(miss >= 0.5);
                    }
                    best_hard = best_hard.min(hard);
                }
                (f, soft, best_hard)
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// How far the format modules of `darkness` are from the nearest valid
    /// format: the soft misses summed over both copies (0 to 30), and the
    /// hard misses of the nearer copy.
    pub fn format_distance(&self, darkness: &[f32]) -> (f32, u32) {
        self.nearest_format(darkness)
            .map_or((f32::INFINITY, u32::MAX), |(_, soft, hard)| (soft, hard))
    }

    /// Reads the format: the one of 32 whose bits the soft values support
    /// best over both copies, if one copy is within BCH's reach of it.
    fn read_format(&self, darkness: &[f32]) -> Option<Format> {
        let (format, _, hard) = self.nearest_format(darkness)?;
        (hard <= MAX_FORMAT_ERRORS).then_some(format)
    }

    /// Decodes every block not yet decoded from the soft values `darkness`
    /// (row-major, 1 = dark).
    pub fn attempt(&mut self, darkness: &[f32]) -> Attempt {
        if self.format.is_none() {
            let Some(format) = self.read_format(darkness) else {
                return Attempt::Stuck;
            };
            let Some(shapes) = self.layout.blocks(format.level) else {
                return Attempt::Stuck;
            };
            self.order = interleaving(&shapes);
            self.blocks = shapes
                .into_iter()
                .map(|shape| BlockState {
                    shape,
                    corrected: None,
                })
                .collect();
            self.format = Some(format);
        }
        let Some(format) = self.format else {
            return Attempt::Stuck;
        };
        let size = self.layout.size();
        // Received codewords and how sure each is, per block.
        let mut received: Vec<Vec<(u8, f32)>> = self
            .blocks
            .iter()
            .map(|b| vec![(0, 0.0); b.shape.total])
            .collect();
        for (w, &(b, j)) in self.order.iter().enumerate() {
            let mut value = 0u8;
            let mut sure = 1.0f32;
            for &i in self.codeword_modules(w) {
                let d = darkness.get(i).copied().unwrap_or(0.5);
                let bit = (d > 0.5) ^ mask_bit(format.mask, i / size, i % size);
                value = (value << 1) | u8::from(bit);
                sure = sure.min((d - 0.5).abs() * 2.0);
            }
            if let Some(slot) = received.get_mut(b).and_then(|r| r.get_mut(j)) {
                *slot = (value, sure);
            }
        }
        #[cfg(test)]
        if let Ok(truth) = std::env::var("TM_DEBUG_TRUTH_BITS") {
            self.print_against_truth(&truth, darkness, &received);
        }
        let mut progress = false;
        for (state, words) in self.blocks.iter_mut().zip(&received) {
            if state.corrected.is_none() {
                state.corrected = decode_block(words, state.shape.ec());
                progress |= state.corrected.is_some();
            }
        }
        if self.blocks.iter().all(|b| b.corrected.is_some()) {
            return match self.payload(darkness) {
                Some(bytes) => Attempt::Decoded(bytes),
                None => Attempt::Stuck,
            };
        }
        if progress {
            Attempt::Progress
        } else {
            Attempt::Stuck
        }
    }

    /// Prints, against the true modules `truth` ('0'/'1' row after row),
    /// the codewords `darkness` gets wrong per block and, per block, the
    /// sureness ranks (0 = least sure) of the wrong ones with the spare
    /// codewords the best erasure count would leave (`debug_oracle`).
    #[cfg(test)]
    fn print_against_truth(&self, truth: &str, darkness: &[f32], received: &[Vec<(u8, f32)>]) {
        let want: Vec<bool> = truth.bytes().map(|b| b == b'1').collect();
        let wrong = |w: usize| {
            self.codeword_modules(w).iter().any(|&i| {
                (darkness.get(i).copied().unwrap_or(0.5) > 0.5)
                    != want.get(i).copied().unwrap_or(false)
            })
        };
        let mut per_block = vec![0usize; self.blocks.len()];
        let mut wrong_at: Vec<Vec<bool>> = received.iter().map(|r| vec![false; r.len()]).collect();
        for (w, &(b, j)) in self.order.iter().enumerate() {
            if wrong(w) {
                per_block[b] += 1;
                wrong_at[b][j] = true;
            }
        }
        println!("  codewords wrong per block {per_block:?}");
        for (b, words) in received.iter().enumerate() {
            let mut rank: Vec<usize> = (0..words.len()).collect();
            rank.sort_by(|&x, &y| words[x].1.total_cmp(&words[y].1));
            let ranks: Vec<usize> = rank
                .iter()
                .enumerate()
                .filter(|(_, &j)| wrong_at[b][j])
                .map(|(r, _)| r)
                .collect();
            let ec = self.blocks[b].shape.ec();
            let best = (0..=ec)
                .map(|e| {
                    let outside = ranks.iter().filter(|&&r| r >= e).count();
                    ec as isize - (2 * outside + e) as isize
                })
                .max()
                .unwrap_or(0);
            println!("    block {b}: wrong ranks {ranks:?} best spare {best}");
        }
    }

    /// The payload of a fully corrected grid: the hard decisions with every
    /// data and format module replaced by its corrected value, through the
    /// grid decoder (which parses the segments).
    fn payload(&self, darkness: &[f32]) -> Option<Vec<u8>> {
        let size = self.layout.size();
        let known = self.known();
        decode_bits(size, |y, x| {
            let i = y * size + x;
            match known.get(i).copied().flatten() {
                Some(k) => k,
                None => darkness.get(i).copied().unwrap_or(0.0) > 0.5,
            }
        })
    }
}

/// Decodes one block's received codewords (value, sureness): plain first,
/// then with the least sure erased, a few more at a time, accepting only a
/// correction that leaves [`SPARE`] error correction codewords unused.
fn decode_block(words: &[(u8, f32)], ec: usize) -> Option<Vec<u8>> {
    if words.len() > 255 || ec <= SPARE || ec >= words.len() {
        return None;
    }
    let received: Vec<u8> = words.iter().map(|w| w.0).collect();
    let mut by_sureness: Vec<usize> = (0..words.len()).collect();
    by_sureness.sort_by(|&a, &b| {
        let sa = words.get(a).map_or(0.0, |w| w.1);
        let sb = words.get(b).map_or(0.0, |w| w.1);
        sa.total_cmp(&sb)
    });
    let decoder = reed_solomon::Decoder::new(ec);
    for erased in 0..=ec - SPARE {
        let erasures: Vec<u8> = by_sureness
            .iter()
            .take(erased)
            .filter_map(|&i| u8::try_from(i).ok())
            .collect();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            decoder
                .correct_err_count(&received, Some(&erasures))
                .ok()
                .map(|(buffer, _)| buffer.to_vec())
        }));
        let Ok(Some(corrected)) = outcome else {
            continue;
        };
        if corrected.len() != received.len() {
            continue;
        }
        let errors = corrected
            .iter()
            .zip(&received)
            .enumerate()
            .filter(|(i, (c, r))| c != r && !erasures.contains(&(*i as u8)))
            .count();
        if 2 * errors + erased + SPARE <= ec {
            return Some(corrected);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::test_render::modules;

    fn soft(dark: &[bool]) -> Vec<f32> {
        dark.iter().map(|&d| if d { 0.9 } else { 0.1 }).collect()
    }

    const HALLMARK: &[u8] = crate::scan::test_render::HALLMARK.as_bytes();

    #[test]
    fn clean_grids_decode_at_every_level() {
        for level in [
            qrcode::EcLevel::L,
            qrcode::EcLevel::M,
            qrcode::EcLevel::Q,
            qrcode::EcLevel::H,
        ] {
            let (size, dark) = modules(HALLMARK, level);
            let mut decoder = SoftDecoder::new(size).unwrap();
            assert_eq!(
                decoder.attempt(&soft(&dark)),
                Attempt::Decoded(HALLMARK.to_vec()),
                "{level:?}"
            );
        }
        // Mixed block lengths (5-Q: 2 × 15 and 2 × 16 data codewords).
        let text = vec![b'x'; 55];
        let code =
            qrcode::QrCode::with_version(&text, qrcode::Version::Normal(5), qrcode::EcLevel::Q)
                .unwrap();
        let dark: Vec<bool> = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        let mut decoder = SoftDecoder::new(code.width()).unwrap();
        assert_eq!(decoder.attempt(&soft(&dark)), Attempt::Decoded(text));
    }

    /// Flips `count` whole codewords of data modules (every module of each),
    /// marking them unsure: errors the hard decoder cannot correct.
    fn damage(
        layout: &Layout,
        values: &mut [f32],
        codewords: impl Iterator<Item = usize>,
        sure: f32,
    ) {
        for w in codewords {
            for &i in layout.data_modules().get(w * 8..w * 8 + 8).unwrap() {
                values[i] = if values[i] > 0.5 {
                    0.5 - sure / 2.0
                } else {
                    0.5 + sure / 2.0
                };
            }
        }
    }

    #[test]
    fn unsure_codewords_are_erased() {
        // Version 4-H: four blocks of 25 codewords, 16 for correction: 8
        // errors each at most, or 16 erasures less the spare.
        let (size, dark) = modules(HALLMARK, qrcode::EcLevel::H);
        let layout = Layout::new(size).unwrap();
        let mut values = soft(&dark);
        // 40 codewords wrong (10 per block, interleaved), each barely past the
        // threshold: hard decoding fails.
        damage(&layout, &mut values, 0..40, 0.05);
        assert_eq!(
            decode_bits(size, |y, x| values[y * size + x] > 0.5),
            None,
            "the hard decoder must fail for this test to mean anything"
        );
        let mut decoder = SoftDecoder::new(size).unwrap();
        assert_eq!(
            decoder.attempt(&values),
            Attempt::Decoded(HALLMARK.to_vec())
        );
    }

    #[test]
    fn confident_errors_are_not_erased_and_fail() {
        let (size, dark) = modules(HALLMARK, qrcode::EcLevel::H);
        let layout = Layout::new(size).unwrap();
        let mut values = soft(&dark);
        // The same 40 codewords wrong, but looking surer than the right
        // ones: erasing the least sure misses them.
        damage(&layout, &mut values, 0..40, 0.9);
        let mut decoder = SoftDecoder::new(size).unwrap();
        assert_eq!(decoder.attempt(&values), Attempt::Stuck);
    }

    #[test]
    fn half_read_grids_report_their_known_modules() {
        let (size, dark) = modules(HALLMARK, qrcode::EcLevel::H);
        let layout = Layout::new(size).unwrap();
        let mut values = soft(&dark);
        // Block 0 (codewords 0, 4, 8, … in placement order) gets 12 errors
        // that look surer than the right codewords: beyond it. The other
        // blocks are clean.
        damage(&layout, &mut values, (0..48).step_by(4), 0.9);
        let mut decoder = SoftDecoder::new(size).unwrap();
        assert_eq!(decoder.attempt(&values), Attempt::Progress);
        let known = decoder.known();
        let data_known = layout
            .data_modules()
            .iter()
            .filter(|&&i| known[i].is_some())
            .count();
        // Three of four blocks: 75 of 100 codewords.
        assert_eq!(data_known, 75 * 8);
        for (i, k) in known.iter().enumerate() {
            if let Some(k) = k {
                assert_eq!(*k, dark[i], "module {i}");
            }
        }
        assert_eq!(decoder.attempt(&values), Attempt::Stuck);
        // Told the truth about block 0, it finishes.
        assert_eq!(
            decoder.attempt(&soft(&dark)),
            Attempt::Decoded(HALLMARK.to_vec())
        );
    }

    #[test]
    fn no_format_no_decode() {
        let (size, dark) = modules(HALLMARK, qrcode::EcLevel::H);
        let layout = Layout::new(size).unwrap();
        let mut values = soft(&dark);
        for copy in layout.format_modules() {
            for &i in &copy {
                values[i] = 0.5;
            }
        }
        let mut decoder = SoftDecoder::new(size).unwrap();
        assert_eq!(decoder.attempt(&values), Attempt::Stuck);
        assert!(SoftDecoder::new(30).is_none());
    }

    #[test]
    fn format_distance_tells_a_placed_grid_from_chance() {
        let (size, dark) = modules(HALLMARK, qrcode::EcLevel::H);
        let decoder = SoftDecoder::new(size).unwrap();
        let (misses, hard) = decoder.format_distance(&soft(&dark));
        // 30 format modules, each 0.1 from its value.
        assert!((misses - 3.0).abs() < 1e-3 && hard == 0, "{misses} {hard}");
        // The same grid shifted by one module: its format modules read
        // chance bits.
        let shifted: Vec<bool> = (0..size * size)
            .map(|i| dark[(i / size) * size + (i % size + 1) % size])
            .collect();
        let (misses, _) = decoder.format_distance(&soft(&shifted));
        assert!(misses > 6.0, "{misses}");
    }
}
