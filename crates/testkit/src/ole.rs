//! Compound files (OLE2/CFB) holding embedded objects, written with cfb:
//! Equation Editor objects with benign or exploit-shaped MTEF, OLE
//! Package objects, Word and Excel documents and encrypted packages.
//!
//! Everything is inert by construction. The exploit-shaped MTEF records
//! overflow only by their length: the "overflowing" font names are runs
//! of `A` (0x41) followed by a fake return address, the oversized matrix
//! partition arrays are `A`s too, and no byte of shellcode is present.
//!
//! ```
//! use counterspy_testkit::ole::{CfbBuilder, EQUATION3_CLSID, mtef_benign};
//! let doc = CfbBuilder::new()
//!     .root_clsid(EQUATION3_CLSID)
//!     .stream("Equation Native", mtef_benign())
//!     .storage("ObjectPool/_1")
//!     .stream("ObjectPool/_1/data", b"x".to_vec())
//!     .build();
//! assert!(doc.starts_with(b"\xD0\xCF\x11\xE0"));
//! ```

use std::io::{Cursor, Write};

use cfb::{CompoundFile, Version};

/// Microsoft Equation 3.0.
pub const EQUATION3_CLSID: &str = "0002CE02-0000-0000-C000-000000000046";
/// OLE Package.
pub const PACKAGE_CLSID: &str = "0003000C-0000-0000-C000-000000000046";
/// StdOleLink.
pub const STD_OLE_LINK_CLSID: &str = "00000300-0000-0000-C000-000000000046";
/// Word 97–2003 document.
pub const WORD8_CLSID: &str = "00020906-0000-0000-C000-000000000046";
/// Excel 97–2003 worksheet.
pub const EXCEL8_CLSID: &str = "00020820-0000-0000-C000-000000000046";

/// Size of `EQNOLEFILEHDR`.
pub const EQN_HEADER_LEN: usize = 0x1C;
/// Offset, in every `mtef_*` fixture, of the record that carries the
/// exploit shape (the FONT or MATRIX record): the 28-byte header, the
/// 5-byte MTEF header, a FULL and a LINE record.
pub const MTEF_RECORD_OFFSET: u64 = 35;
/// The fake return address after the CVE-2017-11882 font name (the
/// classic `call WinExec` address public rules look for).
pub const FAKE_RETURN: [u8; 4] = [0x12, 0x0C, 0x43, 0x00];

/// One entry of a compound file being described.
#[derive(Clone, Debug)]
enum Entry {
    Storage { path: String, clsid: Option<String> },
    Stream { path: String, data: Vec<u8> },
}

/// Describes a compound file: storages (with CLSIDs) and streams, by
/// `/`-separated path; parent storages are created as needed.
#[derive(Clone, Debug, Default)]
pub struct CfbBuilder {
    root_clsid: Option<String>,
    entries: Vec<Entry>,
}

impl CfbBuilder {
    /// An empty compound file.
    pub fn new() -> CfbBuilder {
        CfbBuilder::default()
    }

    /// Sets the root storage's CLSID.
    pub fn root_clsid(mut self, clsid: &str) -> CfbBuilder {
        self.root_clsid = Some(clsid.to_string());
        self
    }

    /// Adds a storage.
    pub fn storage(mut self, path: &str) -> CfbBuilder {
        let path = path.to_string();
        self.entries.push(Entry::Storage { path, clsid: None });
        self
    }

    /// Adds a storage with a CLSID.
    pub fn storage_with_clsid(
        mut self,
        path: &str,
        clsid: &str,
    ) -> CfbBuilder {
        let (path, clsid) = (path.to_string(), Some(clsid.to_string()));
        self.entries.push(Entry::Storage { path, clsid });
        self
    }

    /// Adds a stream.
    pub fn stream(
        mut self,
        path: &str,
        data: impl Into<Vec<u8>>,
    ) -> CfbBuilder {
        let path = path.to_string();
        self.entries.push(Entry::Stream { path, data: data.into() });
        self
    }

    /// Writes the compound file (version 3, 512-byte sectors).
    pub fn build(&self) -> Vec<u8> {
        let cursor = Cursor::new(Vec::new());
        let mut cf = CompoundFile::create_with_version(Version::V3, cursor)
            .expect("create compound file");
        if let Some(clsid) = &self.root_clsid {
            cf.set_storage_clsid("/", clsid.parse().expect("CLSID"))
                .expect("root CLSID");
        }
        for entry in &self.entries {
            match entry {
                Entry::Storage { path, clsid } => {
                    let path = format!("/{path}");
                    cf.create_storage_all(&path).expect("storage");
                    if let Some(clsid) = clsid {
                        let clsid = clsid.parse().expect("CLSID");
                        cf.set_storage_clsid(&path, clsid).expect("CLSID");
                    }
                }
                Entry::Stream { path, data } => {
                    let path = format!("/{path}");
                    if let Some((parent, _)) = path.rsplit_once('/')
                        && !parent.is_empty()
                    {
                        cf.create_storage_all(parent).expect("parent");
                    }
                    let mut s = cf.create_stream(&path).expect("stream");
                    s.write_all(data).expect("write");
                }
            }
        }
        fix_storage_times(&mut cf);
        cf.flush().expect("flush");
        cf.into_inner().into_inner()
    }
}

/// Sets every storage's creation and modification time to 2022-06-01
/// 00:00:00 UTC: cfb stamps the clock's time, which would change the
/// bytes from one run to the next.
pub(crate) fn fix_storage_times<F>(cf: &mut cfb::CompoundFile<F>)
where
    F: std::io::Read + std::io::Write + std::io::Seek,
{
    let time =
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_654_041_600);
    let storages: Vec<_> = cf
        .walk()
        .filter(|e| !e.is_stream())
        .map(|e| e.path().to_path_buf())
        .collect();
    for path in storages {
        cf.set_created_time(&path, time).expect("created");
        cf.set_modified_time(&path, time).expect("modified");
    }
}

/// An `EQNOLEFILEHDR` announcing `mtef_len` bytes of MTEF.
fn eqn_header(mtef_len: usize) -> Vec<u8> {
    let mut h = Vec::with_capacity(EQN_HEADER_LEN);
    h.extend(0x1Cu16.to_le_bytes()); // cbHdr
    h.extend(0x0002_0000u32.to_le_bytes()); // version
    h.extend(0xC49Eu16.to_le_bytes()); // cf
    h.extend((mtef_len as u32).to_le_bytes()); // cbObject
    h.extend([0; 16]); // reserved
    h
}

/// The header, the MTEF v3 header (Windows, Equation Editor 3.0), a FULL
/// and a LINE record, then `records`.
fn equation(records: &[u8]) -> Vec<u8> {
    let mut mtef = vec![3, 1, 1, 3, 0x0A]; // v3, Windows, EE, 3.10
    mtef.extend([0x0A, 0x01]); // FULL, LINE
    mtef.extend(records);
    let mut out = eqn_header(mtef.len());
    out.extend(mtef);
    out
}

/// A CHAR record: typeface 0x83 (text), the character.
fn char_record(c: char) -> Vec<u8> {
    let mut r = vec![0x02, 0x83];
    r.extend((c as u16).to_le_bytes());
    r
}

/// `x + y` and a 2×2 matrix of `a b / c d`, with a FONT record naming
/// "Times New Roman": what Equation Editor writes for a small equation.
pub fn mtef_benign() -> Vec<u8> {
    let mut r = vec![0x08, 0x83, 0x00];
    r.extend(b"Times New Roman\0");
    for c in ['x', '+', 'y'] {
        r.extend(char_record(c));
    }
    // MATRIX: valign, h_just, v_just, 2 rows, 2 cols, 1 byte of row
    // partitions, 1 byte of column partitions, then one LINE per cell.
    r.extend([0x05, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00]);
    for c in ['a', 'b', 'c', 'd'] {
        r.push(0x01);
        r.extend(char_record(c));
        r.push(0x00);
    }
    r.extend([0x00, 0x00, 0x00]); // end matrix, line, equation
    equation(&r)
}

/// A FONT record whose name is `name_len` `A`s then `tail`, inert.
fn long_font(name_len: usize, tail: &[u8]) -> Vec<u8> {
    let mut r = vec![0x08, 0x5A, 0x5A];
    r.extend(std::iter::repeat_n(b'A', name_len));
    r.extend(tail);
    r.extend([0x00, 0x00]);
    r
}

/// The CVE-2017-11882 shape: `0a 01 08 5a 5a`, a 44-byte font name of
/// `A`s and the fake return address [`FAKE_RETURN`] (its NUL ends the
/// name: 47 bytes). The FONT record is at [`MTEF_RECORD_OFFSET`].
pub fn mtef_cve_2017_11882() -> Vec<u8> {
    equation(&long_font(44, &FAKE_RETURN))
}

/// The CVE-2018-0802 shape: a 0x94-byte font name of `A`s then a fake
/// two-byte partial return address (`25` and the NUL): 149 bytes.
pub fn mtef_cve_2018_0802() -> Vec<u8> {
    equation(&long_font(0x94, &[0x25, 0x00]))
}

/// The CVE-2018-0798 shape: a MATRIX record of 64 rows and 64 columns,
/// whose partition-line arrays (17 bytes each) are `A`s.
pub fn mtef_cve_2018_0798() -> Vec<u8> {
    let mut r = vec![0x05, 0x00, 0x00, 0x00, 0x40, 0x40];
    r.extend([b'A'; 34]);
    r.extend([0x00, 0x00, 0x00]);
    equation(&r)
}

/// A `\x01CompObj` stream (MS-OLEDS 2.3.8) for `user_type` and
/// `prog_id`.
pub fn comp_obj(user_type: &str, prog_id: &str) -> Vec<u8> {
    let mut d = vec![0x01, 0x00, 0xFE, 0xFF, 0x03, 0x0A, 0x00, 0x00];
    d.extend([0xFF; 4]);
    d.extend([0; 16]);
    for s in [user_type, "", prog_id] {
        if s.is_empty() {
            d.extend(0u32.to_le_bytes());
            continue;
        }
        d.extend((s.len() as u32 + 1).to_le_bytes());
        d.extend(s.as_bytes());
        d.push(0);
    }
    d.extend(0x71B2_39F4u32.to_le_bytes()); // unicode marker
    d.extend([0; 12]);
    d
}

/// An Equation Editor 3.0 object: the Equation CLSID on the root, a
/// `\x01CompObj` stream (`Equation.3`) and `Equation Native` holding
/// `native` (an `mtef_*` fixture).
pub fn equation_object(native: &[u8]) -> Vec<u8> {
    CfbBuilder::new()
        .root_clsid(EQUATION3_CLSID)
        .stream(
            "\u{1}CompObj",
            comp_obj("Microsoft Equation 3.0", "Equation.3"),
        )
        .stream("\u{3}ObjInfo", vec![0x00, 0x00, 0x03, 0x00, 0x04, 0x00])
        .stream("Equation Native", native.to_vec())
        .build()
}

/// OLE Package native data (the `\x01Ole10Native` stream): size, `2`,
/// NUL-terminated label and source path, `0x00030000`, length-prefixed
/// temp path, payload size and payload.
pub fn ole10native(
    label: &str,
    source: &str,
    temp: &str,
    payload: &[u8],
) -> Vec<u8> {
    let mut body = vec![0x02, 0x00];
    for s in [label, source] {
        body.extend(s.as_bytes());
        body.push(0);
    }
    body.extend(0x0003_0000u32.to_le_bytes());
    body.extend((temp.len() as u32 + 1).to_le_bytes());
    body.extend(temp.as_bytes());
    body.push(0);
    body.extend((payload.len() as u32).to_le_bytes());
    body.extend(payload);
    let mut out = (body.len() as u32).to_le_bytes().to_vec();
    out.extend(body);
    out
}

/// An OLE Package object: the Package CLSID on the root, `\x01CompObj`
/// (`Package`) and `\x01Ole10Native` from [`ole10native`].
pub fn package_object(
    label: &str,
    source: &str,
    temp: &str,
    payload: &[u8],
) -> Vec<u8> {
    CfbBuilder::new()
        .root_clsid(PACKAGE_CLSID)
        .stream("\u{1}CompObj", comp_obj("OLE Package", "Package"))
        .stream("\u{1}Ole10Native", ole10native(label, source, temp, payload))
        .build()
}

/// A minimal Word 97 FIB (`wIdent` 0xA5EC, nFib 0xC1) with `flags` at
/// 0x0A, padded to 0x200 bytes.
fn fib(flags: u16) -> Vec<u8> {
    let mut f = vec![0u8; 0x200];
    f[0..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
    f[2..4].copy_from_slice(&0x00C1u16.to_le_bytes());
    f[0x0A..0x0C].copy_from_slice(&flags.to_le_bytes());
    f
}

/// A Word 97–2003 document whose `WordDocument` stream holds a FIB and
/// `text` (8-bit). Field codes are written with 0x13 (begin), 0x14
/// (separator) and 0x15 (end), as in
/// `"\u{13} DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/k calc.exe\" \u{14}\u{15}"`.
pub fn word_document(text: &str) -> Vec<u8> {
    word_builder(text, 0).build()
}

/// A Word document whose FIB has fEncrypted set (RC4), the rest random.
pub fn encrypted_word_document() -> Vec<u8> {
    word_builder("\u{1}\u{2}garbled", 0x0100).build()
}

/// The builder behind [`word_document`], to add storages (macros,
/// `ObjectPool`).
pub fn word_builder(text: &str, fib_flags: u16) -> CfbBuilder {
    let mut stream = fib(fib_flags);
    stream.extend(text.bytes());
    CfbBuilder::new()
        .root_clsid(WORD8_CLSID)
        .stream(
            "\u{1}CompObj",
            comp_obj("Microsoft Word 97-2003 Document", "Word.Document.8"),
        )
        .stream("WordDocument", stream)
        .stream("1Table", vec![0u8; 64])
}

/// An encrypted OOXML package (MS-OFFCRYPTO): `EncryptionInfo` with
/// agile version 4.4 and an XML descriptor, `EncryptedPackage` with its
/// size and pseudo-random bytes, and the `\x06DataSpaces` storage.
pub fn encrypted_ooxml() -> Vec<u8> {
    let mut info = vec![4, 0, 4, 0, 0x40, 0, 0, 0];
    info.extend(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
          <encryption xmlns=\"http://schemas.microsoft.com/office/2006/encryption\">\
          <keyData saltSize=\"16\" blockSize=\"16\" keyBits=\"256\" \
          cipherAlgorithm=\"AES\" cipherChaining=\"ChainingModeCBC\" \
          hashAlgorithm=\"SHA512\"/></encryption>",
    );
    let mut package = 4096u64.to_le_bytes().to_vec();
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..4096 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        package.push((x >> 24) as u8);
    }
    CfbBuilder::new()
        .stream("EncryptionInfo", info)
        .stream("EncryptedPackage", package)
        .stream("\u{6}DataSpaces/Version", vec![0x3C, 0, 0, 0])
        .stream("\u{6}DataSpaces/DataSpaceMap", vec![8, 0, 0, 0, 1, 0, 0, 0])
        .build()
}

/// A BIFF8 record.
fn biff(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    out.extend(kind.to_le_bytes());
    out.extend((data.len() as u16).to_le_bytes());
    out.extend(data);
}

/// A BOUNDSHEET record: `state` (0 visible, 1 hidden, 2 very hidden),
/// `sheet_type` (0 worksheet, 1 Excel 4.0 macro sheet), 8-bit name.
fn boundsheet(state: u8, sheet_type: u8, name: &str) -> Vec<u8> {
    let mut d = vec![0, 0, 0, 0, state, sheet_type, name.len() as u8, 0];
    d.extend(name.as_bytes());
    d
}

/// An Excel 97–2003 workbook whose globals substream declares a
/// worksheet `Sheet1` and a very hidden Excel 4.0 macro sheet
/// `macro_sheet`.
pub fn excel4_workbook(macro_sheet: &str) -> Vec<u8> {
    let mut w = Vec::new();
    biff(&mut w, 0x0809, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
    biff(&mut w, 0x0085, &boundsheet(0, 0, "Sheet1"));
    biff(&mut w, 0x0085, &boundsheet(2, 1, macro_sheet));
    biff(&mut w, 0x000A, &[]);
    CfbBuilder::new().root_clsid(EXCEL8_CLSID).stream("Workbook", w).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_have_their_shape() {
        let benign = mtef_benign();
        assert_eq!(&benign[..2], &[0x1C, 0x00]);
        let declared = u32::from_le_bytes(benign[8..12].try_into().unwrap());
        assert_eq!(declared as usize, benign.len() - EQN_HEADER_LEN);
        let x = mtef_cve_2017_11882();
        let font = MTEF_RECORD_OFFSET as usize;
        assert_eq!(&x[font - 2..font + 3], &[0x0A, 0x01, 0x08, 0x5A, 0x5A]);
        assert_eq!(&x[font + 3 + 44..font + 3 + 48], &FAKE_RETURN);
        let m = mtef_cve_2018_0798();
        assert_eq!(m[font], 0x05);
    }

    #[test]
    fn cfb_builds_and_reads_back() {
        let doc = package_object("a.txt", "C:\\a.txt", "C:\\T\\a.txt", b"hi");
        let cf = CompoundFile::open(Cursor::new(&doc)).unwrap();
        let clsid = cf.root_entry().clsid().to_string().to_uppercase();
        assert_eq!(clsid, PACKAGE_CLSID);
        assert!(cf.is_stream("/\u{1}Ole10Native"));
    }
}
