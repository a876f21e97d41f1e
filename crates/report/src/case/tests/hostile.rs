//! Hostile evidence renders as text, never as markup.

use super::fixtures::{HOSTILE, hostile_case};
use super::{SECTIONS, render, section};

#[test]
fn hostile_strings_render_no_active_markup() {
    let html = render(&hostile_case());
    // Our own script, at the end, is the only one.
    assert_eq!(html.matches("<script").count(), 1);
    let ours = html.rfind("<script>").unwrap();
    assert!(html[ours..].starts_with("<script>// Progressive enhancement"));
    for bad in ["<img", "<svg onload", "alert(1)</script>", "\"'>"] {
        assert!(!html.contains(bad), "{bad} is in the page");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&quot;&#39;&gt;&lt;img src=x onerror=alert(2)"));
}

#[test]
fn bidi_and_zero_width_characters_are_shown_not_obeyed() {
    let html = render(&hostile_case());
    assert!(!html.contains('\u{202E}'));
    assert!(!html.contains('\u{200B}'));
    assert!(html.contains("[U+202E]gpj.exe[U+200B]"));
}

#[test]
fn huge_strings_are_cut() {
    let case = hostile_case();
    let html = render(&case);
    assert!(!html.contains(&"A".repeat(1_001)));
    assert!(html.contains("[200,"), "cut marks name the full length");
    // 200 KB strings in about 40 places, yet a small page.
    assert!(html.len() < 400_000, "{} bytes", html.len());
    for id in SECTIONS {
        section(&html, id);
    }
}

#[test]
fn hostile_text_in_svg_titles_is_escaped() {
    let html = render(&hostile_case());
    let graph = section(&html, "graph");
    assert!(graph.contains("<title>"));
    assert!(!graph.contains(HOSTILE));
    let timeline = section(&html, "timeline");
    assert!(timeline.contains("&lt;script&gt;"));
}
