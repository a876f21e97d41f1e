//! PDF documents with a correct cross-reference table (or, when objects
//! are packed in object streams, a cross-reference stream), shaped like
//! malicious PDFs but inert: scripts only call `app.alert`, launch
//! actions run `cmd.exe /c echo test`, forms submit to `example`
//! domains, embedded files are plain text.
//!
//! [`PdfBuilder`] writes any set of objects; the fixture functions build
//! one three-object document (catalog 1, pages 2, page 3) with one trait
//! each:
//!
//! - [`minimal`]: nothing else (clean).
//! - [`open_action_js`]: `/OpenAction` running JavaScript.
//! - [`javascript_stream`]: `/OpenAction` whose `/JS` is a FlateDecode
//!   stream.
//! - [`page_open_js`]: a page `/AA /O` (page open) running JavaScript.
//! - [`embedded_file`]: an `/EmbeddedFiles` name tree with a FlateDecode
//!   embedded file.
//! - [`launch`]: `/OpenAction` launching a program with parameters.
//! - [`submit_form`]: a form button submitting to a URL.
//! - [`uri_link`]: a link annotation to a URI (clean).
//! - [`object_stream_js`]: the JavaScript action inside an object stream.
//! - [`incremental_js`]: a clean document plus an incremental update that
//!   adds an `/OpenAction` JavaScript.
//! - [`escaped_names`]: `/Open#41ction << /S /J#61vaScript /J#53 … >>`.
//!
//! ```
//! let pdf = counterspy_testkit::pdf::open_action_js("app.alert('test')");
//! assert!(pdf.starts_with(b"%PDF-1.7"));
//! assert!(pdf.ends_with(b"%%EOF\n"));
//! ```

use std::fmt::Write as _;
use std::io::Write as _;

use flate2::Compression;
use flate2::write::ZlibEncoder;

/// The body of an object, or the data of a packed one.
#[derive(Clone, Debug)]
enum Entry {
    /// A top-level object: number and body (everything between `obj`
    /// and `endobj`).
    Plain(u32, Vec<u8>),
    /// An object stream `container` holding `members` (number, body).
    Packed { container: u32, members: Vec<(u32, String)> },
}

/// Writes a PDF from numbered objects, with offsets and the
/// cross-reference data computed.
#[derive(Clone, Debug, Default)]
pub struct PdfBuilder {
    entries: Vec<Entry>,
}

/// Escapes `text` for a PDF literal string (without the parentheses).
pub fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)")
}

/// `data` compressed with zlib (FlateDecode).
pub fn flate(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).expect("compress");
    e.finish().expect("finish compression")
}

/// The body of a stream object: `dict` entries plus `/Length`, and the
/// data.
fn stream_body(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut body =
        format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\nendstream");
    body
}

impl PdfBuilder {
    /// An empty document.
    pub fn new() -> PdfBuilder {
        PdfBuilder::default()
    }

    /// Adds object `num` with `body` (a dictionary, array, string…).
    pub fn object(mut self, num: u32, body: &str) -> PdfBuilder {
        self.entries.push(Entry::Plain(num, body.as_bytes().to_vec()));
        self
    }

    /// Adds stream object `num` with dictionary entries `dict` (no
    /// `/Length`, which is added) and `data` as stored.
    pub fn stream(mut self, num: u32, dict: &str, data: &[u8]) -> PdfBuilder {
        self.entries.push(Entry::Plain(num, stream_body(dict, data)));
        self
    }

    /// Adds stream object `num` holding `data` compressed with
    /// FlateDecode.
    pub fn flate_stream(
        self,
        num: u32,
        dict: &str,
        data: &[u8],
    ) -> PdfBuilder {
        self.stream(num, &format!("{dict} /Filter /FlateDecode"), &flate(data))
    }

    /// Adds object stream `container` (FlateDecode) packing `members`
    /// (number, body). The document then gets a cross-reference stream.
    pub fn object_stream(
        mut self,
        container: u32,
        members: &[(u32, &str)],
    ) -> PdfBuilder {
        let members =
            members.iter().map(|(n, b)| (*n, (*b).to_owned())).collect();
        self.entries.push(Entry::Packed { container, members });
        self
    }

    /// The highest object number used.
    fn max_num(&self) -> u32 {
        let nums = self.entries.iter().flat_map(|e| match e {
            Entry::Plain(n, _) => vec![*n],
            Entry::Packed { container, members } => {
                std::iter::once(*container)
                    .chain(members.iter().map(|(n, _)| *n))
                    .collect()
            }
        });
        nums.max().unwrap_or(0)
    }

    /// The document, with `/Root root 0 R`.
    pub fn build(&self, root: u32) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut xref: Vec<(u32, XrefEntry)> = Vec::new();
        for entry in &self.entries {
            write_entry(&mut out, entry, &mut xref);
        }
        let packed =
            self.entries.iter().any(|e| matches!(e, Entry::Packed { .. }));
        if packed {
            write_xref_stream(&mut out, &mut xref, self.max_num() + 1, root);
        } else {
            write_xref_table(&mut out, &xref, &format!("/Root {root} 0 R"));
        }
        out
    }
}

/// Where an object is.
#[derive(Clone, Copy, Debug)]
enum XrefEntry {
    /// At this offset.
    At(usize),
    /// In object stream `container`, at `index`.
    In(u32, usize),
}

/// Writes `entry`, recording where its objects are.
fn write_entry(
    out: &mut Vec<u8>,
    entry: &Entry,
    xref: &mut Vec<(u32, XrefEntry)>,
) {
    match entry {
        Entry::Plain(num, body) => {
            xref.push((*num, XrefEntry::At(out.len())));
            write_object(out, *num, body);
        }
        Entry::Packed { container, members } => {
            let mut header = String::new();
            let mut objects = String::new();
            for (i, (num, body)) in members.iter().enumerate() {
                write!(header, "{num} {} ", objects.len())
                    .expect("write header");
                objects += body;
                objects += "\n";
                xref.push((*num, XrefEntry::In(*container, i)));
            }
            let data = format!("{header}\n{objects}");
            let dict = format!(
                "/Type /ObjStm /N {} /First {} /Filter /FlateDecode",
                members.len(),
                header.len() + 1
            );
            xref.push((*container, XrefEntry::At(out.len())));
            write_object(
                out,
                *container,
                &stream_body(&dict, &flate(data.as_bytes())),
            );
        }
    }
}

/// Writes `num 0 obj body endobj`.
fn write_object(out: &mut Vec<u8>, num: u32, body: &[u8]) {
    out.extend_from_slice(format!("{num} 0 obj\n").as_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(b"\nendobj\n");
}

/// Writes a classic cross-reference table for `xref` (one subsection
/// per object) and a trailer with `trailer` entries plus `/Size`.
fn write_xref_table(
    out: &mut Vec<u8>,
    xref: &[(u32, XrefEntry)],
    trailer: &str,
) {
    let start = out.len();
    let mut table = String::from("xref\n0 1\n0000000000 65535 f \n");
    let mut size = 1;
    for (num, entry) in xref {
        if let XrefEntry::At(offset) = entry {
            write!(table, "{num} 1\n{offset:010} 00000 n \n")
                .expect("write xref");
            size = size.max(num + 1);
        }
    }
    write!(
        table,
        "trailer\n<< /Size {size} {trailer} >>\nstartxref\n{start}\n%%EOF\n"
    )
    .expect("write trailer");
    out.extend_from_slice(table.as_bytes());
}

/// Writes a cross-reference stream as object `num` (fields 1, 4, 2
/// bytes wide) covering objects 0 to `num`.
fn write_xref_stream(
    out: &mut Vec<u8>,
    xref: &mut Vec<(u32, XrefEntry)>,
    num: u32,
    root: u32,
) {
    let start = out.len();
    xref.push((num, XrefEntry::At(start)));
    let mut data = Vec::new();
    for n in 0..=num {
        let row: (u8, u32, u16) = match xref.iter().find(|(k, _)| *k == n) {
            Some((_, XrefEntry::At(offset))) => (1, *offset as u32, 0),
            Some((_, XrefEntry::In(container, index))) => {
                (2, *container, *index as u16)
            }
            None => (0, 0, if n == 0 { 65535 } else { 0 }),
        };
        data.push(row.0);
        data.extend_from_slice(&row.1.to_be_bytes());
        data.extend_from_slice(&row.2.to_be_bytes());
    }
    let dict =
        format!("/Type /XRef /Size {} /W [1 4 2] /Root {root} 0 R", num + 1);
    write_object(out, num, &stream_body(&dict, &data));
    out.extend_from_slice(format!("startxref\n{start}\n%%EOF\n").as_bytes());
}

/// The offset after the last `startxref` of `pdf`.
fn last_startxref(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let at = text.rfind("startxref").expect("a startxref");
    text[at + 9..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("an offset")
}

/// `base` with an incremental update appended: `objects` (number,
/// body), a cross-reference section for them and a trailer with `/Prev`
/// pointing to the previous section.
pub fn update(base: &[u8], objects: &[(u32, &str)], root: u32) -> Vec<u8> {
    let prev = last_startxref(base);
    let size = objects.iter().map(|(n, _)| n + 1).max().unwrap_or(1);
    let mut out = base.to_vec();
    let mut xref = Vec::new();
    for (num, body) in objects {
        xref.push((*num, XrefEntry::At(out.len())));
        write_object(&mut out, *num, body.as_bytes());
    }
    let start = out.len();
    let mut table = String::from("xref\n");
    for (num, entry) in &xref {
        if let XrefEntry::At(offset) = entry {
            write!(table, "{num} 1\n{offset:010} 00000 n \n")
                .expect("write xref");
        }
    }
    write!(
        table,
        "trailer\n<< /Size {} /Root {root} 0 R /Prev {prev} >>\nstartxref\n{start}\n%%EOF\n",
        size.max(4)
    )
    .expect("write trailer");
    out.extend_from_slice(table.as_bytes());
    out
}

/// The pages tree (object 2).
const PAGES: &str = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";

/// A page (object 3) with `extra` entries.
fn page(extra: &str) -> String {
    format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] {extra} >>")
}

/// A catalog (object 1) with `extra` entries.
fn catalog(extra: &str) -> String {
    format!("<< /Type /Catalog /Pages 2 0 R {extra} >>")
}

/// The three objects of a one-page document, with `catalog_extra` and
/// `page_extra` entries.
fn document(catalog_extra: &str, page_extra: &str) -> PdfBuilder {
    PdfBuilder::new()
        .object(1, &catalog(catalog_extra))
        .object(2, PAGES)
        .object(3, &page(page_extra))
}

/// A clean one-page document.
pub fn minimal() -> Vec<u8> {
    document("", "").build(1)
}

/// A JavaScript action running `js`.
fn js_action(js: &str) -> String {
    format!("<< /Type /Action /S /JavaScript /JS ({}) >>", escape(js))
}

/// `/OpenAction 4 0 R`, object 4 a JavaScript action running `js`.
pub fn open_action_js(js: &str) -> Vec<u8> {
    document("/OpenAction 4 0 R", "").object(4, &js_action(js)).build(1)
}

/// `/OpenAction 4 0 R`, object 4 a JavaScript action whose `/JS` is
/// stream 5, FlateDecode-compressed `js`.
pub fn javascript_stream(js: &str) -> Vec<u8> {
    document("/OpenAction 4 0 R", "")
        .object(4, "<< /S /JavaScript /JS 5 0 R >>")
        .flate_stream(5, "", js.as_bytes())
        .build(1)
}

/// The page's additional actions: page open (`/O`) runs `js`.
pub fn page_open_js(js: &str) -> Vec<u8> {
    document("", &format!("/AA << /O {} >>", js_action(js))).build(1)
}

/// An `/EmbeddedFiles` name tree holding `name`: file specification 4
/// (`/F` and `/UF` both `name`), embedded-file stream 5 with `data`
/// compressed with FlateDecode.
pub fn embedded_file(name: &str, data: &[u8]) -> Vec<u8> {
    let name = escape(name);
    document(
        &format!("/Names << /EmbeddedFiles << /Names [({name}) 4 0 R] >> >>"),
        "",
    )
    .object(
        4,
        &format!(
            "<< /Type /Filespec /F ({name}) /UF ({name}) /EF << /F 5 0 R >> >>"
        ),
    )
    .flate_stream(5, "/Type /EmbeddedFile /Subtype /text#2Fplain", data)
    .build(1)
}

/// `/OpenAction 4 0 R`, object 4 a launch action running `file` with
/// parameters `params` (`/Win << /F /P >>`).
pub fn launch(file: &str, params: &str) -> Vec<u8> {
    let action = format!(
        "<< /Type /Action /S /Launch /Win << /F ({}) /P ({}) >> >>",
        escape(file),
        escape(params)
    );
    document("/OpenAction 4 0 R", "").object(4, &action).build(1)
}

/// A form (`/AcroForm`) with one push button, widget 4 on the page,
/// whose action submits the form to `url`.
pub fn submit_form(url: &str) -> Vec<u8> {
    let widget = format!(
        "<< /Type /Annot /Subtype /Widget /FT /Btn /Ff 65536 /T (Submit) \
         /Rect [100 100 200 130] /P 3 0 R /A << /S /SubmitForm \
         /F << /FS /URL /F ({}) >> /Flags 4 >> >>",
        escape(url)
    );
    document("/AcroForm << /Fields [4 0 R] >>", "/Annots [4 0 R]")
        .object(4, &widget)
        .build(1)
}

/// A link annotation 4 on the page to `url`.
pub fn uri_link(url: &str) -> Vec<u8> {
    let link = format!(
        "<< /Type /Annot /Subtype /Link /Rect [100 100 200 130] \
         /A << /S /URI /URI ({}) >> >>",
        escape(url)
    );
    document("", "/Annots [4 0 R]").object(4, &link).build(1)
}

/// `/OpenAction 4 0 R` where objects 2, 3 and the JavaScript action 4
/// are packed in object stream 5; a cross-reference stream (object 6)
/// locates them.
pub fn object_stream_js(js: &str) -> Vec<u8> {
    let action = js_action(js);
    let page = page("");
    PdfBuilder::new()
        .object(1, &catalog("/OpenAction 4 0 R"))
        .object_stream(5, &[(2, PAGES), (3, &page), (4, &action)])
        .build(1)
}

/// A clean [`minimal`] document plus an incremental update that
/// replaces the catalog with one whose `/OpenAction` runs `js`
/// (object 4).
pub fn incremental_js(js: &str) -> Vec<u8> {
    let action = js_action(js);
    let catalog = catalog("/OpenAction 4 0 R");
    update(&minimal(), &[(4, &action), (1, &catalog)], 1)
}

/// `/Open#41ction << /S /J#61vaScript /J#53 (js) >>`: the key and names
/// written with `#` escapes, as obfuscated PDFs do.
pub fn escaped_names(js: &str) -> Vec<u8> {
    let extra =
        format!("/Open#41ction << /S /J#61vaScript /J#53 ({}) >>", escape(js));
    document(&extra, "").build(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The offsets the classic xref table of `pdf` gives.
    fn table_offsets(pdf: &[u8]) -> Vec<(u32, usize)> {
        let text = String::from_utf8_lossy(pdf);
        let xref = &text[text.rfind("\nxref\n").unwrap() + 6..];
        let lines: Vec<&str> =
            xref.lines().take_while(|l| !l.starts_with("trailer")).collect();
        lines
            .chunks(2)
            .filter_map(|c| {
                let num = c[0].split_whitespace().next()?.parse().ok()?;
                let off = c[1].split_whitespace().next()?.parse().ok()?;
                (c[1].ends_with("n ")).then_some((num, off))
            })
            .collect()
    }

    #[test]
    fn xref_offsets_point_at_objects() {
        let pdf = open_action_js("app.alert('test')");
        let offsets = table_offsets(&pdf);
        assert_eq!(offsets.len(), 4);
        for (num, off) in offsets {
            assert!(pdf[off..].starts_with(format!("{num} 0 obj").as_bytes()));
        }
        let start = last_startxref(&pdf);
        assert!(pdf[start..].starts_with(b"xref"));
    }

    #[test]
    fn updates_chain_to_the_previous_section() {
        let base = minimal();
        let pdf = incremental_js("app.alert('test')");
        assert!(pdf.starts_with(&base));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains(&format!("/Prev {}", last_startxref(&base))));
        assert_eq!(text.matches("%%EOF").count(), 2);
    }

    #[test]
    fn object_streams_get_an_xref_stream() {
        let pdf = object_stream_js("app.alert('test')");
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Type /ObjStm /N 3"));
        assert!(text.contains("/Type /XRef /Size 7"));
        let start = last_startxref(&pdf);
        assert!(pdf[start..].starts_with(b"6 0 obj"));
    }
}
