//! Text helpers: charset decoding and a rough HTML-to-text pass.

use encoding_rs::{Encoding, WINDOWS_1252};

/// Decodes `raw` from the charset `label` (WHATWG labels: `utf-8`,
/// `windows-1251`, `koi8-r`, `iso-8859-1`…) into UTF-8.
///
/// `us-ascii`, a missing and an unknown label all mean "whatever the
/// sender used": UTF-8 when the bytes are valid UTF-8, Windows-1252
/// otherwise (RFC 6532 and the practice of real mailers).
pub(crate) fn decode(raw: &[u8], label: &str) -> String {
    let label = label.trim();
    let ascii = label.is_empty() || label.eq_ignore_ascii_case("us-ascii");
    match Encoding::for_label(label.as_bytes()) {
        Some(enc) if !ascii => decode_with(raw, enc),
        _ => guess(raw),
    }
}

/// Decodes with a known encoding, replacing malformed sequences.
pub(crate) fn decode_with(raw: &[u8], enc: &'static Encoding) -> String {
    let (text, _) = enc.decode_without_bom_handling(raw);
    text.into_owned()
}

/// UTF-8 when valid, Windows-1252 otherwise.
pub(crate) fn guess(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => decode_with(raw, WINDOWS_1252),
    }
}

/// The mail's text for lure matching: subject, then the plain bodies, or
/// the HTML bodies as rough text when there is no plain one.
pub(crate) fn mail_text(subject: &str, plain: &str, html: &str) -> String {
    let body = if plain.trim().is_empty() {
        strip_html(html).trim().to_string()
    } else {
        plain.to_string()
    };
    let cap = subject.len().saturating_add(body.len()).saturating_add(1);
    let mut out = String::with_capacity(cap);
    out.push_str(subject);
    out.push('\n');
    out.push_str(&body);
    out
}

/// A rough plain-text rendering of HTML: tags dropped, `script` and
/// `style` content dropped, block tags turned into line breaks, common
/// entities decoded. Good enough for lure-term matching, not for display.
pub(crate) fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, rest.get(..lt).unwrap_or_default());
        let tag_and_more = rest.get(lt..).unwrap_or_default();
        rest = skip_tag(tag_and_more, &mut out);
    }
    push_text(&mut out, rest);
    out
}

/// Skips the tag at the start of `s` (and a script or style element's
/// content); returns what follows.
fn skip_tag<'a>(s: &'a str, out: &mut String) -> &'a str {
    let end = s.find('>').map_or(s.len(), |e| e.saturating_add(1));
    let tag = s.get(..end).unwrap_or_default();
    let after = s.get(end..).unwrap_or_default();
    let name = tag_name(tag);
    if ["br", "p", "div", "tr", "li", "h1", "h2", "h3"]
        .contains(&name.as_str())
    {
        out.push('\n');
    }
    let opening = !tag.starts_with("</");
    if opening && (name == "script" || name == "style") {
        return match find_close(after, &name) {
            Some(i) => skip_tag(after.get(i..).unwrap_or_default(), out),
            None => "",
        };
    }
    after
}

/// Where the closing tag `</name` starts in `s`, ignoring case.
fn find_close(s: &str, name: &str) -> Option<usize> {
    s.match_indices("</").map(|(i, _)| i).find(|&i| {
        let start = i.saturating_add(2);
        let end = start.saturating_add(name.len());
        s.as_bytes()
            .get(start..end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
    })
}

/// The lowercase name of a tag such as `<BR/>` or `</p>`.
fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Appends text between tags with its entities decoded.
fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp..).unwrap_or_default();
        let (decoded, used) = entity(after);
        match decoded {
            Some(c) => out.push(c),
            None => out.push('&'),
        }
        rest = after.get(used..).unwrap_or_default();
    }
    out.push_str(rest);
}

/// Decodes the entity at the start of `s` (`&amp;`, `&#65;`, `&#x41;`);
/// returns the character and the bytes used, or `None` and 1.
fn entity(s: &str) -> (Option<char>, usize) {
    let head = s.as_bytes().get(..12).unwrap_or(s.as_bytes());
    let Some(semi) = memchr::memchr(b';', head) else {
        return (None, 1);
    };
    let body = s.get(1..semi).unwrap_or_default();
    let c = match body {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => numeric_entity(body),
    };
    match c {
        Some(c) => (Some(c), semi.saturating_add(1)),
        None => (None, 1),
    }
}

fn numeric_entity(body: &str) -> Option<char> {
    let num = body.strip_prefix('#')?;
    let code = match num.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => num.parse().ok()?,
    };
    char::from_u32(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets() {
        assert_eq!(
            decode(b"\xcf\xf0\xe8\xe2\xe5\xf2", "windows-1251"),
            "Привет"
        );
        assert_eq!(decode(b"\xf0\xd2\xc9\xd7\xc5\xd4", "KOI8-R"), "Привет");
        assert_eq!(decode("é".as_bytes(), "us-ascii"), "é");
        assert_eq!(decode(b"caf\xe9", ""), "café");
        assert_eq!(decode(b"caf\xe9", "x-unknown"), "café");
    }

    #[test]
    fn html_is_stripped() {
        let html = "<html><head><style>p{x}</style><SCRIPT>a<b</script>\
                    </head><body>Hello&nbsp;<b>you</b> &amp; me<br>\
                    &#x41;&#66; &bogus; &</body>";
        assert_eq!(strip_html(html), "Hello you & me\nAB &bogus; &");
        assert_eq!(strip_html("a<unterminated"), "a");
    }
}
