use super::*;

#[test]
fn bits_list_what_was_set_in_order() {
    let mut bits = Bits::default();
    bits.reset(200);
    for i in [130, 0, 63, 64, 199] {
        bits.set(i);
    }
    assert_eq!(bits.ones().collect::<Vec<_>>(), [0, 63, 64, 130, 199]);
    assert!(bits.get(64) && !bits.get(65));
}

#[test]
fn integers_have_their_text_without_allocating() {
    let ints = [0, 7, -3, 42_000, i64::MIN, i64::MAX];
    let uints = [0, 9, u64::MAX];
    let values = ints
        .map(FieldValue::Int)
        .into_iter()
        .chain(uints.map(FieldValue::UInt))
        .chain([FieldValue::Float(-0.5), FieldValue::from("x")])
        .chain([FieldValue::Bool(false), FieldValue::Null]);
    for value in values {
        let mut digits = itoa::Buffer::new();
        assert_eq!(text_in(&value, &mut digits), text(&value), "{value:?}");
    }
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
fn lists_fire_their_outermost_leaf() {
    let mut leaves = Leaves::default();
    let f = leaves.field("Image");
    let inner = [
        leaves.add(f, Op::EndsWith, "\\a.exe", true),
        leaves.add_number(f, 7.0),
    ];
    let list = leaves.add_any(f, inner.to_vec());
    let alone = leaves.add(f, Op::Contains, "b", true);
    let outer = leaves.add_any(f, vec![list, alone]);
    let other = leaves.add(f, Op::Exact, "c", false);
    assert_eq!(leaves.fired(), [outer, outer, outer, outer, outer, other]);
    let (fields, _) = index_fields(&leaves, &[]);
    assert_eq!(fields[f].numbers.get(&7f64.to_bits()), Some(&vec![outer]));
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
            (Box::from("cmd.exe"), vec![(Op::Exact, 6), (Op::StartsWith, 7)]),
            // In "cmd.exe", starting or ending neither.
            (Box::from("d.e"), vec![(Op::StartsWith, 8), (Op::EndsWith, 9)]),
        ]
    };
    let built = || Needles::build(literals(())).expect("built");
    let variants = [built(), built().without_automaton()];
    let leaf_rule = [NOT_A_WITNESS; 10];
    let fired = |l: &Needles, haystack: &str| {
        let mut seen = Seen::default();
        seen.reset(10, 1);
        l.scan(haystack, &mut seen, &leaf_rule);
        seen.leaves.ones().collect::<Vec<_>>()
    };
    let haystacks =
        ["cmd.exe", "xcmd", "exe", "cmdc", "", "ccc", "exe.cmd", "d.exe"];
    for haystack in haystacks {
        let reference = fired(&variants[1], haystack);
        for (i, v) in variants.iter().enumerate() {
            assert_eq!(fired(v, haystack), reference, "{i}: {haystack}");
        }
    }
    assert_eq!(fired(&variants[0], "cmd.exe"), [0, 1, 2, 4, 6, 7]);
    assert_eq!(fired(&variants[0], "exe"), [2, 3]);
    assert_eq!(fired(&variants[0], "d.exe"), [2, 8]);
}

#[test]
fn joined_values_lowercase_as_each_value_does() {
    let texts = ["AbC", "ÄÖÜ Straße KELVIN \u{212A}", "İSTANBUL", "ΣΑΣ", "x"];
    let (mut each, mut at_once) = (Joined::default(), Joined::default());
    each.fill(texts.iter().copied(), super::lowercase_into);
    at_once.fill(texts.iter().copied(), super::push_lowercased_if_unicode);
    at_once.make_ascii_lowercase();
    assert_eq!(at_once.parts(), each.parts());
    assert!(each.parts().0.contains("σας"), "a final sigma by its context");
}

#[test]
fn joined_values_keep_their_bounds() {
    let keywords = vec![
        (Box::from("ab"), vec![(Op::Exact, 0), (Op::EndsWith, 1)]),
        (Box::from("b"), vec![(Op::StartsWith, 2), (Op::Contains, 3)]),
    ];
    let literals = Needles::build(keywords).expect("built");
    assert!(literals.joinable());
    let leaf_rule = [NOT_A_WITNESS; 4];
    let mut joined = Joined::default();
    let mut one_by_one = Vec::new();
    for texts in [&["xab", "b"][..], &["ab"], &["b", "xa"], &[]] {
        joined.fill(texts.iter().copied(), |t, out| out.push_str(t));
        let mut seen = Seen::default();
        seen.reset(4, 1);
        literals.scan_joined(&joined, &mut seen, &leaf_rule);
        let mut each = Seen::default();
        each.reset(4, 1);
        texts.iter().for_each(|t| literals.scan(t, &mut each, &leaf_rule));
        let ones = |s: &Seen| s.leaves.ones().collect::<Vec<_>>();
        assert_eq!(ones(&seen), ones(&each), "{texts:?}");
        one_by_one.push(ones(&each));
    }
    assert_eq!(one_by_one, [vec![1, 2, 3], vec![0, 1, 3], vec![2, 3], vec![]]);
    let with_separator = vec![(Box::from("a\0b"), vec![(Op::Contains, 0)])];
    let needles = Needles::build(with_separator).expect("built");
    assert!(!needles.joinable(), "a match could span two values");
}

#[test]
fn recycled_vectors_keep_their_buffer() {
    let mut v: Vec<Option<&u8>> = Vec::with_capacity(32);
    let x = 7u8;
    v.push(Some(&x));
    let before = v.as_ptr() as usize;
    let w: Vec<Option<&u8>> = recycle(v);
    assert!(w.is_empty());
    assert_eq!((w.as_ptr() as usize, w.capacity() >= 32), (before, true));
}

/// Literals longer than the automaton's heads, many sharing one, over
/// two letters (so heads match where the literal does not), half of
/// them and of the values with a third, non-ASCII one (so both sets of
/// literals, and ASCII and non-ASCII values, occur): the automata, their
/// joined scan, the literals tried one by one and each literal sought in
/// each value agree.
#[test]
fn long_literals_are_checked_whole() {
    use super::xorshift::XorShift;
    let mut random = XorShift(0x5eed_1e55);
    let text = |random: &mut XorShift, len: usize| -> String {
        let wide = random.next(2) == 0;
        let letter = |r: usize| match r {
            0 => 'b',
            1 if wide => 'é',
            _ => 'a',
        };
        (0..len).map(|_| letter(random.next(5))).collect()
    };
    let ops = [Op::Contains, Op::StartsWith, Op::EndsWith, Op::Exact];
    for round in 0..200 {
        let mut literals: HashMap<Box<str>, Uses> = HashMap::new();
        for leaf in 0..12 {
            let len = 1 + random.next(40);
            let literal = text(&mut random, len).into_boxed_str();
            let op = ops[random.next(ops.len())];
            literals.entry(literal).or_default().push((op, leaf));
        }
        let built = || Needles::build(literals.clone().into_iter().collect());
        let needles = built().expect("built");
        let one_by_one = built().expect("built").without_automaton();
        let leaf_rule = [NOT_A_WITNESS; 12];
        let fired = |n: &Needles, texts: &[String]| {
            let mut seen = Seen::default();
            seen.reset(12, 1);
            texts.iter().for_each(|t| n.scan(t, &mut seen, &leaf_rule));
            seen.leaves.ones().collect::<Vec<_>>()
        };
        let texts: Vec<String> = (0..3)
            .map(|_| {
                let len = random.next(60);
                text(&mut random, len)
            })
            .collect();
        let mut expected: Vec<usize> = literals
            .iter()
            .flat_map(|(literal, uses)| {
                let holds = |&&(op, _): &&(Op, usize)| {
                    texts.iter().any(|t| op.holds_in(t, literal))
                };
                uses.iter().filter(holds).map(|&(_, leaf)| leaf)
            })
            .collect();
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(fired(&one_by_one, &texts), expected, "round {round}");
        assert_eq!(fired(&needles, &texts), expected, "round {round}");
        let mut joined = Joined::default();
        joined
            .fill(texts.iter().map(String::as_str), |t, out| out.push_str(t));
        let mut seen = Seen::default();
        seen.reset(12, 1);
        needles.scan_joined(&joined, &mut seen, &leaf_rule);
        let ones = seen.leaves.ones().collect::<Vec<_>>();
        assert_eq!(ones, expected, "joined, round {round}");
    }
}
