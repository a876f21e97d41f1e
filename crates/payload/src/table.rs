//! The table of known encodings: data in `encodings.txt`, parsed by a
//! small line parser.

use std::sync::LazyLock;

use crate::{Algorithm, PayloadError};

/// The built-in table's source, compiled into the crate.
const BUILTIN_TEXT: &str = include_str!("encodings.txt");

static BUILTIN: LazyLock<Table> = LazyLock::new(|| {
    // The file is part of the crate and its parse is unit-tested, so
    // this cannot fail in a build that passed its tests.
    Table::parse(BUILTIN_TEXT).expect("src/encodings.txt parses")
});

/// One known 8.t encoding: how to recognise it and how to undo it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoding {
    /// The name: the header in hex, as rr_decoder names its decoders
    /// (`b0747746`).
    pub name: String,
    /// The first 4 bytes of an encoded payload.
    pub header: [u8; 4],
    /// The algorithm and its key.
    pub algorithm: Algorithm,
    /// Bytes overwritten after decoding: `(offset, value)`.
    pub fixups: Vec<(usize, u8)>,
}

impl Encoding {
    /// Whether payloads with this header can be decoded (the key is
    /// known), rather than only identified.
    pub fn can_decode(&self) -> bool {
        self.algorithm.can_decode()
    }

    /// Decodes `data` (or a prefix of it) without checking the result;
    /// `None` when the key is not known.
    pub fn apply(&self, data: &[u8]) -> Option<Vec<u8>> {
        let mut out = self.algorithm.apply(data)?;
        for (offset, value) in &self.fixups {
            if let Some(b) = out.get_mut(*offset) {
                *b = *value;
            }
        }
        Some(out)
    }
}

/// A table of encodings, identified by their first 4 bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    entries: Vec<Encoding>,
}

impl Table {
    /// The table compiled into the crate (`src/encodings.txt`).
    pub fn builtin() -> &'static Table {
        &BUILTIN
    }

    /// Parses a table in the format of `src/encodings.txt`: one entry a
    /// line, `<8 hex digits> <algorithm> <name>=<value>…`, `#` comments.
    pub fn parse(text: &str) -> Result<Table, PayloadError> {
        let mut table = Table::default();
        for (index, raw) in text.lines().enumerate() {
            let line = index.saturating_add(1);
            let content = raw.split('#').next().unwrap_or_default().trim();
            if content.is_empty() {
                continue;
            }
            let entry = parse_line(content, line)?;
            if table.identify(&entry.header).is_some() {
                let header = entry.header;
                return Err(PayloadError::DuplicateHeader { line, header });
            }
            table.entries.push(entry);
        }
        Ok(table)
    }

    /// Appends the entries of `other` whose headers this table lacks.
    pub fn extend(&mut self, other: Table) {
        for entry in other.entries {
            if self.identify(&entry.header).is_none() {
                self.entries.push(entry);
            }
        }
    }

    /// The entries, in file order.
    pub fn entries(&self) -> &[Encoding] {
        &self.entries
    }

    /// The encoding whose header `data` starts with.
    pub fn identify(&self, data: &[u8]) -> Option<&Encoding> {
        let head = data.get(..4)?;
        self.entries.iter().find(|e| e.header == head)
    }
}

fn parse_line(content: &str, line: usize) -> Result<Encoding, PayloadError> {
    let mut fields = content.split_whitespace();
    let header_text = fields.next().unwrap_or_default();
    let header = parse_header(header_text).ok_or_else(|| {
        PayloadError::BadHeader { line, found: header_text.into() }
    })?;
    let algorithm_name = fields.next().unwrap_or_default();
    let params = Params::parse(fields, line)?;
    let algorithm = params.algorithm(algorithm_name)?;
    params.check_used(&algorithm)?;
    Ok(Encoding {
        name: header_text.to_ascii_lowercase(),
        header,
        algorithm,
        fixups: params.fixups,
    })
}

fn parse_header(text: &str) -> Option<[u8; 4]> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let value = u32::from_str_radix(text, 16).ok()?;
    Some(value.to_be_bytes())
}

/// The `name=value` fields of one line.
struct Params<'a> {
    line: usize,
    pairs: Vec<(&'a str, &'a str)>,
    fixups: Vec<(usize, u8)>,
}

impl<'a> Params<'a> {
    fn parse(
        fields: impl Iterator<Item = &'a str>,
        line: usize,
    ) -> Result<Params<'a>, PayloadError> {
        let mut params =
            Params { line, pairs: Vec::new(), fixups: Vec::new() };
        for field in fields {
            let Some((name, value)) = field.split_once('=') else {
                return Err(params.bad(field));
            };
            if name == "fix" {
                let fix =
                    parse_fixup(value).ok_or_else(|| params.bad(field))?;
                params.fixups.push(fix);
            } else {
                params.pairs.push((name, value));
            }
        }
        Ok(params)
    }

    fn bad(&self, found: &str) -> PayloadError {
        PayloadError::BadParameter { line: self.line, found: found.into() }
    }

    fn get(&self, name: &'static str) -> Result<&'a str, PayloadError> {
        let found = self.pairs.iter().find(|(n, _)| *n == name);
        found
            .map(|(_, v)| *v)
            .ok_or(PayloadError::MissingParameter { line: self.line, name })
    }

    fn number<T: TryFrom<u64>>(
        &self,
        name: &'static str,
    ) -> Result<T, PayloadError> {
        let text = self.get(name)?;
        let value = parse_number(text).and_then(|v| T::try_from(v).ok());
        value.ok_or_else(|| self.bad(&format!("{name}={text}")))
    }

    /// A text key; `?` means unknown.
    fn key(&self) -> Result<Option<Vec<u8>>, PayloadError> {
        let key = self.get("key")?;
        Ok((key != "?").then(|| key.as_bytes().to_vec()))
    }

    fn algorithm(&self, name: &str) -> Result<Algorithm, PayloadError> {
        Ok(match name {
            "shift-register" => Algorithm::ShiftRegister {
                seed: self.number("seed")?,
                tap: self.number("tap")?,
                add: self.number("add")?,
            },
            "xor" => Algorithm::Xor { key: self.number("key")? },
            "xor-even" => Algorithm::XorEven { key: self.number("key")? },
            "xor-add" => Algorithm::XorAdd {
                xor: self.number("xor")?,
                add: self.number("add")?,
            },
            "rc4" => Algorithm::Rc4 { key: self.key()? },
            "xor-repeat" => Algorithm::RepeatingXor { key: self.key()? },
            "unknown" => Algorithm::Unknown,
            _ => {
                let found = name.to_string();
                return Err(PayloadError::UnknownAlgorithm {
                    line: self.line,
                    found,
                });
            }
        })
    }

    /// Rejects parameters the algorithm does not take (typos).
    fn check_used(&self, algorithm: &Algorithm) -> Result<(), PayloadError> {
        let known: &[&str] = match algorithm {
            Algorithm::ShiftRegister { .. } => &["seed", "tap", "add"],
            Algorithm::XorAdd { .. } => &["xor", "add"],
            Algorithm::Unknown => &[],
            _ => &["key"],
        };
        match self.pairs.iter().find(|(n, _)| !known.contains(n)) {
            Some((n, v)) => Err(self.bad(&format!("{n}={v}"))),
            None => Ok(()),
        }
    }
}

/// A decimal or `0x` hexadecimal number.
fn parse_number(text: &str) -> Option<u64> {
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// `<offset>:<hex byte>`.
fn parse_fixup(text: &str) -> Option<(usize, u8)> {
    let (offset, value) = text.split_once(':')?;
    Some((offset.parse().ok()?, u8::from_str_radix(value, 16).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MZ: [u8; 2] = *b"MZ";

    #[test]
    fn builtin_table_parses_and_lists_the_threat_model_headers() {
        let table = Table::parse(BUILTIN_TEXT).unwrap();
        assert_eq!(table.entries().len(), 14);
        assert_eq!(Table::builtin(), &table);
    }

    /// Known plaintext: every decodable entry turns its own header into
    /// "MZ" (the derivation the crate docs describe).
    #[test]
    fn every_builtin_key_decodes_its_header_to_mz() {
        for e in Table::builtin().entries() {
            let out = e.apply(&e.header).unwrap();
            assert_eq!(out[..2], MZ, "{}", e.name);
        }
    }

    #[test]
    fn comments_blank_lines_and_unknown_keys() {
        let t = Table::parse("# c\n\n01020304 rc4 key=?  # later\n").unwrap();
        let e = t.identify(&[1, 2, 3, 4, 5]).unwrap();
        assert!(!e.can_decode());
        assert_eq!(e.name, "01020304");
        assert!(t.identify(&[1, 2, 3]).is_none());
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            (
                "0102 xor key=1",
                PayloadError::BadHeader { line: 1, found: "0102".into() },
            ),
            (
                "+1020304 xor key=1",
                PayloadError::BadHeader { line: 1, found: "+1020304".into() },
            ),
            (
                "01020304 rot13",
                PayloadError::UnknownAlgorithm {
                    line: 1,
                    found: "rot13".into(),
                },
            ),
            (
                "\n01020304 xor",
                PayloadError::MissingParameter { line: 2, name: "key" },
            ),
            (
                "01020304 xor key=300",
                PayloadError::BadParameter {
                    line: 1,
                    found: "key=300".into(),
                },
            ),
            (
                "01020304 xor key=1 kee=2",
                PayloadError::BadParameter { line: 1, found: "kee=2".into() },
            ),
            (
                "01020304 xor key=1 fix=a",
                PayloadError::BadParameter { line: 1, found: "fix=a".into() },
            ),
            (
                "01020304 unknown\n01020304 unknown",
                PayloadError::DuplicateHeader {
                    line: 2,
                    header: [1, 2, 3, 4],
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Table::parse(text).unwrap_err(), want, "{text}");
        }
    }

    #[test]
    fn extend_keeps_existing_headers() {
        let mut t = Table::parse("01020304 xor key=1").unwrap();
        t.extend(
            Table::parse("01020304 xor key=2\n05060708 unknown").unwrap(),
        );
        assert_eq!(t.entries().len(), 2);
        assert_eq!(t.entries()[0].algorithm, Algorithm::Xor { key: 1 });
    }

    #[test]
    fn fixups_apply_after_decoding() {
        let t =
            Table::parse("b2a66dff xor key=0xfc fix=0:4d fix=2:90").unwrap();
        let e = &t.entries()[0];
        assert_eq!(
            e.apply(&[0xb2, 0xa6, 0x6d, 0xff]).unwrap(),
            [0x4d, 0x5a, 0x90, 0x03]
        );
    }
}
