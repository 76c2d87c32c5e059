//! Just enough of LevelDB's table format to read Chromium's `.ldb` files with their
//! Snappy-compressed blocks expanded, so a search of the disk cannot miss text in them.
//! Format: https://github.com/google/leveldb/blob/main/doc/table_format.md

const MAGIC: u64 = 0xdb47_7524_8b80_fb57;
const FOOTER: usize = 48;
const TRAILER: usize = 5;

fn varint(data: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *data.get(*pos)?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn block(data: &[u8], offset: u64, size: u64) -> Option<Vec<u8>> {
    let (start, size) = (usize::try_from(offset).ok()?, usize::try_from(size).ok()?);
    let raw = data.get(start..start.checked_add(size)?)?;
    match data.get(start + size)? {
        0 => Some(raw.to_vec()),
        1 => snap::raw::Decoder::new().decompress_vec(raw).ok(),
        _ => None,
    }
}

/// Every data block of a LevelDB table file, decompressed; empty for any other file.
pub fn table_blocks(data: &[u8]) -> Vec<Vec<u8>> {
    let mut blocks = Vec::new();
    if data.len() < FOOTER + TRAILER {
        return blocks;
    }
    let footer = &data[data.len() - FOOTER..];
    if u64::from_le_bytes(footer[40..48].try_into().unwrap()) != MAGIC {
        return blocks;
    }
    let mut pos = 0;
    let handles = (|| {
        let _meta = (varint(footer, &mut pos)?, varint(footer, &mut pos)?);
        Some((varint(footer, &mut pos)?, varint(footer, &mut pos)?))
    })();
    let Some((index_offset, index_size)) = handles else {
        return blocks;
    };
    let Some(index) = block(data, index_offset, index_size) else {
        return blocks;
    };
    if index.len() < 4 {
        return blocks;
    }
    let restarts = u32::from_le_bytes(index[index.len() - 4..].try_into().unwrap()) as usize;
    let end = index.len().saturating_sub(4 + 4 * restarts);
    let mut pos = 0;
    while pos < end {
        let entry = (|| {
            let _shared = varint(&index, &mut pos)?;
            let non_shared = varint(&index, &mut pos)? as usize;
            let value_len = varint(&index, &mut pos)? as usize;
            pos += non_shared;
            let value_end = pos + value_len;
            let handle = (varint(&index, &mut pos)?, varint(&index, &mut pos)?);
            pos = value_end;
            Some(handle)
        })();
        match entry {
            Some((offset, size)) => blocks.extend(block(data, offset, size)),
            None => break,
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-block table, Snappy-compressed, written the way LevelDB lays it out.
    #[test]
    fn reads_a_compressed_table() {
        let payload = b"hello hello hello hello hidden-text hello hello".to_vec();
        let compressed = snap::raw::Encoder::new().compress_vec(&payload).unwrap();
        let mut file = compressed.clone();
        file.extend_from_slice(&[1, 0, 0, 0, 0]);
        // Index block: one entry (shared 0, non-shared 1, value len 2) key "k", handle (0, len).
        let mut index = vec![0, 1, 2, b'k', 0, compressed.len() as u8];
        index.extend_from_slice(&0u32.to_le_bytes());
        let index_offset = file.len();
        file.extend_from_slice(&index);
        file.extend_from_slice(&[0, 0, 0, 0, 0]);
        let mut footer = vec![0, 0, index_offset as u8, index.len() as u8];
        footer.resize(40, 0);
        footer.extend_from_slice(&MAGIC.to_le_bytes());
        file.extend_from_slice(&footer);
        assert!(!super::super::contains_text(&file, "hidden-text"));
        let blocks = table_blocks(&file);
        assert_eq!(blocks, vec![payload]);
    }
}
