//! Making hostile text safe to show: HTML escaping, visible control and
//! bidi characters, length caps; and the formats of times and counts.
//!
//! Every string taken from a case goes through [`esc`] before it
//! reaches the page, in text and attribute values alike (the five
//! characters that matter in either are escaped).

use std::fmt::Write;

use counterspy_model::Timestamp;

/// Cap for names, hosts, users, ids.
pub(crate) const NAME: usize = 80;
/// Cap for titles, values and one-line descriptions.
pub(crate) const TEXT: usize = 240;
/// Cap for sentences (rationales, summaries).
pub(crate) const LONG: usize = 1000;

/// `text` escaped for HTML text or a quoted attribute value, cut at
/// `cap` characters (an ellipsis and the full length mark the cut).
/// Control, bidi-override and zero-width characters are shown as
/// `[U+XXXX]`, so a name cannot reorder or hide what follows it.
pub(crate) fn esc(text: &str, cap: usize) -> String {
    let mut out = String::with_capacity(text.len().min(cap) + 8);
    for (shown, c) in text.chars().enumerate() {
        if shown == cap {
            let total = text.chars().count();
            let _ = write!(out, "… [{} chars]", count(total));
            break;
        }
        push_char(&mut out, c);
    }
    out
}

fn push_char(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        '\t' | '\n' | '\r' => out.push(' '),
        c if is_hidden(c) => {
            let _ = write!(out, "[U+{:04X}]", u32::from(c));
        }
        c => out.push(c),
    }
}

/// Like [`esc`], but a cut ends in a bare ellipsis: for labels in
/// pictures, where the full value is in a tooltip.
pub(crate) fn short(text: &str, cap: usize) -> String {
    if text.chars().nth(cap).is_none() {
        return esc(text, cap);
    }
    let head: String = text.chars().take(cap.saturating_sub(1)).collect();
    format!("{}…", esc(&head, cap))
}

/// Characters that are invisible or change the order of what follows.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{061C}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// A count with thousands separators: `10,000`.
pub(crate) fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `n thing` or `n things`.
pub(crate) fn plural(n: usize, thing: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} {thing}{s}", count(n))
}

/// `n one` or `n many`, for irregular plurals.
pub(crate) fn nouns(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// `2022-06-14 01:12:44Z` (seconds precision, UTC).
pub(crate) fn time(t: Timestamp) -> String {
    let text = t.to_string();
    let date = text.get(..10).unwrap_or(&text);
    let clock = text.get(11..19).unwrap_or_default();
    format!("{date} {clock}Z")
}

/// A time, or an em dash when there is none.
pub(crate) fn maybe_time(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "—".to_string(), time)
}

/// `first – last`, one time when both are equal, a dash for none.
pub(crate) fn span(
    first: Option<Timestamp>,
    last: Option<Timestamp>,
) -> String {
    match (first, last) {
        (Some(a), Some(b)) if a != b => format!("{} – {}", time(a), time(b)),
        (Some(a), _) | (None, Some(a)) => time(a),
        (None, None) => "—".to_string(),
    }
}

/// Escaped, capped items joined with `, `; a dash for none; at most
/// `max` items, then `+N more`.
pub(crate) fn list<S: AsRef<str>>(
    items: &[S],
    cap: usize,
    max: usize,
) -> String {
    if items.is_empty() {
        return "—".to_string();
    }
    let mut parts: Vec<String> =
        items.iter().take(max).map(|s| esc(s.as_ref(), cap)).collect();
    if items.len() > max {
        parts.push(format!("+{} more", count(items.len() - max)));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<script>alert('x')</script>&"#, TEXT),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"
        );
        assert_eq!(esc(r#"a" onload="x"#, TEXT), "a&quot; onload=&quot;x");
    }

    #[test]
    fn shows_bidi_and_control_characters() {
        assert_eq!(esc("inv\u{202E}fdp.exe", TEXT), "inv[U+202E]fdp.exe");
        assert_eq!(esc("a\u{0}b\u{200B}c\nd", TEXT), "a[U+0000]b[U+200B]c d");
    }

    #[test]
    fn caps_long_text() {
        let long = "x".repeat(10_000);
        assert_eq!(esc(&long, 5), "xxxxx… [10,000 chars]");
        assert_eq!(esc("short", 5), "short");
        assert_eq!(short("abcdefgh", 5), "abcd…");
        assert_eq!(short("<abcd", 5), "&lt;abcd");
    }

    #[test]
    fn formats_counts_and_times() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(plural(1, "host"), "1 host");
        let t = Timestamp::parse("2022-06-14T01:12:44.5Z");
        assert_eq!(maybe_time(t), "2022-06-14 01:12:44Z");
        assert_eq!(span(t, t), "2022-06-14 01:12:44Z");
        assert_eq!(span(None, None), "—");
        assert_eq!(list(&["a", "<b>", "c"], 10, 2), "a, &lt;b&gt;, +1 more");
    }
}
