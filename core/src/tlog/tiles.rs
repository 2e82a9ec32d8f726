//! Resource paths of the C2SP tiled log layout (<https://c2sp.org/tlog-tiles>).

/// Hashes in a full tile (and entries in a full bundle).
pub const TILE_WIDTH: u64 = 256;
/// The highest tile level the spec allows.
pub const MAX_TILE_LEVEL: u8 = 63;

/// Encodes a tile index as zero-padded 3-digit path elements, all but the last
/// prefixed with `x` (1234067 → `x001/x234/067`).
pub fn index_path(index: u64) -> String {
    let mut groups = vec![index % 1000];
    let mut rest = index / 1000;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let last = groups.len() - 1;
    groups
        .iter()
        .rev()
        .enumerate()
        .map(|(i, g)| {
            if i == last {
                format!("{g:03}")
            } else {
                format!("x{g:03}")
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn with_width(path: String, partial_width: Option<u8>) -> String {
    match partial_width {
        Some(w) if w > 0 => format!("{path}.p/{w}"),
        _ => path,
    }
}

/// `tile/<L>/<N>[.p/<W>]`: a hash tile at `level` (a full tile when `partial_width`
/// is `None`).
pub fn tile_path(level: u8, index: u64, partial_width: Option<u8>) -> String {
    with_width(format!("tile/{level}/{}", index_path(index)), partial_width)
}

/// `tile/entries/<N>[.p/<W>]`: an entry bundle.
pub fn entries_path(index: u64, partial_width: Option<u8>) -> String {
    with_width(format!("tile/entries/{}", index_path(index)), partial_width)
}

/// The width of the rightmost (partial) tile at `level` for a tree of `size`
/// leaves, or `None` when that tile is full or empty.
pub fn partial_width(level: u8, size: u64) -> Option<u8> {
    let shifted = size.checked_shr(8 * u32::from(level)).unwrap_or(0);
    u8::try_from(shifted % TILE_WIDTH).ok().filter(|w| *w > 0)
}

/// The bundle that holds entry `seq` in a tree of `size` leaves, as a path.
pub fn entries_path_for(seq: u64, size: u64) -> String {
    let index = seq / TILE_WIDTH;
    let full_bundles = size / TILE_WIDTH;
    let width = if index < full_bundles {
        None
    } else {
        partial_width(0, size)
    };
    entries_path(index, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_spec_examples() {
        assert_eq!(index_path(1_234_067), "x001/x234/067");
        assert_eq!(tile_path(0, 0, Some(255)), "tile/0/000.p/255");
        assert_eq!(
            tile_path(15, 123_456_789, Some(41)),
            "tile/15/x123/x456/789.p/41"
        );
        assert_eq!(entries_path_for(256, 257), "tile/entries/001.p/1");
        assert_eq!(entries_path_for(3, 257), "tile/entries/000");
        // 70,000 leaves: level 1 partial width 17, level 2 width 1.
        assert_eq!(partial_width(0, 70_000), Some(112));
        assert_eq!(partial_width(1, 70_000), Some(17));
        assert_eq!(partial_width(2, 70_000), Some(1));
        assert_eq!(partial_width(0, 256), None);
    }
}
