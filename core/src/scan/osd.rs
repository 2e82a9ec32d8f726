//! Ordered-statistics decoding (Fossorier and Lin, 1995) of one
//! Reed-Solomon block taken as a binary code: a block of `k` data and `n`
//! codewords in all is a linear code of `8k` bits in `8n` over GF(2). The
//! `8k` most reliable independent bits are taken as read, every choice of
//! up to two of them flipped, each choice re-encoded, and the codeword
//! nearest the soft values (each disagreeing bit costing its reliability)
//! kept. Algebraic decoding, even with erasures (`soft_decode`), gives up
//! once about half the codewords are wrong; bits are lost one at a time,
//! and a codeword with a single wrong bit is as wrong as one with eight.
//!
//! Every output is a valid block whatever the input, so a caller must
//! check the result by other means (a hallmark's text, `soft_decode`).

/// Bits known for sure rank above every read bit.
const SURE: f32 = 1e6;

/// A bit vector of a block's bits, codeword 0's bit 7 first.
type Bits = Vec<u64>;

/// The generator matrix of a block's binary image: one row per data bit.
#[derive(Debug, Clone)]
pub struct BinaryCode {
    data_bits: usize,
    bits: usize,
    rows: Vec<Bits>,
}

/// What ordered-statistics decoding chose.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The block's codewords, data then error correction.
    pub codewords: Vec<u8>,
    /// Read bits (not known ones) it disagrees with.
    pub flips: usize,
}

impl BinaryCode {
    /// The code of blocks of `data` data codewords and `total` in all; None
    /// for shapes Reed-Solomon over GF(256) has not.
    pub fn new(data: usize, total: usize) -> Option<Self> {
        if data == 0 || total <= data || total > 255 {
            return None;
        }
        let encoder = reed_solomon::Encoder::new(total - data);
        let (data_bits, bits) = (8 * data, 8 * total);
        let rows = (0..data_bits)
            .map(|i| {
                let mut message = vec![0u8; data];
                if let Some(byte) = message.get_mut(i / 8) {
                    *byte = 0x80 >> (i % 8);
                }
                let encoded = encoder.encode(&message);
                to_bits(&encoded[..], bits)
            })
            .collect();
        Some(Self {
            data_bits,
            bits,
            rows,
        })
    }

    /// Decodes the block whose bit `j` reads `dark[j]` (0 to 1, 1 for a set
    /// bit) with `known[j]` where the bit is fixed beforehand; None if the
    /// lengths are wrong.
    pub fn decode(&self, read: &[f32], known: &[Option<bool>]) -> Option<Choice> {
        if read.len() != self.bits || known.len() != self.bits {
            return None;
        }
        let hard: Vec<bool> = read
            .iter()
            .zip(known)
            .map(|(&r, k)| k.unwrap_or(r > 0.5))
            .collect();
        let reliability: Vec<f32> = read
            .iter()
            .zip(known)
            .map(|(&r, k)| if k.is_some() { SURE } else { (r - 0.5).abs() })
            .collect();
        let mut order: Vec<(usize, f32)> = reliability.iter().copied().enumerate().collect();
        order.sort_by(|a, b| b.1.total_cmp(&a.1));
        let order: Vec<usize> = order.into_iter().map(|(j, _)| j).collect();
        let (rows, pivots) = self.systematic_on(&order)?;
        let received = pack(&hard);
        // Order 0: the most reliable basis as read.
        let mut base = vec![0u64; received.len()];
        for (row, &p) in rows.iter().zip(&pivots) {
            if hard.get(p).copied().unwrap_or(false) {
                xor_into(&mut base, row);
            }
        }
        let cost = |candidate: &[u64]| -> f32 {
            let mut sum = 0.0;
            for (w, (c, r)) in candidate.iter().zip(&received).enumerate() {
                let mut differ = c ^ r;
                while differ != 0 {
                    let j = w * 64 + differ.trailing_zeros() as usize;
                    sum += reliability.get(j).copied().unwrap_or(0.0);
                    differ &= differ - 1;
                }
            }
            sum
        };
        // Rows whose pivot is a known bit are never flipped.
        let flippable: Vec<&Bits> = rows
            .iter()
            .zip(&pivots)
            .filter(|(_, &p)| reliability.get(p).is_some_and(|&r| r < SURE))
            .map(|(row, _)| row)
            .collect();
        let mut best = (cost(&base), base.clone());
        let mut trial = base.clone();
        for (a, first) in flippable.iter().enumerate() {
            trial.copy_from_slice(&base);
            xor_into(&mut trial, first);
            let c = cost(&trial);
            if c < best.0 {
                best = (c, trial.clone());
            }
            for second in flippable.iter().skip(a + 1) {
                xor_into(&mut trial, second);
                let c = cost(&trial);
                if c < best.0 {
                    best = (c, trial.clone());
                }
                xor_into(&mut trial, second);
            }
        }
        let chosen = best.1;
        let mut flips = 0;
        for (j, (&h, k)) in hard.iter().zip(known).enumerate() {
            let set = bit(&chosen, j);
            match k {
                Some(k) if set != *k => return None,
                None if set != h => flips += 1,
                _ => {}
            }
        }
        let codewords = (0..self.bits / 8)
            .map(|byte| {
                (0..8).fold(0u8, |acc, k| {
                    (acc << 1) | u8::from(bit(&chosen, byte * 8 + k))
                })
            })
            .collect();
        Some(Choice { codewords, flips })
    }

    /// The generator reduced so that each row has a one on its own pivot
    /// (the first independent bits of `order`) and zeros on the others'.
    fn systematic_on(&self, order: &[usize]) -> Option<(Vec<Bits>, Vec<usize>)> {
        let mut rows = self.rows.clone();
        let mut pivots = Vec::with_capacity(self.data_bits);
        for &j in order {
            let done = pivots.len();
            if done == rows.len() {
                break;
            }
            let Some(found) = rows
                .iter()
                .skip(done)
                .position(|row| bit(row, j))
                .map(|r| r + done)
            else {
                continue;
            };
            rows.swap(done, found);
            let Some(pivot) = rows.get(done).cloned() else {
                break;
            };
            for (r, row) in rows.iter_mut().enumerate() {
                if r != done && bit(row, j) {
                    xor_into(row, &pivot);
                }
            }
            pivots.push(j);
        }
        (pivots.len() == rows.len()).then_some((rows, pivots))
    }
}

/// Bit `j` of `v`.
fn bit(v: &[u64], j: usize) -> bool {
    v.get(j / 64).is_some_and(|w| w & (1 << (j % 64)) != 0)
}

/// `into` ^= `other`.
fn xor_into(into: &mut [u64], other: &[u64]) {
    for (a, b) in into.iter_mut().zip(other) {
        *a ^= b;
    }
}

/// Packs bits into words.
fn pack(bits: &[bool]) -> Bits {
    let mut out = vec![0u64; bits.len().div_ceil(64)];
    for (j, _) in bits.iter().enumerate().filter(|(_, &b)| b) {
        if let Some(w) = out.get_mut(j / 64) {
            *w |= 1 << (j % 64);
        }
    }
    out
}

/// The `bits` bits of `bytes`, bit 7 of byte 0 first.
fn to_bits(bytes: &[u8], bits: usize) -> Bits {
    let set: Vec<bool> = (0..bits)
        .map(|j| bytes.get(j / 8).is_some_and(|b| b & (0x80 >> (j % 8)) != 0))
        .collect();
    pack(&set)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block of the version-4-H shape (9 data codewords of 25) encoded.
    fn block() -> Vec<u8> {
        let data = b"TOUCHMARK";
        reed_solomon::Encoder::new(16).encode(data)[..].to_vec()
    }

    fn soft(codewords: &[u8]) -> Vec<f32> {
        (0..codewords.len() * 8)
            .map(|j| {
                if codewords[j / 8] & (0x80 >> (j % 8)) != 0 {
                    0.8
                } else {
                    0.2
                }
            })
            .collect()
    }

    #[test]
    fn one_wrong_bit_in_most_codewords_is_corrected() {
        // 15 of 25 codewords wrong by a bit each: past algebraic decoding
        // (8 errors, or 16 erasures with none to spare), but only 15 of
        // 200 bits, each read a little less surely.
        let truth = block();
        let mut read = soft(&truth);
        for w in 0..15 {
            let j = w * 8 + (w % 8);
            read[j] = 1.0 - read[j] * 0.5 - 0.25;
        }
        let hard: Vec<u8> = (0..25)
            .map(|w| (0..8).fold(0, |acc, k| (acc << 1) | u8::from(read[w * 8 + k] > 0.5)))
            .collect();
        assert!(
            reed_solomon::Decoder::new(16).correct(&hard, None).is_err(),
            "algebraic decoding must fail for this test to mean anything"
        );
        let code = BinaryCode::new(9, 25).unwrap();
        let choice = code.decode(&read, &[None; 200]).unwrap();
        assert_eq!(choice.codewords, truth);
        assert_eq!(choice.flips, 15);
    }

    #[test]
    fn known_bits_are_kept() {
        let truth = block();
        let read = soft(&truth);
        let mut known = vec![None; 200];
        known[0] = Some(!bit(&to_bits(&truth, 200), 0));
        // No codeword so near has bit 0 flipped; the choice keeps it or
        // gives up, never returning a block that breaks it.
        let code = BinaryCode::new(9, 25).unwrap();
        if let Some(choice) = code.decode(&read, &known) {
            assert_ne!(choice.codewords[0] & 0x80, truth[0] & 0x80);
        }
        assert!(code.decode(&read[1..], &known).is_none());
        assert!(BinaryCode::new(9, 9).is_none());
    }
}
