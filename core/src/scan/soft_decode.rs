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
//!
//! A decoder for a hallmark ([`SoftDecoder::for_hallmark`]) knows more: the
//! bits its `TMH1:` text fixes (`hallmark_prior`) are taken as read, and a
//! block that erasures cannot decode is decoded bit by bit by ordered
//! statistics (`osd`), where a codeword with one wrong bit costs one bit,
//! not a whole codeword. Such blocks are believed only when the payload
//! they make is a hallmark's text exactly as an encoder writes it.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::grid_decode::decode_bits;
use super::hallmark_prior::{hallmark_text, known_bits};
use super::osd::BinaryCode;
use super::qr_layout::{interleaving, mask_bit, Block, Format, Layout};

/// Error correction codewords a block must have left unused after its
/// errors (two each) and erasures (one each): a decode that used all of
/// them could be a miscorrection (with 4 to spare, a random word decodes
/// by chance about once in 2³² tries).
const SPARE: usize = 4;
/// The largest share of a block's read bits an ordered-statistics choice
/// may disagree with.
const MAX_FLIPPED_SHARE: f64 = 0.15;
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
    /// Whether the code is taken for a Touchmark hallmark.
    hallmark: bool,
    /// Bits fixed before reading (`hallmark_prior`), per codeword in
    /// placement order: which bits (bit 7 first) and their values.
    prior: Vec<Prior>,
    /// True once a block is decoded by ordered statistics (`osd`): the
    /// payload must then be a hallmark's exact text.
    by_statistics: bool,
    /// The binary code of each block shape met, built once.
    binary_codes: Vec<(Block, BinaryCode)>,
}

/// The bits of one codeword fixed before reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Prior {
    /// The fixed bits.
    mask: u8,
    /// Their values (zero elsewhere).
    value: u8,
}

impl Prior {
    /// True when `word` has the fixed bits' values.
    fn agrees(self, word: u8) -> bool {
        word & self.mask == self.value
    }

    /// `word` with the fixed bits set to their values.
    fn put_right(self, word: u8) -> u8 {
        (word & !self.mask) | self.value
    }
}

/// One codeword as read.
#[derive(Debug, Clone, Copy)]
struct Received {
    value: u8,
    /// How sure its least sure bit is (0 to 1).
    sure: f32,
    /// How sure its least sure bit not fixed by the prior is.
    sure_unfixed: f32,
    /// Each bit's read (bit 7 first): how likely it is set, 0 to 1.
    bits: [f32; 8],
    prior: Prior,
}

impl Default for Received {
    fn default() -> Self {
        Self {
            value: 0,
            sure: 1.0,
            sure_unfixed: 1.0,
            bits: [0.5; 8],
            prior: Prior::default(),
        }
    }
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
            hallmark: false,
            prior: Vec::new(),
            by_statistics: false,
            binary_codes: Vec::new(),
        })
    }

    /// The decoder taking the code for a Touchmark hallmark: the bits its
    /// format fixes (`hallmark_prior`) are read as fixed, and blocks past
    /// erasures are decoded by ordered statistics (`osd`). A block that
    /// decodes as read and breaks the fixed bits shows some other code:
    /// the decoder then reads it as it is.
    pub fn for_hallmark(mut self) -> Self {
        self.hallmark = true;
        self
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
            let (value, fixed) = match self
                .blocks
                .get(b)
                .map(|s| s.corrected.as_ref().and_then(|c| c.get(j)))
            {
                Some(Some(&value)) => (value, 0xff),
                _ => {
                    let prior = self.prior.get(w).copied().unwrap_or_default();
                    (prior.value, prior.mask)
                }
            };
            for (bit, &i) in self.codeword_modules(w).iter().enumerate() {
                if fixed & (0x80 >> bit) == 0 {
                    continue;
                }
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

    /// Reads the format from the soft values `darkness` unless it is read
    /// already, and lays out the blocks for it; false when it cannot be.
    pub fn read_format_of(&mut self, darkness: &[f32]) -> bool {
        if self.format.is_some() {
            return true;
        }
        let Some(format) = self.read_format(darkness) else {
            return false;
        };
        let Some(shapes) = self.layout.blocks(format.level) else {
            return false;
        };
        self.order = interleaving(&shapes);
        if self.hallmark {
            self.prior = placed_prior(self.layout.version(), &shapes, &self.order);
        }
        self.blocks = shapes
            .into_iter()
            .map(|shape| BlockState {
                shape,
                corrected: None,
            })
            .collect();
        self.format = Some(format);
        true
    }

    /// Decodes every block not yet decoded from the soft values `darkness`
    /// (row-major, 1 = dark).
    pub fn attempt(&mut self, darkness: &[f32]) -> Attempt {
        if !self.read_format_of(darkness) {
            return Attempt::Stuck;
        }
        let Some(format) = self.format else {
            return Attempt::Stuck;
        };
        let size = self.layout.size();
        // Per block: each codeword as read and how sure it is, the bits a
        // hallmark fixes, and the codeword with those bits put right (as
        // sure as its other bits).
        let mut read: Vec<Vec<Received>> = self
            .blocks
            .iter()
            .map(|b| vec![Received::default(); b.shape.total])
            .collect();
        for (w, &(b, j)) in self.order.iter().enumerate() {
            let prior = self.prior.get(w).copied().unwrap_or_default();
            let mut word = Received {
                prior,
                ..Received::default()
            };
            for (k, &i) in self.codeword_modules(w).iter().enumerate() {
                let d = darkness.get(i).copied().unwrap_or(0.5);
                let masked = mask_bit(format.mask, i / size, i % size);
                let bit = (d > 0.5) ^ masked;
                word.value = (word.value << 1) | u8::from(bit);
                if let Some(slot) = word.bits.get_mut(k) {
                    *slot = if masked { 1.0 - d } else { d };
                }
                let sure = (d - 0.5).abs() * 2.0;
                word.sure = word.sure.min(sure);
                if prior.mask & (0x80 >> k) == 0 {
                    word.sure_unfixed = word.sure_unfixed.min(sure);
                }
            }
            if let Some(slot) = read.get_mut(b).and_then(|r| r.get_mut(j)) {
                *slot = word;
            }
        }
        #[cfg(test)]
        if let Ok(truth) = std::env::var("TM_DEBUG_TRUTH_BITS") {
            let plain: Vec<Vec<(u8, f32)>> = read
                .iter()
                .map(|r| r.iter().map(|w| (w.value, w.sure)).collect())
                .collect();
            self.print_against_truth(&truth, darkness, &plain);
        }
        let mut progress = false;
        let mut not_a_hallmark = false;
        for (state, words) in self.blocks.iter_mut().zip(&read) {
            if state.corrected.is_some() {
                continue;
            }
            let plain: Vec<(u8, f32)> = words.iter().map(|w| (w.value, w.sure)).collect();
            let agrees = |c: &Vec<u8>| words.iter().zip(c).all(|(w, &c)| w.prior.agrees(c));
            state.corrected = match decode_block(&plain, state.shape.ec()) {
                // A code that decodes on its own and breaks the prior is
                // some other code: read as it is, with no prior from now on.
                Some(c) => {
                    not_a_hallmark |= !agrees(&c);
                    Some(c)
                }
                None if self.hallmark => {
                    let fixed: Vec<(u8, f32)> = words
                        .iter()
                        .map(|w| (w.prior.put_right(w.value), w.sure_unfixed))
                        .collect();
                    decode_block(&fixed, state.shape.ec()).filter(agrees)
                }
                None => None,
            };
            progress |= state.corrected.is_some();
        }
        if not_a_hallmark {
            self.hallmark = false;
            self.prior.clear();
        }
        if self.hallmark {
            for (state, words) in self.blocks.iter_mut().zip(&read) {
                if state.corrected.is_some() {
                    continue;
                }
                let code = match self.binary_codes.iter().position(|c| c.0 == state.shape) {
                    Some(k) => self.binary_codes.get(k).map(|c| &c.1),
                    None => BinaryCode::new(state.shape.data, state.shape.total).and_then(|code| {
                        self.binary_codes.push((state.shape, code));
                        self.binary_codes.last().map(|c| &c.1)
                    }),
                };
                if let Some(corrected) = code.and_then(|code| ordered_statistics(code, words)) {
                    state.corrected = Some(corrected);
                    self.by_statistics = true;
                    progress = true;
                }
            }
        }
        if self.blocks.iter().all(|b| b.corrected.is_some()) {
            if self.by_statistics {
                // Blocks chosen by ordered statistics are only believed
                // when together they spell a hallmark.
                let data: Vec<u8> = self
                    .blocks
                    .iter()
                    .flat_map(|s| s.corrected.iter().flatten().take(s.shape.data).copied())
                    .collect();
                return match hallmark_text(&data) {
                    Some(text) => Attempt::Decoded(text.into_bytes()),
                    None => Attempt::Stuck,
                };
            }
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

/// A block decoded by ordered statistics (`osd`, `code` its binary code)
/// from its codewords as read, the bits the prior fixes taken as read; None
/// when the nearest block found disagrees with more than
/// [`MAX_FLIPPED_SHARE`] of the other bits (chance: about a quarter).
fn ordered_statistics(code: &BinaryCode, words: &[Received]) -> Option<Vec<u8>> {
    let read: Vec<f32> = words.iter().flat_map(|w| w.bits).collect();
    let known: Vec<Option<bool>> = words
        .iter()
        .flat_map(|w| {
            (0..8).map(move |k| {
                let bit = 0x80 >> k;
                (w.prior.mask & bit != 0).then_some(w.prior.value & bit != 0)
            })
        })
        .collect();
    let choice = code.decode(&read, &known)?;
    let unknown = known.iter().filter(|k| k.is_none()).count();
    (choice.flips as f64 <= MAX_FLIPPED_SHARE * unknown as f64).then_some(choice.codewords)
}

/// The bits a hallmark's format fixes (`hallmark_prior`), per codeword in
/// placement `order`, for a code of `version` with blocks `shapes`.
fn placed_prior(version: usize, shapes: &[Block], order: &[(usize, usize)]) -> Vec<Prior> {
    let data: usize = shapes.iter().map(|b| b.data).sum();
    // Block and index of each data codeword in the order they are dealt.
    let dealt: Vec<(usize, usize)> = shapes
        .iter()
        .enumerate()
        .flat_map(|(b, shape)| (0..shape.data).map(move |j| (b, j)))
        .collect();
    let mut prior = vec![Prior::default(); order.len()];
    for (at, value) in known_bits(version, data) {
        let Some(&slot) = dealt.get(at / 8) else {
            continue;
        };
        let Some(w) = order.iter().position(|&o| o == slot) else {
            continue;
        };
        if let Some(p) = prior.get_mut(w) {
            let bit = 0x80 >> (at % 8);
            p.mask |= bit;
            if value {
                p.value |= bit;
            }
        }
    }
    prior
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

    /// Makes `count` codewords (placement order, from `first`) wrong by
    /// one bit each, read barely past the threshold, and every other bit a
    /// little unsure.
    fn one_bit_off(values: &mut [f32], layout: &Layout, first: usize, count: usize) {
        for v in values.iter_mut() {
            *v = if *v > 0.5 { 0.7 } else { 0.3 };
        }
        for w in first..first + count {
            let i = layout.data_modules()[w * 8 + (w * 3) % 8];
            values[i] = if values[i] > 0.5 { 0.45 } else { 0.55 };
        }
    }

    #[test]
    fn a_hallmark_past_erasures_reads_by_ordered_statistics() {
        // 60 of 100 codewords wrong (15 a block), a bit each: past what
        // erasures reach (16 a block, 4 to spare), as sure as the bits
        // that are right. Ordered statistics find the 60 bits.
        let (size, dark) = modules(HALLMARK, qrcode::EcLevel::H);
        let layout = Layout::new(size).unwrap();
        let mut values = soft(&dark);
        one_bit_off(&mut values, &layout, 0, 60);
        let mut plain = SoftDecoder::new(size).unwrap();
        assert_eq!(
            plain.attempt(&values),
            Attempt::Stuck,
            "erasures must fail for this test to mean anything"
        );
        let mut decoder = SoftDecoder::new(size).unwrap().for_hallmark();
        assert_eq!(
            decoder.attempt(&values),
            Attempt::Decoded(HALLMARK.to_vec())
        );
    }

    #[test]
    fn other_codes_read_as_they_are_when_taken_for_a_hallmark() {
        // A version-4 code of other text breaks the prior: read all the
        // same, damaged as far as erasures reach.
        let text = b"HTTPS://EXAMPLE.COM/ABCDEFGHIJKLMNOPQRSTUVWXY";
        let (size, dark) = modules(text, qrcode::EcLevel::H);
        assert_eq!(size, 33);
        let layout = Layout::new(size).unwrap();
        let mut values = soft(&dark);
        damage(&layout, &mut values, 0..40, 0.05);
        let mut decoder = SoftDecoder::new(size).unwrap().for_hallmark();
        assert_eq!(decoder.attempt(&values), Attempt::Decoded(text.to_vec()));
    }

    #[test]
    fn noise_never_reads_as_a_hallmark() {
        // Random darkness under a hallmark's patterns and format: ordered
        // statistics always find a nearest block, and must not believe it.
        // Either guard alone holds here (a quarter of the bits flipped, and
        // text that is no hallmark); without both, this fails.
        let (size, dark) = modules(HALLMARK, qrcode::EcLevel::H);
        let layout = Layout::new(size).unwrap();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut random = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32
        };
        let data: std::collections::HashSet<usize> =
            layout.data_modules().iter().copied().collect();
        for _ in 0..200 {
            let values: Vec<f32> = (0..size * size)
                .map(|i| {
                    if data.contains(&i) {
                        random()
                    } else if dark[i] {
                        0.9
                    } else {
                        0.1
                    }
                })
                .collect();
            let mut decoder = SoftDecoder::new(size).unwrap().for_hallmark();
            assert_ne!(
                std::mem::discriminant(&decoder.attempt(&values)),
                std::mem::discriminant(&Attempt::Decoded(Vec::new()))
            );
        }
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
