//! A small, bounded uudecoder for `begin 644 name` … `end` blocks in text
//! bodies (POSIX `uuencode`; still used to smuggle attachments past
//! MIME-only scanners).

/// Most uuencoded blocks taken from one text body.
pub const MAX_UU_BLOCKS: usize = 100;

/// A file found in a text body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UuFile {
    /// The name on the `begin` line.
    pub(crate) name: String,
    /// The decoded bytes.
    pub(crate) data: Vec<u8>,
}

/// Every uuencoded block of `text`, at most [`MAX_UU_BLOCKS`]. A block
/// ends at `end`, at a line that is not uuencoded, or at the end of the
/// text; a `begin` line without any data line is ignored.
pub(crate) fn decode_blocks(text: &str) -> Vec<UuFile> {
    let mut out = Vec::new();
    if !text.contains("begin ") {
        return out;
    }
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if out.len() >= MAX_UU_BLOCKS {
            break;
        }
        let Some(name) = begin_name(line) else { continue };
        if let Some(data) = decode_body(&mut lines) {
            out.push(UuFile { name, data });
        }
    }
    out
}

/// The file name of a `begin <octal mode> <name>` line.
fn begin_name(line: &str) -> Option<String> {
    let rest = line.strip_prefix("begin ")?;
    let (mode, name) = rest.trim_start().split_once(' ')?;
    let octal = (1..=4).contains(&mode.len())
        && mode.bytes().all(|b| (b'0'..=b'7').contains(&b));
    let name = name.trim();
    (octal && !name.is_empty()).then(|| name.to_string())
}

/// Decodes data lines up to `end` or the first line that is not one.
fn decode_body<'a>(
    lines: &mut impl Iterator<Item = &'a str>,
) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    let mut valid = 0usize;
    for line in lines {
        if line.trim_end() == "end" {
            break;
        }
        let Some(bytes) = decode_line(line.as_bytes()) else { break };
        data.extend_from_slice(&bytes);
        valid = valid.saturating_add(1);
    }
    (valid > 0).then_some(data)
}

/// The value of one uuencoded character (space and backquote are 0).
fn sixbit(c: u8) -> Option<u32> {
    (0x20..=0x60).contains(&c).then(|| u32::from(c.wrapping_sub(0x20) & 0x3f))
}

/// Decodes one data line: a length character, then groups of four
/// characters for three bytes. Encoders that strip trailing spaces are
/// tolerated (missing characters count as 0).
fn decode_line(line: &[u8]) -> Option<Vec<u8>> {
    let (&first, rest) = line.split_first()?;
    let n = usize::try_from(sixbit(first)?).ok()?;
    let needed = n.div_ceil(3).saturating_mul(4);
    let chars = rest.get(..needed).unwrap_or(rest);
    if chars.len().saturating_add(3) < needed {
        return None;
    }
    let mut out = Vec::with_capacity(needed);
    for group in chars.chunks(4) {
        let mut v = 0u32;
        for k in 0..4 {
            let c = group.get(k).copied().unwrap_or(b' ');
            v = v.wrapping_shl(6) | sixbit(c)?;
        }
        let [_, a, b, c] = v.to_be_bytes();
        out.extend_from_slice(&[a, b, c]);
    }
    out.truncate(n);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_block() {
        // `uuencode` of "Cat" and of "hello world\n".
        let text = "hi\nbegin 644 cat.txt\n#0V%T\n`\nend\nbye\n\
                    begin 600 h.txt\r\n,:&5L;&\\@=V]R;&0*\r\n`\r\nend\r\n";
        let files = decode_blocks(text);
        assert_eq!(
            files,
            [
                UuFile { name: "cat.txt".into(), data: b"Cat".to_vec() },
                UuFile {
                    name: "h.txt".into(),
                    data: b"hello world\n".to_vec()
                },
            ]
        );
    }

    #[test]
    fn prose_is_not_a_block() {
        assert!(decode_blocks("begin 644 x\nThis is just text.\n").is_empty());
        assert!(decode_blocks("begin now please\n#0V%T\nend\n").is_empty());
        assert!(decode_blocks("no blocks").is_empty());
    }
}
