//! Equation Editor native data: the `EQNOLEFILEHDR` of an `Equation
//! Native` stream followed by MTEF v3 records (Design Science, "MTEF
//! Version 3", the format EQNEDT32.EXE reads).
//!
//! The walk is linear: every record is decoded from its tag byte (record
//! type in the low nibble, options in the high nibble) and the lists that
//! records open are tracked by depth only, so a record stream that turns
//! into shellcode after an overflowing FONT record still yields the FONT
//! record and a note where the walk stopped.
//!
//! Exploit thresholds (see the crate docs for the reasoning):
//! [`FONT_NAME_MAX`], [`CVE_2017_11882_MAX_NAME`], [`MATRIX_PARTS_MAX`].

use counterspy_binread::{Cursor, ReadError, u16_at, u32_at};
use counterspy_model::{Finding, FindingKind};

/// Size of `EQNOLEFILEHDR` and the value of its `cbHdr` field.
pub(crate) const EQN_HEADER_LEN: usize = 0x1C;
/// `EQNOLEFILEHDR.version`.
pub(crate) const EQN_HEADER_VERSION: u32 = 0x0002_0000;
/// Longest font name a FONT record can hold without overflowing: the
/// name is copied into a `LOGFONT.lfFaceName`-sized stack buffer
/// (LF_FACESIZE, 32 bytes); public analyses of CVE-2017-11882 take a
/// longer name as the overflow.
pub const FONT_NAME_MAX: usize = 32;
/// Longest overflowing font name still reported as CVE-2017-11882. The
/// 11882 frame puts the return address at name offset 0x2C; a name that
/// overwrites it with an EQNEDT32 address (image base 0x400000, no ASLR)
/// ends at offset 0x2F because the address's high byte is the NUL. Longer
/// names overflow past that frame, which is what the CVE-2018-0802
/// exploits do (a ~0x94-byte name and a two-byte partial overwrite).
pub const CVE_2017_11882_MAX_NAME: usize = 0x30;
/// Most bytes a MATRIX record's row and column partition-line arrays may
/// take together. EQNEDT32 reads them into a fixed stack buffer
/// (CVE-2018-0798); 16 bytes holds the partition lines of a 30×30 matrix,
/// far beyond any equation a person typed.
pub const MATRIX_PARTS_MAX: usize = 16;
/// Most records walked in one equation.
pub const MAX_MTEF_RECORDS: usize = 1 << 16;
/// The classic CVE-2017-11882 return address (a `call WinExec` inside
/// EQNEDT32.EXE, 0x00430C12), as it appears in the font name.
pub const WINEXEC_RETURN: [u8; 4] = [0x12, 0x0C, 0x43, 0x00];

/// MTEF v3 record types (low nibble of the tag byte).
mod tag {
    pub(super) const END: u8 = 0;
    pub(super) const LINE: u8 = 1;
    pub(super) const CHAR: u8 = 2;
    pub(super) const TMPL: u8 = 3;
    pub(super) const PILE: u8 = 4;
    pub(super) const MATRIX: u8 = 5;
    pub(super) const EMBELL: u8 = 6;
    pub(super) const RULER: u8 = 7;
    pub(super) const FONT: u8 = 8;
    pub(super) const SIZE: u8 = 9;
    pub(super) const SUBSYM: u8 = 14;
}

/// MTEF v3 option bits (high nibble of the tag byte).
mod opt {
    /// Nudge values follow the tag.
    pub(super) const LMOVE: u8 = 0x8;
    /// LINE: line spacing follows.
    pub(super) const LSPACE: u8 = 0x4;
    /// LINE, PILE: a RULER record follows.
    pub(super) const RULER: u8 = 0x2;
    /// LINE: placeholder, no object list.
    pub(super) const NULL: u8 = 0x1;
    /// CHAR: an embellishment list follows.
    pub(super) const EMBELL: u8 = 0x2;
}

/// The OLE header of an `Equation Native` stream (`EQNOLEFILEHDR`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EqnHeader {
    /// Header size, 0x1C.
    pub cb_hdr: u16,
    /// Version, 0x00020000.
    pub version: u32,
    /// Clipboard format of the native data.
    pub cf: u16,
    /// Length of the MTEF data that follows.
    pub cb_object: u32,
}

/// The MTEF header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MtefHeader {
    /// MTEF version (2 and 3 from Equation Editor, 5 from MathType).
    pub version: u8,
    /// Platform (0 Macintosh, 1 Windows).
    pub platform: u8,
    /// Product (0 MathType, 1 Equation Editor).
    pub product: u8,
    /// Product version.
    pub product_version: u8,
    /// Product subversion.
    pub product_subversion: u8,
}

/// A FONT record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FontRecord {
    /// Offset of the tag byte in the analysed data.
    pub offset: usize,
    /// Typeface number.
    pub tface: u8,
    /// Style bits.
    pub style: u8,
    /// The name's bytes, without the NUL.
    pub name: Vec<u8>,
    /// Whether a NUL ended the name (else the data ended first).
    pub terminated: bool,
}

impl FontRecord {
    /// Whether the name ends with the classic WinExec return address.
    pub fn ends_with_winexec(&self) -> bool {
        self.terminated && self.name.ends_with(&WINEXEC_RETURN[..3])
    }
}

/// A MATRIX record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatrixRecord {
    /// Offset of the tag byte in the analysed data.
    pub offset: usize,
    /// Number of rows.
    pub rows: u8,
    /// Number of columns.
    pub cols: u8,
    /// Bytes of the row and column partition-line arrays together.
    pub parts_len: usize,
}

/// Why the record walk ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MtefStop {
    /// The END record closing the equation.
    End,
    /// The data ended (possibly inside a record).
    Truncated {
        /// Where the unfinished record started.
        offset: usize,
    },
    /// A tag byte that names no MTEF v3 record.
    UnknownTag {
        /// Where it is.
        offset: usize,
        /// The byte.
        tag: u8,
    },
    /// [`MAX_MTEF_RECORDS`] records were walked.
    TooManyRecords,
    /// An MTEF version whose records are not walked (MathType v5).
    UnsupportedVersion(u8),
    /// No MTEF header could be read.
    NoHeader,
}

/// An exploit shape found in the records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MtefExploit {
    /// [`FindingKind::Cve2017_11882`], [`FindingKind::Cve2018_0802`] or
    /// [`FindingKind::Cve2018_0798`].
    pub kind: FindingKind,
    /// Offset of the record in the analysed data.
    pub offset: usize,
    /// A sentence for the finding.
    pub detail: String,
    /// The overflowing bytes, shown as text.
    pub excerpt: String,
}

/// What [`parse_mtef`](crate::parse_mtef) found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MtefReport {
    /// The OLE header, when the data starts with one.
    pub header: Option<EqnHeader>,
    /// The MTEF header.
    pub mtef: Option<MtefHeader>,
    /// Where the MTEF header starts.
    pub mtef_offset: usize,
    /// Records walked.
    pub records: usize,
    /// FONT records.
    pub fonts: Vec<FontRecord>,
    /// MATRIX records.
    pub matrices: Vec<MatrixRecord>,
    /// Why the walk ended.
    pub stop: Option<MtefStop>,
    /// Exploit shapes, in record order.
    pub exploits: Vec<MtefExploit>,
}

impl MtefReport {
    /// Whether any exploit shape was found.
    pub fn is_exploit(&self) -> bool {
        !self.exploits.is_empty()
    }

    /// One finding per exploit shape, at the record's offset; `place`
    /// names where the data sits (`stream "Equation Native"`).
    pub fn findings(&self, place: &str) -> Vec<Finding> {
        let findings = self.exploits.iter().map(|e| {
            let message = format!("{} ({place})", e.detail);
            Finding::new(e.kind, message)
                .at(e.offset as u64)
                .excerpt(&e.excerpt)
        });
        findings.collect()
    }
}

/// Analyses Equation Editor native data (see the crate docs).
pub(crate) fn parse(data: &[u8]) -> MtefReport {
    let mut report = MtefReport::default();
    let (header, start) = match eqn_header(data) {
        Some(h) => (Some(h), EQN_HEADER_LEN),
        None => (None, 0),
    };
    report.header = header;
    report.mtef_offset = start;
    let end = mtef_end(data.len(), header, start);
    let mtef = data.get(..end).unwrap_or(data);
    let mut cur = Cursor::new(mtef);
    if cur.seek(start, "MTEF header").is_err() {
        report.stop = Some(MtefStop::NoHeader);
        return report;
    }
    let Ok(h) = mtef_header(&mut cur) else {
        report.stop = Some(MtefStop::NoHeader);
        return report;
    };
    report.mtef = Some(h);
    if !matches!(h.version, 2 | 3) {
        report.stop = Some(MtefStop::UnsupportedVersion(h.version));
        return report;
    }
    Walker { cur, version: h.version, report: &mut report }.walk();
    judge(&mut report);
    report
}

/// The OLE header, when the data starts with a plausible one.
fn eqn_header(data: &[u8]) -> Option<EqnHeader> {
    let cb_hdr = u16_at(data, 0)?;
    let version = u32_at(data, 2)?;
    if usize::from(cb_hdr) != EQN_HEADER_LEN || version != EQN_HEADER_VERSION {
        return None;
    }
    let cf = u16_at(data, 6)?;
    let cb_object = u32_at(data, 8)?;
    Some(EqnHeader { cb_hdr, version, cf, cb_object })
}

/// Whether `data` starts with an `EQNOLEFILEHDR`.
pub(crate) fn has_eqn_header(data: &[u8]) -> bool {
    eqn_header(data).is_some()
}

/// Where the MTEF data ends: `cbObject` bytes after the header when that
/// fits, else the end of the data.
fn mtef_end(len: usize, header: Option<EqnHeader>, start: usize) -> usize {
    let declared = header
        .map(|h| h.cb_object as usize)
        .filter(|&n| n > 0)
        .and_then(|n| start.checked_add(n));
    declared.map_or(len, |end| end.min(len))
}

/// Reads the five-byte MTEF header.
fn mtef_header(cur: &mut Cursor<'_>) -> Result<MtefHeader, ReadError> {
    let [version, platform, product, product_version, product_subversion] =
        cur.array::<5>("MTEF header")?;
    Ok(MtefHeader {
        version,
        platform,
        product,
        product_version,
        product_subversion,
    })
}

/// The linear record walk.
struct Walker<'a, 'r> {
    cur: Cursor<'a>,
    version: u8,
    report: &'r mut MtefReport,
}

impl Walker<'_, '_> {
    fn walk(mut self) {
        let mut depth: usize = 0;
        loop {
            if self.report.records >= MAX_MTEF_RECORDS {
                self.report.stop = Some(MtefStop::TooManyRecords);
                return;
            }
            let offset = self.cur.position();
            let Ok(tag_byte) = self.cur.u8("record tag") else {
                self.report.stop = Some(MtefStop::Truncated { offset });
                return;
            };
            self.report.records = self.report.records.saturating_add(1);
            let record = tag_byte & 0x0F;
            let options = tag_byte >> 4;
            if record == tag::END {
                match depth.checked_sub(1) {
                    Some(d) => depth = d,
                    None => {
                        self.report.stop = Some(MtefStop::End);
                        return;
                    }
                }
                continue;
            }
            if record > tag::SUBSYM {
                let stop = MtefStop::UnknownTag { offset, tag: tag_byte };
                self.report.stop = Some(stop);
                return;
            }
            match self.record(record, options, offset) {
                Ok(opens) if opens => depth = depth.saturating_add(1),
                Ok(_) => {}
                Err(_) => {
                    self.report.stop = Some(MtefStop::Truncated { offset });
                    return;
                }
            }
        }
    }

    /// Decodes one record after its tag; `Ok(true)` when it opens a list
    /// that an END record closes.
    fn record(
        &mut self,
        record: u8,
        options: u8,
        offset: usize,
    ) -> Result<bool, ReadError> {
        let nudged = options & opt::LMOVE != 0
            && !matches!(record, tag::RULER | tag::FONT | tag::SIZE);
        if nudged {
            self.nudge()?;
        }
        match record {
            tag::LINE => self.line(options),
            tag::CHAR => {
                // The character is one byte in MTEF v2, two in v3.
                let len = if self.version <= 2 { 2 } else { 3 };
                self.cur.skip(len, "CHAR typeface and character")?;
                Ok(options & opt::EMBELL != 0)
            }
            tag::TMPL => {
                self.cur.skip(3, "TMPL selector, variation, options")?;
                Ok(true)
            }
            tag::PILE => {
                self.cur.skip(2, "PILE alignment")?;
                if options & opt::RULER != 0 {
                    self.ruler_record()?;
                }
                Ok(true)
            }
            tag::MATRIX => self.matrix(offset).map(|()| true),
            tag::EMBELL => self.cur.skip(1, "EMBELL type").map(|()| false),
            tag::RULER => self.ruler().map(|()| false),
            tag::FONT => self.font(offset).map(|()| false),
            tag::SIZE => self.size().map(|()| false),
            // FULL, SUB, SUB2, SYM, SUBSYM: the tag alone.
            _ => Ok(false),
        }
    }

    /// Nudge: two offset bytes, or 128,128 and two 16-bit values.
    fn nudge(&mut self) -> Result<(), ReadError> {
        let [dx, dy] = self.cur.array::<2>("nudge")?;
        if dx == 128 && dy == 128 {
            self.cur.skip(4, "long nudge")?;
        }
        Ok(())
    }

    /// LINE: `[line spacing][RULER][object list]`. The line spacing is one
    /// byte, as rtf2latex2e's Equation Editor reader has it.
    fn line(&mut self, options: u8) -> Result<bool, ReadError> {
        if options & opt::LSPACE != 0 {
            self.cur.skip(1, "LINE spacing")?;
        }
        if options & opt::RULER != 0 {
            self.ruler_record()?;
        }
        Ok(options & opt::NULL == 0)
    }

    /// A RULER record that follows a LINE or PILE, with its own tag.
    fn ruler_record(&mut self) -> Result<(), ReadError> {
        self.cur.skip(1, "RULER tag")?;
        self.ruler()
    }

    /// RULER: `[n_stops]` then `n_stops` × `[type][offset:i16]`.
    fn ruler(&mut self) -> Result<(), ReadError> {
        let stops = usize::from(self.cur.u8("RULER stop count")?);
        let len = stops.saturating_mul(3);
        self.cur.skip(len, "RULER tab stops")
    }

    /// FONT: `[tface][style][name NUL]`.
    fn font(&mut self, offset: usize) -> Result<(), ReadError> {
        let [tface, style] = self.cur.array::<2>("FONT typeface, style")?;
        let mut name = Vec::new();
        let terminated = loop {
            match self.cur.u8("FONT name") {
                Ok(0) => break true,
                Ok(b) => name.push(b),
                Err(_) => break false,
            }
        };
        let font = FontRecord { offset, tface, style, name, terminated };
        self.report.fonts.push(font);
        Ok(())
    }

    /// SIZE: `[101][point size:u16]`, `[100][lsize][dsize:u16]` or
    /// `[lsize][dsize]`.
    fn size(&mut self) -> Result<(), ReadError> {
        match self.cur.u8("SIZE kind")? {
            101 => self.cur.skip(2, "SIZE point size"),
            100 => self.cur.skip(3, "SIZE lsize, dsize"),
            _ => self.cur.skip(1, "SIZE dsize"),
        }
    }

    /// MATRIX: `[valign][h_just][v_just][rows][cols][row_parts]
    /// [col_parts]`, each parts array holding one two-bit value per
    /// partition line (one more than rows or columns), padded to a byte.
    fn matrix(&mut self, offset: usize) -> Result<(), ReadError> {
        self.cur.skip(3, "MATRIX alignment")?;
        let [rows, cols] = self.cur.array::<2>("MATRIX rows, cols")?;
        let parts_len = parts_bytes(rows).saturating_add(parts_bytes(cols));
        let matrix = MatrixRecord { offset, rows, cols, parts_len };
        self.report.matrices.push(matrix);
        self.cur.skip(parts_len, "MATRIX partition lines")
    }
}

/// Bytes of a partition-line array for `n` rows or columns.
fn parts_bytes(n: u8) -> usize {
    let bits = (usize::from(n).saturating_add(1)).saturating_mul(2);
    bits.saturating_add(7) >> 3
}

/// Turns overflowing records into exploit shapes.
fn judge(report: &mut MtefReport) {
    let mut exploits = Vec::new();
    for font in &report.fonts {
        let len = font.name.len();
        if len <= FONT_NAME_MAX {
            continue;
        }
        let kind = if len <= CVE_2017_11882_MAX_NAME {
            FindingKind::Cve2017_11882
        } else {
            FindingKind::Cve2018_0802
        };
        let mut detail = format!(
            "MTEF FONT record with a {len}-byte font name (more than \
             {FONT_NAME_MAX}) overflows EQNEDT32's stack buffer"
        );
        if font.ends_with_winexec() {
            detail.push_str(
                "; the name ends with the classic WinExec return address \
                 12 0c 43 00",
            );
        }
        let excerpt = show(&font.name);
        exploits.push(MtefExploit {
            kind,
            offset: font.offset,
            detail,
            excerpt,
        });
    }
    for m in &report.matrices {
        if m.parts_len <= MATRIX_PARTS_MAX {
            continue;
        }
        let detail = format!(
            "MTEF MATRIX record with {} rows and {} columns has {} bytes of \
             partition lines (more than {MATRIX_PARTS_MAX}), overflowing \
             EQNEDT32's stack buffer",
            m.rows, m.cols, m.parts_len
        );
        let excerpt = format!("rows={} cols={}", m.rows, m.cols);
        let kind = FindingKind::Cve2018_0798;
        exploits.push(MtefExploit { kind, offset: m.offset, detail, excerpt });
    }
    exploits.sort_by_key(|e| e.offset);
    report.exploits = exploits;
}

/// Bytes as text: printable ASCII kept, the rest as `\xNN`.
pub(crate) fn show(bytes: &[u8]) -> String {
    let mut s = String::new();
    for &b in bytes.iter().take(200) {
        if b.is_ascii_graphic() || b == b' ' {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(mtef_len: usize) -> Vec<u8> {
        let mut h = vec![0x1C, 0, 0, 0, 2, 0, 0x9E, 0xC4];
        h.extend((mtef_len as u32).to_le_bytes());
        h.extend([0; 16]);
        h
    }

    fn object(mtef: &[u8]) -> Vec<u8> {
        let mut d = header(mtef.len());
        d.extend(mtef);
        d
    }

    #[test]
    fn benign_font_and_char() {
        let mut m = vec![3, 1, 1, 3, 0, 0x0A, 0x01];
        m.extend([8, 0x83, 0]);
        m.extend(b"Times New Roman\0");
        m.extend([2, 0x83, b'x', 0, 0, 0]);
        let r = parse(&object(&m));
        assert_eq!(r.mtef.unwrap().version, 3);
        assert_eq!(r.fonts.len(), 1);
        assert_eq!(r.fonts[0].name, b"Times New Roman");
        assert_eq!(r.fonts[0].offset, EQN_HEADER_LEN + 7);
        assert_eq!(r.stop, Some(MtefStop::End));
        assert!(!r.is_exploit());
    }

    #[test]
    fn font_overflow_thresholds() {
        for (len, kind) in [
            (32, None),
            (33, Some(FindingKind::Cve2017_11882)),
            (48, Some(FindingKind::Cve2017_11882)),
            (49, Some(FindingKind::Cve2018_0802)),
        ] {
            let mut m = vec![3, 1, 1, 3, 0x0A, 0x0A, 0x01, 8, 0x5A, 0x5A];
            m.extend(std::iter::repeat_n(b'A', len));
            m.push(0);
            let r = parse(&object(&m));
            let got = r.exploits.first().map(|e| e.kind);
            assert_eq!(got, kind, "{len}");
        }
    }

    #[test]
    fn winexec_address_is_named() {
        let mut m = vec![3, 1, 1, 3, 0x0A, 0x0A, 0x01, 8, 0x5A, 0x5A];
        m.extend([b'A'; 44]);
        m.extend(WINEXEC_RETURN);
        let r = parse(&object(&m));
        let e = &r.exploits[0];
        assert_eq!(e.kind, FindingKind::Cve2017_11882);
        assert_eq!(e.offset, EQN_HEADER_LEN + 7);
        assert!(e.detail.contains("WinExec"), "{}", e.detail);
    }

    #[test]
    fn matrix_partitions() {
        let small = [3, 1, 1, 3, 0, 0x01, 5, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0];
        let r = parse(&object(&small));
        assert_eq!(r.matrices[0].parts_len, 2);
        assert!(!r.is_exploit());
        let mut big = vec![3, 1, 1, 3, 0, 0x01, 5, 0, 0, 0, 0x40, 0x40];
        big.extend([0x41; 34]);
        let r = parse(&object(&big));
        assert_eq!(r.matrices[0].parts_len, 34);
        assert_eq!(r.exploits[0].kind, FindingKind::Cve2018_0798);
        assert_eq!(r.exploits[0].offset, EQN_HEADER_LEN + 6);
    }

    #[test]
    fn raw_mtef_without_header_and_v5() {
        let r = parse(&[3, 1, 1, 3, 0, 0]);
        assert!(r.header.is_none());
        assert_eq!(r.stop, Some(MtefStop::End));
        let r = parse(&[5, 1, 0, 6, 9, 0]);
        assert_eq!(r.stop, Some(MtefStop::UnsupportedVersion(5)));
        assert_eq!(parse(&[]).stop, Some(MtefStop::NoHeader));
    }

    #[test]
    fn cb_object_bounds_the_walk() {
        let mut m = vec![3, 1, 1, 3, 0, 0x01];
        let mut d = header(m.len());
        m.extend([8, 0, 0]);
        m.extend([b'A'; 60]);
        d.extend(m);
        let r = parse(&d);
        assert!(r.fonts.is_empty());
        assert!(matches!(r.stop, Some(MtefStop::Truncated { .. })));
    }

    #[test]
    fn truncations_never_panic() {
        let mut m = vec![3, 1, 1, 3, 0, 0x8A, 128, 128, 1, 2, 3, 4, 0x01];
        m.extend([0x21, 0, 5, 0x73, 1, 0x89, 100, 1, 2, 3, 0x7F, 9]);
        let d = object(&m);
        for n in 0..d.len() {
            let _ = parse(&d[..n]);
        }
    }
}
