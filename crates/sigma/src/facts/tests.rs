use super::*;

#[test]
fn bits_list_what_was_set_in_order() {
    let mut bits = Bits::new(200);
    for i in [130, 0, 63, 64, 199] {
        bits.set(i);
    }
    assert_eq!(bits.ones().collect::<Vec<_>>(), [0, 63, 64, 130, 199]);
    assert!(bits.get(64) && !bits.get(65));
}

#[test]
fn values_have_rsigma_text() {
    assert_eq!(text(&FieldValue::Int(-3)).as_deref(), Some("-3"));
    assert_eq!(text(&FieldValue::UInt(7)).as_deref(), Some("7"));
    assert_eq!(text(&FieldValue::Float(1.5)).as_deref(), Some("1.5"));
    assert_eq!(text(&FieldValue::Bool(true)).as_deref(), Some("true"));
    assert_eq!(text(&FieldValue::Null), None);
}

#[test]
fn rolled_back_rules_leave_no_leaves_or_names() {
    let mut leaves = Leaves::default();
    let a = leaves.field("Image");
    leaves.add(a, Op::Contains, "x", true);
    let mark = leaves.mark();
    let b = leaves.field("CommandLine");
    leaves.add(b, Op::Exact, "y", false);
    leaves.rollback(mark);
    assert_eq!(leaves.mark(), (1, 1));
    assert_eq!(leaves.field("CommandLine"), 1, "the name is free again");
}

#[test]
fn lowercase_is_rsigmas() {
    let mut out = String::from("stale");
    for text in
        ["C:\\Windows\\CMD.EXE", "ΟΔΟΣ ΣΑΣ", "İstanbul", "KELVIN \u{212A}", ""]
    {
        lowercase(text, &mut out);
        assert_eq!(out, ascii_lowercase_cow(text), "{text}");
    }
}

#[test]
fn literals_one_by_one_are_the_automaton() {
    let literals = |()| {
        vec![
            (Box::from("cmd"), vec![(Op::Contains, 0), (Op::StartsWith, 1)]),
            (Box::from("exe"), vec![(Op::EndsWith, 2), (Op::Exact, 3)]),
            (Box::from("c"), vec![(Op::Contains, 4), (Op::EndsWith, 5)]),
        ]
    };
    let with = Needles::build(literals(())).expect("needles");
    let mut without = Needles::build(literals(())).expect("needles");
    without.automaton = None;
    let leaf_rule = [NOT_A_WITNESS; 6];
    for haystack in ["cmd.exe", "xcmd", "exe", "cmdc", "", "ccc", "exe.cmd"] {
        let fired = |n: &Needles| {
            let mut seen = Seen::new(6, 1);
            n.scan(haystack, &mut seen, &leaf_rule);
            seen.leaves.ones().collect::<Vec<_>>()
        };
        assert_eq!(fired(&with), fired(&without), "{haystack}");
    }
    let mut seen = Seen::new(6, 1);
    with.scan("cmd.exe", &mut seen, &leaf_rule);
    assert_eq!(seen.leaves.ones().collect::<Vec<_>>(), [0, 1, 2, 4]);
}
