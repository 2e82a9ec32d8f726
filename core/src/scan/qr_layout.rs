//! The fixed layout of a QR code symbol (ISO/IEC 18004): which modules are
//! function patterns and what they hold, where the format information sits,
//! the eight data masks, the order in which data modules carry codeword bits,
//! and how codewords interleave into Reed-Solomon blocks.
//!
//! The grid decoder (`grid_decode`, quircs) knows all this internally; the
//! soft decoder (`soft_decode`) needs it in the open to weigh each codeword
//! by how sure its modules are.

use super::piecewise::alignment_positions;

/// Format information bits are XORed with this before placement.
const FORMAT_XOR: u16 = 0x5412;
/// The BCH(15,5) generator of the format information.
const FORMAT_GENERATOR: u16 = 0x537;

/// An error correction level, in the order of its two format bits
/// (`00` M, `01` L, `10` H, `11` Q), which is also quircs' block table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcLevel {
    /// About 15 % of codewords recoverable.
    M,
    /// About 7 %.
    L,
    /// About 30 %.
    H,
    /// About 25 %.
    Q,
}

impl EcLevel {
    const ALL: [EcLevel; 4] = [EcLevel::M, EcLevel::L, EcLevel::H, EcLevel::Q];

    fn bits(self) -> u16 {
        match self {
            EcLevel::M => 0,
            EcLevel::L => 1,
            EcLevel::H => 2,
            EcLevel::Q => 3,
        }
    }
}

/// The format information: error correction level and data mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    /// Error correction level.
    pub level: EcLevel,
    /// Data mask pattern, 0–7.
    pub mask: u8,
}

impl Format {
    /// All 32 formats.
    pub fn all() -> impl Iterator<Item = Format> {
        EcLevel::ALL
            .into_iter()
            .flat_map(|level| (0..8).map(move |mask| Format { level, mask }))
    }

    /// The 15 placed bits (BCH-protected, XOR-masked), bit 14 first.
    pub fn codeword(self) -> u16 {
        let data = (self.level.bits() << 3) | u16::from(self.mask & 7);
        let mut rem = data << 10;
        for shift in (0..5).rev() {
            if rem & (1 << (shift + 10)) != 0 {
                rem ^= FORMAT_GENERATOR << shift;
            }
        }
        ((data << 10) | rem) ^ FORMAT_XOR
    }
}

/// True where data mask `mask` inverts the module in `row`, `col`.
pub fn mask_bit(mask: u8, row: usize, col: usize) -> bool {
    let (i, j) = (row, col);
    match mask & 7 {
        0 => (i + j) % 2 == 0,
        1 => i % 2 == 0,
        2 => j % 3 == 0,
        3 => (i + j) % 3 == 0,
        4 => (i / 2 + j / 3) % 2 == 0,
        5 => (i * j) % 2 + (i * j) % 3 == 0,
        6 => ((i * j) % 2 + (i * j) % 3) % 2 == 0,
        _ => ((i * j) % 3 + (i + j) % 2) % 2 == 0,
    }
}

/// One Reed-Solomon block: how many of its codewords are data, how many in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// Data codewords.
    pub data: usize,
    /// Data and error correction codewords.
    pub total: usize,
}

impl Block {
    /// Error correction codewords.
    pub fn ec(&self) -> usize {
        self.total - self.data
    }
}

/// The layout of one version's symbol.
#[derive(Debug, Clone)]
pub struct Layout {
    size: usize,
    version: usize,
    /// The value of each function-pattern module (finders, separators,
    /// timing, alignment, the dark module), row after row; None elsewhere.
    patterns: Vec<Option<bool>>,
    /// Module indices (row-major) carrying codeword bits, in bit order.
    data_order: Vec<usize>,
}

impl Layout {
    /// The layout of a `size`×`size` symbol; None unless `size` is a version's
    /// (21, 25, … 177).
    pub fn new(size: usize) -> Option<Self> {
        if !(21..=177).contains(&size) || (size - 17) % 4 != 0 {
            return None;
        }
        let version = (size - 17) / 4;
        let patterns = patterns(size, version);
        let reserved = |row: usize, col: usize| -> bool {
            // The finders with their separators and format information:
            // top-left, bottom-left, top-right.
            let in_format =
                (col < 9 && (row < 9 || row + 8 >= size)) || (row < 9 && col + 8 >= size);
            let in_version =
                version >= 7 && ((row < 6 && col + 11 >= size) || (row + 11 >= size && col < 6));
            in_format || in_version || patterns.get(row * size + col).copied().flatten().is_some()
        };
        // Two-module columns from the right, up then down, skipping the
        // vertical timing column.
        let mut data_order = Vec::with_capacity(size * size);
        let mut right = size - 1;
        let mut upward = true;
        loop {
            for k in 0..size {
                let row = if upward { size - 1 - k } else { k };
                for col in [right, right - 1] {
                    if !reserved(row, col) {
                        data_order.push(row * size + col);
                    }
                }
            }
            upward = !upward;
            if right < 3 {
                break;
            }
            right -= 2;
            if right == 6 {
                right -= 1;
            }
        }
        Some(Self {
            size,
            version,
            patterns,
            data_order,
        })
    }

    /// Modules per side.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The version, 1–40.
    pub fn version(&self) -> usize {
        self.version
    }

    /// The function-pattern value of the module at row-major index `i`, if
    /// it is one.
    pub fn pattern(&self, i: usize) -> Option<bool> {
        self.patterns.get(i).copied().flatten()
    }

    /// Module indices carrying codeword bits, in bit order (most significant
    /// bit of the first codeword first).
    pub fn data_modules(&self) -> &[usize] {
        &self.data_order
    }

    /// The two copies of the format information: module indices of bits
    /// 14 down to 0.
    pub fn format_modules(&self) -> [[usize; 15]; 2] {
        let s = self.size;
        let at = |row: usize, col: usize| row * s + col;
        // Copy 1 around the top-left finder: bits 0–7 down column 8 (skipping
        // the timing row), bits 8–14 leftward along row 8.
        let first_low = [
            (0, 8),
            (1, 8),
            (2, 8),
            (3, 8),
            (4, 8),
            (5, 8),
            (7, 8),
            (8, 8),
        ];
        let first_high = [(8, 7), (8, 5), (8, 4), (8, 3), (8, 2), (8, 1), (8, 0)];
        let mut first = [0usize; 15];
        for (bit, &(r, c)) in first_low.iter().chain(first_high.iter()).enumerate() {
            if let Some(slot) = first.get_mut(14 - bit) {
                *slot = at(r, c);
            }
        }
        // Copy 2: bits 14–8 up from the bottom of column 8, bits 7–0 along
        // row 8 to the right edge.
        let mut second = [0usize; 15];
        for (k, slot) in second.iter_mut().enumerate() {
            *slot = if k < 7 {
                at(s - 1 - k, 8)
            } else {
                at(8, s - 8 + (k - 7))
            };
        }
        [first, second]
    }

    /// The Reed-Solomon blocks of `level`, short blocks first; None for a
    /// version quircs does not know.
    pub fn blocks(&self, level: EcLevel) -> Option<Vec<Block>> {
        let info = quircs::VERSION_DB.get(self.version)?;
        let short = info.ecc.get(level.bits() as usize)?;
        let (total, bs, dw, ns) = (
            usize::try_from(info.data_bytes).ok()?,
            usize::try_from(short.bs).ok()?,
            usize::try_from(short.dw).ok()?,
            usize::try_from(short.ns).ok()?,
        );
        let long = total.checked_sub(bs * ns)? / (bs + 1);
        let mut blocks = vec![
            Block {
                data: dw,
                total: bs
            };
            ns
        ];
        blocks.extend(std::iter::repeat_n(
            Block {
                data: dw + 1,
                total: bs + 1,
            },
            long,
        ));
        (blocks.iter().map(|b| b.total).sum::<usize>() == total).then_some(blocks)
    }
}

/// For each codeword in placement order, its block and its index within the
/// block (data first, then error correction): data codewords are dealt to the
/// blocks in turn (the long blocks' last one after all the others), then
/// error correction codewords the same way.
pub fn interleaving(blocks: &[Block]) -> Vec<(usize, usize)> {
    let mut order = Vec::new();
    let max_data = blocks.iter().map(|b| b.data).max().unwrap_or(0);
    for j in 0..max_data {
        for (b, block) in blocks.iter().enumerate() {
            if j < block.data {
                order.push((b, j));
            }
        }
    }
    let max_ec = blocks.iter().map(Block::ec).max().unwrap_or(0);
    for j in 0..max_ec {
        for (b, block) in blocks.iter().enumerate() {
            if j < block.ec() {
                order.push((b, block.data + j));
            }
        }
    }
    order
}

/// Function-pattern values of a symbol, row after row.
fn patterns(size: usize, version: usize) -> Vec<Option<bool>> {
    let mut out = vec![None; size * size];
    let n = size as isize;
    let mut set = |row: isize, col: isize, dark: bool| {
        if (0..n).contains(&row) && (0..n).contains(&col) {
            if let Some(slot) = out.get_mut(row as usize * size + col as usize) {
                *slot = Some(dark);
            }
        }
    };
    // Finders with their separators: by Chebyshev distance from the centre,
    // a 3×3 stone, a light ring, a dark ring, the light separator.
    for (r0, c0) in [(0, 0), (0, n - 7), (n - 7, 0)] {
        for dr in -1isize..=7 {
            for dc in -1isize..=7 {
                let d = (dr - 3).abs().max((dc - 3).abs());
                set(r0 + dr, c0 + dc, d != 2 && d != 4);
            }
        }
    }
    for i in 8..n - 8 {
        set(6, i, i % 2 == 0);
        set(i, 6, i % 2 == 0);
    }
    let positions = alignment_positions(version);
    let last = positions.len().saturating_sub(1);
    for (i, &r) in positions.iter().enumerate() {
        for (j, &c) in positions.iter().enumerate() {
            let on_finder =
                matches!((i, j), (0, 0)) || (i == 0 && j == last) || (i == last && j == 0);
            if on_finder {
                continue;
            }
            for dr in -2isize..=2 {
                for dc in -2isize..=2 {
                    set(
                        r as isize + dr,
                        c as isize + dc,
                        dr.abs().max(dc.abs()) != 1,
                    );
                }
            }
        }
    }
    set(n - 8, 8, true);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::test_render::modules;

    #[test]
    fn data_modules_hold_every_codeword_bit() {
        // Version 1: 26 codewords, no remainder bits; version 2: 44 and 7;
        // version 7 (version information): 196 and 0.
        for (size, codewords, remainder) in [(21, 26, 0), (25, 44, 7), (45, 196, 0)] {
            let layout = Layout::new(size).unwrap();
            assert_eq!(layout.data_modules().len(), codewords * 8 + remainder);
        }
        assert!(Layout::new(22).is_none());
        assert!(Layout::new(181).is_none());
    }

    #[test]
    fn patterns_match_a_rendered_code() {
        let (size, dark) = modules(
            crate::scan::test_render::HALLMARK.as_bytes(),
            qrcode::EcLevel::H,
        );
        let layout = Layout::new(size).unwrap();
        let mut checked = 0;
        for (i, &d) in dark.iter().enumerate() {
            if let Some(p) = layout.pattern(i) {
                assert_eq!(p, d, "module {i}");
                checked += 1;
            }
        }
        // Three 8×8 finders with separators, two timing runs, one alignment
        // pattern, the dark module.
        assert_eq!(checked, 3 * 64 + 2 * (size - 16) + 25 + 1);
    }

    #[test]
    fn format_is_read_from_both_copies() {
        let (size, dark) = modules(b"hello", qrcode::EcLevel::Q);
        let layout = Layout::new(size).unwrap();
        for copy in layout.format_modules() {
            let placed = copy
                .iter()
                .fold(0u16, |acc, &i| (acc << 1) | u16::from(dark[i]));
            let found: Vec<Format> = Format::all().filter(|f| f.codeword() == placed).collect();
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].level, EcLevel::Q);
        }
    }

    #[test]
    fn block_tables_of_mixed_versions() {
        // 5-Q: two blocks of 15 data codewords in 33, two of 16 in 34.
        let layout = Layout::new(37).unwrap();
        let blocks = layout.blocks(EcLevel::Q).unwrap();
        assert_eq!(
            blocks,
            vec![
                Block {
                    data: 15,
                    total: 33
                },
                Block {
                    data: 15,
                    total: 33
                },
                Block {
                    data: 16,
                    total: 34
                },
                Block {
                    data: 16,
                    total: 34
                },
            ]
        );
        let order = interleaving(&blocks);
        assert_eq!(order.len(), 134);
        // The long blocks' 16th data codewords follow the 60 dealt in turn.
        assert_eq!(order[60], (2, 15));
        assert_eq!(order[61], (3, 15));
        assert_eq!(order[62], (0, 15));
    }
}
