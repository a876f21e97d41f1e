//! RTF documents with embedded OLE objects, shaped like RoyalRoad lures
//! but inert: the object data carries class names and paths, never code.
//!
//! ```
//! let rtf = counterspy_testkit::rtf::equation_lure();
//! assert!(rtf.starts_with(b"{\\rtf1"));
//! ```

/// Lowercase hex of `data`.
fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

/// An OLE 1.0 embedded-object header (MS-OLEDS 2.2.4) for `class`,
/// followed by `native` as the object's native data.
pub fn ole1_object(class: &str, native: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0x0000_0501u32.to_le_bytes()); // OLEVersion
    out.extend_from_slice(&2u32.to_le_bytes()); // FormatID: embedded
    let class = [class.as_bytes(), b"\0"].concat();
    out.extend_from_slice(&(class.len() as u32).to_le_bytes());
    out.extend_from_slice(&class);
    out.extend_from_slice(&0u32.to_le_bytes()); // TopicName
    out.extend_from_slice(&0u32.to_le_bytes()); // ItemName
    out.extend_from_slice(&(native.len() as u32).to_le_bytes());
    out.extend_from_slice(native);
    out
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
    let objdata = hex(&ole1_object(class, native));
    let lines: Vec<&str> = objdata
        .as_bytes()
        .chunks(128)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!(
        "{{\\rtf1\\ansi\\ansicpg1251\\deff0{{\\fonttbl{{\\f0 Times New Roman;}}}}\n\
         {{\\pard {text}\\par}}\n\
         {{\\object{control_words}{{\\*\\objclass {class}}}{{\\*\\objdata\n{}\n}}}}\n}}\n",
        lines.join("\n")
    )
    .into_bytes()
}

/// The inert RoyalRoad-style lure: an `Equation.3` object with the
/// v1–v6 dimension words whose native data names the `8.t` payload path
/// in `%TEMP%` and a Word STARTUP add-in. No shellcode, no MTEF overflow.
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

#[cfg(test)]
mod tests {
    #[test]
    fn ole1_header_layout() {
        let o = super::ole1_object("Equation.3", b"xy");
        assert_eq!(&o[..4], &[1, 5, 0, 0]);
        assert_eq!(&o[12..23], b"Equation.3\0");
        assert_eq!(&o[o.len() - 2..], b"xy");
    }
}
