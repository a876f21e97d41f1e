//! One test per condition form of the Sigma specification (v2,
//! "Condition"), each with events that must and must not match.

mod common;

use common::check;

const SELS: &str = "    sel_a:\n        A: '1'\n    sel_b:\n        B: '1'\n    filter:\n        C: '1'\n";

fn with(condition: &str) -> String {
    format!("{SELS}    condition: {condition}")
}

#[test]
fn and() {
    check(
        &with("sel_a and sel_b"),
        &[&[("A", "1"), ("B", "1")]],
        &[&[("A", "1")], &[("B", "1")]],
    );
}

#[test]
fn or() {
    check(
        &with("sel_a or sel_b"),
        &[&[("A", "1")], &[("B", "1")]],
        &[&[("C", "1")]],
    );
}

#[test]
fn not() {
    check(
        &with("sel_a and not filter"),
        &[&[("A", "1")]],
        &[&[("A", "1"), ("C", "1")]],
    );
    check(&with("not filter"), &[&[("A", "1")], &[]], &[&[("C", "1")]]);
}

#[test]
fn parentheses_and_precedence() {
    // `and` binds tighter than `or`.
    check(
        &with("sel_a or sel_b and filter"),
        &[&[("A", "1")], &[("B", "1"), ("C", "1")]],
        &[&[("B", "1")]],
    );
    check(
        &with("(sel_a or sel_b) and filter"),
        &[&[("B", "1"), ("C", "1")]],
        &[&[("A", "1")]],
    );
    check(
        &with("not (sel_a or sel_b)"),
        &[&[("C", "1")]],
        &[&[("A", "1")], &[("B", "1")]],
    );
}

#[test]
fn one_of_pattern() {
    check(
        &with("1 of sel_*"),
        &[&[("A", "1")], &[("B", "1")]],
        &[&[("C", "1")]],
    );
}

#[test]
fn all_of_pattern() {
    check(
        &with("all of sel_*"),
        &[&[("A", "1"), ("B", "1")]],
        &[&[("A", "1")], &[("B", "1"), ("C", "1")]],
    );
}

#[test]
fn one_of_them() {
    check(
        &with("1 of them"),
        &[&[("A", "1")], &[("C", "1")]],
        &[&[("D", "1")]],
    );
}

#[test]
fn all_of_them() {
    check(
        &with("all of them"),
        &[&[("A", "1"), ("B", "1"), ("C", "1")]],
        &[&[("A", "1"), ("B", "1")]],
    );
}

#[test]
fn one_of_pattern_and_not_one_of_filters() {
    let rule = "    sel_a:\n        A: '1'\n    filter_x:\n        X: '1'\n    filter_y:\n        Y: '1'\n    condition: sel_a and not 1 of filter_*";
    check(
        rule,
        &[&[("A", "1")]],
        &[&[("A", "1"), ("Y", "1")], &[("A", "1"), ("X", "1")]],
    );
}

#[test]
fn map_keys_are_and_list_of_maps_is_or() {
    let rule = "    sel:\n        - A: '1'\n          B: '1'\n        - C: '1'\n    condition: sel";
    check(
        rule,
        &[&[("A", "1"), ("B", "1")], &[("C", "1")]],
        &[&[("A", "1")], &[("B", "1")]],
    );
}

#[test]
fn unknown_detection_in_condition_is_rejected() {
    let yaml = "title: x\nid: 22222222-0000-4000-8000-000000000000\nlogsource: {product: windows}\ndetection:\n    sel:\n        A: '1'\n    condition: sel and nothere\n";
    let set = counterspy_sigma::RuleSetBuilder::new()
        .add_yaml("x.yml", yaml)
        .build();
    assert!(set.rules().is_empty());
    let d = &set.diagnostics()[0];
    assert_eq!(d.code.as_str(), "sigma::unknown-detection", "{d}");
    assert_eq!(d.line, Some(7));
}

#[test]
fn broken_condition_is_rejected() {
    let yaml = "title: x\nlogsource: {product: windows}\ndetection:\n    sel:\n        A: '1'\n    condition: sel and (\n";
    let set = counterspy_sigma::RuleSetBuilder::new()
        .add_yaml("x.yml", yaml)
        .build();
    let d = &set.diagnostics()[0];
    assert_eq!(d.code.as_str(), "sigma::invalid-condition", "{d}");
    assert_eq!(d.line, Some(6));
}
