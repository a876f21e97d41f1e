//! Strings of binary objects: printable ASCII and UTF-16LE runs.

use crate::{ObservableSet, extract};

/// How many bytes of one object are scanned for strings.
pub const MAX_BINARY_BYTES: usize = 16 << 20;
/// The shortest run of printable characters taken as a string.
pub const MIN_STRING_CHARS: usize = 6;
/// Strings are gathered into batches of about this many bytes, one
/// [`extract`] call each.
const BATCH_BYTES: usize = 1 << 20;

/// Appends the observables found in the strings of a binary object: runs
/// of at least [`MIN_STRING_CHARS`] printable ASCII characters, and
/// UTF-16LE runs (ASCII, Latin-1 and Cyrillic letters, at either byte
/// alignment), within the first [`MAX_BINARY_BYTES`] bytes.
pub fn extract_bytes(data: &[u8], out: &mut ObservableSet) {
    strings(data, MAX_BINARY_BYTES, out);
}

/// [`extract_bytes`] on the first `cap` bytes.
fn strings(data: &[u8], cap: usize, out: &mut ObservableSet) {
    let data = data.get(..cap).unwrap_or(data);
    let mut batch = Batch { text: String::new(), out };
    for run in data.split(|b| !is_printable(*b)) {
        if run.len() >= MIN_STRING_CHARS {
            batch.push(&String::from_utf8_lossy(run));
        }
    }
    for skip in 0..2 {
        utf16_runs(data.get(skip..).unwrap_or_default(), &mut batch);
    }
    batch.flush();
}

/// Strings waiting for one [`extract`] call, newline-separated (no
/// observable spans a newline).
struct Batch<'s> {
    text: String,
    out: &'s mut ObservableSet,
}

impl Batch<'_> {
    fn push(&mut self, run: &str) {
        self.text.push_str(run);
        self.text.push('\n');
        if self.text.len() >= BATCH_BYTES {
            self.flush();
        }
    }

    fn flush(&mut self) {
        extract(&self.text, self.out);
        self.text.clear();
    }
}

fn is_printable(b: u8) -> bool {
    (0x20..0x7f).contains(&b) || b == b'\t'
}

/// Pushes each long enough run of printable UTF-16LE code units.
fn utf16_runs(data: &[u8], batch: &mut Batch<'_>) {
    let mut run = String::new();
    let mut chars = 0usize;
    for pair in data.chunks_exact(2) {
        let unit = u16::from_le_bytes([pair[0], pair[1]]);
        match char::from_u32(u32::from(unit)).filter(|c| is_printable_wide(*c))
        {
            Some(c) => {
                run.push(c);
                chars = chars.saturating_add(1);
            }
            None => {
                if chars >= MIN_STRING_CHARS {
                    batch.push(&run);
                }
                run.clear();
                chars = 0;
            }
        }
    }
    if chars >= MIN_STRING_CHARS {
        batch.push(&run);
    }
}

/// Printable ASCII, or a Latin-1/Latin Extended/Greek/Cyrillic letter or
/// digit (wider ranges would turn random bytes into CJK "text").
fn is_printable_wide(c: char) -> bool {
    let ascii = u8::try_from(c).is_ok_and(is_printable);
    ascii || (('\u{a0}'..='\u{4ff}').contains(&c) && c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use counterspy_model::ObservableKind;

    fn utf16(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn ascii_runs() {
        let mut data = vec![0u8, 1, 2];
        data.extend_from_slice(b"connect to evil.example.ru now");
        data.extend_from_slice(&[0xff, 0, 7]);
        data.extend_from_slice(b"a.ru"); // too short a run
        let mut set = ObservableSet::new();
        extract_bytes(&data, &mut set);
        assert!(set.contains(ObservableKind::Domain, "evil.example.ru"));
        assert!(!set.contains(ObservableKind::Domain, "a.ru"));
    }

    #[test]
    fn utf16_runs_at_both_alignments() {
        for pad in [0usize, 1] {
            let mut data = vec![0x90; pad];
            data.extend(utf16("http://10.1.2.3/gate.php"));
            data.extend([0xff, 0xfe, 0xfd, 0xd8]);
            data.extend(utf16("почта@пример.рф"));
            let mut set = ObservableSet::new();
            extract_bytes(&data, &mut set);
            assert!(
                set.contains(ObservableKind::Url, "http://10.1.2.3/gate.php"),
                "{pad}"
            );
            assert!(set.contains(ObservableKind::Ipv4, "10.1.2.3"), "{pad}");
            assert!(
                set.contains(ObservableKind::Domain, "xn--e1afmkfd.xn--p1ai"),
                "{pad}"
            );
        }
    }

    #[test]
    fn bounded() {
        let data = b"a.example.com, beyond.example.com ";
        let mut set = ObservableSet::new();
        strings(data, 16, &mut set);
        assert!(set.contains(ObservableKind::Domain, "a.example.com"));
        assert!(!set.contains(ObservableKind::Domain, "beyond.example.com"));
        assert_eq!(set.len(), 1);
    }
}
