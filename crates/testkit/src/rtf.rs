//! RTF documents with embedded OLE objects, shaped like RoyalRoad lures
//! and other weaponised RTF, but inert: object data carries class names,
//! paths and placeholder bytes ([`FAKE_CFB`]), never code or a working
//! MTEF record (the [`ole`](crate::ole) module builds those).
//!
//! Every generator documents what a correct parser must find in it. The
//! building blocks ([`document`], [`object`], [`ole1_object`],
//! [`ole1_link`], [`hex_lines`], [`messy_hex`], [`hex_escaped`]) compose
//! into new fixtures.
//!
//! ```
//! use counterspy_testkit::rtf;
//! let lure = rtf::equation_lure();
//! assert!(lure.starts_with(b"{\\rtf1"));
//! let odd = rtf::odd_opening("{\\rt");
//! assert!(odd.starts_with(b"{\\rt{"));
//! let doc = rtf::document("{\\rtf1", b"{\\pard Hello\\par}");
//! assert!(doc.ends_with(b"}\n"));
//! ```

/// A stand-in for native data: the compound-file magic and eight zero
/// bytes, so that type sniffing sees "a compound file" and nothing more.
pub const FAKE_CFB: &[u8] =
    b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0\0\0\0\0";

/// The prologue every generated document shares after its opening: code
/// page 1251 and a font table whose font 0 is Cyrillic.
const PROLOGUE: &str = "\\ansi\\ansicpg1251\\deff0\
    {\\fonttbl{\\f0\\froman\\fcharset204 Times New Roman;}}\n";

/// Lowercase hex of `data`.
pub fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lowercase hex of `data` in lines of 128 digits, as Word writes
/// `\objdata`.
pub fn hex_lines(data: &[u8]) -> String {
    let digits = hex(data);
    let lines: Vec<&str> = digits
        .as_bytes()
        .chunks(128)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    lines.join("\n")
}

/// `text` written entirely in `\'hh` escapes.
pub fn hex_escaped(text: &str) -> String {
    text.bytes().map(|b| format!("\\'{b:02x}")).collect()
}

/// An OLE 1.0 embedded-object header (MS-OLEDS 2.2.4) for `class`,
/// followed by `native` as the object's native data.
pub fn ole1_object(class: &str, native: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0x0000_0501u32.to_le_bytes()); // OLEVersion
    out.extend_from_slice(&2u32.to_le_bytes()); // FormatID: embedded
    push_ansi(&mut out, class);
    out.extend_from_slice(&0u32.to_le_bytes()); // TopicName
    out.extend_from_slice(&0u32.to_le_bytes()); // ItemName
    out.extend_from_slice(&(native.len() as u32).to_le_bytes());
    out.extend_from_slice(native);
    out
}

/// An OLE 1.0 linked object (MS-OLEDS 2.2.5) of `class` whose topic is
/// `target` (a file or URL).
pub fn ole1_link(class: &str, target: &str) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0x0000_0501u32.to_le_bytes()); // OLEVersion
    out.extend_from_slice(&1u32.to_le_bytes()); // FormatID: linked
    push_ansi(&mut out, class);
    push_ansi(&mut out, target); // TopicName
    out.extend_from_slice(&0u32.to_le_bytes()); // ItemName
    out.extend_from_slice(&0u32.to_le_bytes()); // NetworkName
    out.extend_from_slice(&0u32.to_le_bytes()); // Reserved
    out.extend_from_slice(&0u32.to_le_bytes()); // LinkUpdateOption
    out
}

/// Appends a LengthPrefixedAnsiString (length counts the NUL).
fn push_ansi(out: &mut Vec<u8>, s: &str) {
    let s = [s.as_bytes(), b"\0"].concat();
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(&s);
}

/// A document: `opening` (normally `{\rtf1`), the shared prologue (code
/// page 1251, a Cyrillic font), `body`, and the closing brace.
pub fn document(opening: &str, body: &[u8]) -> Vec<u8> {
    let mut out = opening.as_bytes().to_vec();
    out.extend_from_slice(PROLOGUE.as_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(b"\n}\n");
    out
}

/// An `\object` group: `words` (such as `\objemb\objw2180\objh300`), a
/// `\objclass` of `class` (written as is, so it may hold escapes) unless
/// empty, and `objdata` inside `{\*\objdata …}`.
pub fn object(words: &str, class: &str, objdata: &[u8]) -> Vec<u8> {
    let mut out = format!("{{\\object{words}").into_bytes();
    if !class.is_empty() {
        out.extend_from_slice(format!("{{\\*\\objclass {class}}}").as_bytes());
    }
    out.extend_from_slice(b"{\\*\\objdata\n");
    out.extend_from_slice(objdata);
    out.extend_from_slice(b"\n}}");
    out
}

/// A paragraph of `text` (RTF, may hold control words).
fn paragraph(text: &str) -> Vec<u8> {
    format!("{{\\pard\\f0 {text}\\par}}\n").into_bytes()
}

/// An RTF document: `text` in the body, then one `\object` of `class`
/// with `control_words` (such as `\objemb\objw2180\objh300`) and the hex
/// of an OLE 1.0 object holding `native`.
pub fn with_object(
    text: &str,
    class: &str,
    control_words: &str,
    native: &[u8],
) -> Vec<u8> {
    let objdata = hex_lines(&ole1_object(class, native));
    format!(
        "{{\\rtf1\\ansi\\ansicpg1251\\deff0{{\\fonttbl{{\\f0 Times New Roman;}}}}\n\
         {{\\pard {text}\\par}}\n\
         {{\\object{control_words}{{\\*\\objclass {class}}}{{\\*\\objdata\n{objdata}\n}}}}\n}}\n"
    )
    .into_bytes()
}

/// The inert RoyalRoad-style lure: an `Equation.3` object with the
/// v1–v6 dimension words whose native data names the `8.t` payload path
/// in `%TEMP%` and a Word STARTUP add-in. No shellcode, no MTEF overflow.
///
/// A parser finds: the object (class `Equation.3`, 2180×300), RoyalRoad
/// traits (v1–v6), and two dropper paths.
pub fn equation_lure() -> Vec<u8> {
    let native = b"\x1c\x00\x00\x00\x02\x00\x9e\xc4\xa9\x00\x00\x00\x00\x00\
        C:\\Users\\user\\AppData\\Local\\Temp\\8.t\x00\
        %APPDATA%\\Microsoft\\Word\\STARTUP\\winlog.wll\x00";
    with_object(
        "\\u1054?\\u1090?\\u1095?\\u1077?\\u1090? (inert test document)",
        "Equation.3",
        "\\objemb\\objw2180\\objh300",
        native,
    )
}

/// A benign document with an ordinary equation, as Word writes it:
/// `\objemb`, everyday size words, `Equation.3` in clear, [`FAKE_CFB`] as
/// native data, and a `\result` picture.
///
/// A parser finds only the object, and the text "Формула: E = mc2".
pub fn benign_equation() -> Vec<u8> {
    let data = hex_lines(&ole1_object("Equation.3", FAKE_CFB));
    let mut obj = object(
        "\\objemb\\objw1440\\objh360\\objscalex100\\objscaley100",
        "Equation.3",
        data.as_bytes(),
    );
    obj.truncate(obj.len() - 1);
    obj.extend_from_slice(b"{\\result{\\pict\\wmetafile8 0100}}}");
    let mut body = paragraph("\\'d4\\'ee\\'f0\\'ec\\'f3\\'eb\\'e0: E = mc2");
    body.extend(obj);
    document("{\\rtf1", &body)
}

/// An Equation object whose `\objclass` is written entirely in `\'hh`
/// escapes (`\'45\'71\'75…`), with the v1–v6 size words.
///
/// A parser finds: the object, an obfuscated class `Equation.3`, and
/// RoyalRoad traits (v1–v6).
pub fn hex_class_equation() -> Vec<u8> {
    let data = hex_lines(&ole1_object("Equation.3", FAKE_CFB));
    let words = "\\objemb\\objw2180\\objh300";
    let obj = object(words, &hex_escaped("Equation.3"), data.as_bytes());
    document("{\\rtf1", &obj)
}

/// An Equation object whose class is `eQuAtIoN.3`, in `\objclass` and in
/// the OLE 1.0 header, with the early size words
/// `\objw871\objh811\objscalex8\objscaley8`.
///
/// A parser finds: the object, an obfuscated class (twice odd case), and
/// RoyalRoad traits (early).
pub fn mixed_case_equation() -> Vec<u8> {
    let data = hex_lines(&ole1_object("eQuAtIoN.3", FAKE_CFB));
    let words = "\\objemb\\objw871\\objh811\\objscalex8\\objscaley8";
    document("{\\rtf1", &object(words, "eQuAtIoN.3", data.as_bytes()))
}

/// RoyalRoad v7: `{\object\objocx{\objdata …}}` whose hex is cut every 64
/// digits by `{\ods000…}` padding groups, as `apt_royalroad.yar` sees it.
///
/// A parser finds: the object (data decoded exactly as
/// `ole1_object("Equation.3", FAKE_CFB)`) and RoyalRoad traits (v7).
pub fn royalroad_v7_ocx() -> Vec<u8> {
    let digits = hex(&ole1_object("Equation.3", FAKE_CFB));
    let padded: Vec<String> = digits
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let pad = format!("{{\\ods{}}}", "0".repeat(64));
    let objdata = padded.join(&pad);
    let obj = format!("{{\\object\\objocx{{\\objdata {objdata}}}}}");
    document("{\\rtf1", obj.as_bytes())
}

/// RoyalRoad v7, link flavour: `\objlink` with the Equation Editor's
/// `\oleclsid` and an embedded `Equation.3` object.
///
/// A parser finds: the object and RoyalRoad traits (v7); no link target
/// is visible, so no link finding.
pub fn royalroad_v7_link() -> Vec<u8> {
    let data = hex_lines(&ole1_object("Equation.3", FAKE_CFB));
    let clsid =
        "{\\*\\oleclsid \\'7b0002CE02-0000-0000-C000-000000000046\\'7d}";
    let words = format!("\\objlink{clsid}\\objw2180\\objh300");
    document("{\\rtf1", &object(&words, "Equation.3", data.as_bytes()))
}

/// `data` as object-data hex the way weaponisers write it and Word still
/// reads it: digits in upper and lower case cut by line breaks, spaces,
/// junk bytes (`x`, `;`, `z`), control words (`\par`), a skipped
/// destination group (`{\*\staticval ab}`), a padding group
/// (`{\xpad000}`), a stray digit erased by `\'00`, one byte written raw
/// with `\bin1`, and an odd final digit.
pub fn messy_hex(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, &b) in data.iter().enumerate() {
        let junk: &[u8] = match i % 9 {
            1 => b"\r\n",
            2 => b" x ",
            3 => b"\\par ",
            4 => b"{\\*\\staticval ab}",
            5 => b"{\\xpad000}",
            6 => b";z",
            7 => b"7\\'00",
            _ => b"",
        };
        out.extend_from_slice(junk);
        match i % 9 {
            8 => out
                .extend_from_slice(&[b'\\', b'b', b'i', b'n', b'1', b' ', b]),
            5 => out.extend_from_slice(
                format!("{:1X}{:1x}", b >> 4, b & 15).as_bytes(),
            ),
            _ => out.extend_from_slice(format!("{b:02X}").as_bytes()),
        }
    }
    out.push(b'f');
    out
}

/// An Equation object whose object data is [`messy_hex`].
///
/// A parser finds only the object; its child is exactly [`FAKE_CFB`].
pub fn messy_objdata() -> Vec<u8> {
    let data = messy_hex(&ole1_object("Equation.3", FAKE_CFB));
    document("{\\rtf1", &object("\\objemb", "Equation.3", &data))
}

/// An OLE 1.0 `Package` object shaped like RoyalRoad's: its native data
/// (an `Ole10Native` header) drops `8.t`, naming the temp path in ANSI
/// and, as newer packagers do, in UTF-16LE. The "file" is 8 zero bytes.
///
/// A parser finds: the object and one dropper path.
pub fn package_8t() -> Vec<u8> {
    let temp = "C:\\Users\\user\\AppData\\Local\\Temp\\8.t";
    let mut native = Vec::new();
    native.extend_from_slice(&2u16.to_le_bytes());
    native.extend_from_slice(b"8.t\0C:\\Users\\user\\Desktop\\8.t\0");
    native.extend_from_slice(&[0, 0, 3, 0]);
    push_ansi(&mut native, temp);
    native.extend_from_slice(&8u32.to_le_bytes());
    native.extend_from_slice(&[0; 8]);
    let wide: Vec<u8> =
        temp.encode_utf16().flat_map(u16::to_le_bytes).collect();
    native.extend_from_slice(&((wide.len() / 2) as u32).to_le_bytes());
    native.extend_from_slice(&wide);
    let mut full = (native.len() as u32).to_le_bytes().to_vec();
    full.extend(native);
    let data = hex_lines(&ole1_object("Package", &full));
    document("{\\rtf1", &object("\\objemb", "Package", data.as_bytes()))
}

/// The shape of signature-base's `SUSP_INDICATOR_RTF_MalVer_Objects`:
/// `opening` in place of `{\rtf1\` (such as `{\rt`, `{\rtf0`, `{\rtfa`,
/// `{\rtf1 `), directly followed by a `{\pard …}` group (so that
/// `{\rtf1` gives `{\rtf1{`), then an embedded `Package` object with
/// `\objupdate`.
///
/// A parser finds: a header anomaly, the object and the update flag.
pub fn odd_opening(opening: &str) -> Vec<u8> {
    let data = hex_lines(&ole1_object("Package", b"inert"));
    let obj = object("\\objemb\\objupdate", "Package", data.as_bytes());
    let mut out = opening.as_bytes().to_vec();
    out.extend_from_slice(b"{\\pard lure\\par}");
    out.extend(obj);
    out.extend_from_slice(b"}\n");
    out
}

/// A normal document preceded by `prefix` (whitespace, a byte order
/// mark), which Word skips.
///
/// A parser finds: a header anomaly naming the number of leading bytes.
pub fn with_prefix(prefix: &[u8]) -> Vec<u8> {
    let mut out = prefix.to_vec();
    out.extend(document("{\\rtf1", &paragraph("text")));
    out
}

/// `n` repetitions of control word `word` (such as `\rsid12`) before a
/// line of text.
///
/// A parser finds control-word flooding when `n` reaches its threshold.
pub fn control_word_flood(word: &str, n: usize) -> Vec<u8> {
    let mut body = word.repeat(n).into_bytes();
    body.extend(paragraph("after the flood"));
    document("{\\rtf1", &body)
}

/// `depth` nested groups around a line of text, then as many closing
/// braces.
///
/// A parser finds deep nesting when `depth` is beyond its cap.
pub fn deep_nesting(depth: usize) -> Vec<u8> {
    let mut body = vec![b'{'; depth];
    body.extend_from_slice(b"deep");
    body.extend(std::iter::repeat_n(b'}', depth));
    document("{\\rtf1", &body)
}

/// A field whose instruction is `instruction` (such as
/// `DDEAUTO c:\\windows\\system32\\cmd.exe "/k echo inert"`), the
/// command word in a group of its own as Word writes it, with a result.
///
/// A parser finds a DDE finding when the instruction starts with `DDE`.
pub fn field(instruction: &str) -> Vec<u8> {
    let (command, rest) =
        instruction.split_once(' ').unwrap_or((instruction, ""));
    let body = format!(
        "{{\\field{{\\*\\fldinst {{\\rtlch\\fcs1 {command}}} {rest}}}\
         {{\\fldrslt {{shown result}}}}}}"
    );
    document("{\\rtf1", body.as_bytes())
}

/// A CVE-2017-0199-shaped link: `\objautlink\objupdate` with an OLE 1.0
/// linked object of class `Word.Document.8` pointing at `url`.
///
/// A parser finds: the object, the update flag and a link to `url`.
pub fn autolink(url: &str) -> Vec<u8> {
    let data = hex_lines(&ole1_link("Word.Document.8", url));
    let obj =
        object("\\objautlink\\objupdate", "Word.Document.8", data.as_bytes());
    document("{\\rtf1", &obj)
}

/// An Equation object whose data is written raw after `\binN` instead
/// of in hex.
///
/// A parser finds only the object; its child is exactly [`FAKE_CFB`].
pub fn bin_objdata() -> Vec<u8> {
    let raw = ole1_object("Equation.3", FAKE_CFB);
    let mut data = format!("\\bin{} ", raw.len()).into_bytes();
    data.extend(raw);
    document("{\\rtf1", &object("\\objemb", "Equation.3", &data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ole1_header_layout() {
        let o = ole1_object("Equation.3", b"xy");
        assert_eq!(&o[..4], &[1, 5, 0, 0]);
        assert_eq!(&o[12..23], b"Equation.3\0");
        assert_eq!(&o[o.len() - 2..], b"xy");
    }

    #[test]
    fn link_layout() {
        let o = ole1_link("Word.Document.8", "http://x");
        assert_eq!(&o[4..8], &[1, 0, 0, 0]);
        assert_eq!(&o[28..32], &[9, 0, 0, 0]);
        assert_eq!(&o[32..41], b"http://x\0");
    }

    #[test]
    fn escapes() {
        assert_eq!(hex_escaped("Eq"), "\\'45\\'71");
        assert_eq!(hex_lines(&[0xab; 65]).lines().count(), 2);
    }

    #[test]
    fn messy_hex_hides_every_byte() {
        let m = messy_hex(&[0x12; 10]);
        assert!(m.ends_with(b"f"));
        assert!(m.windows(6).any(|w| w == b"\\bin1 "));
    }
}
