//! DDE in text documents (Word 2003 XML, CSV).

use counterspy_fmt_ooxml::find_dde_in_text;
use counterspy_model::FindingKind;

#[test]
fn csv_and_plain_text() {
    let csv = "id,name\n1,=cmd|' /C calc'!A0\n2,@SUM(1+1)*cmd|' /C calc'!A0\n3,=SUM(A1:A2)\n";
    let found = find_dde_in_text(csv);
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|f| f.kind == FindingKind::Dde));
    assert!(find_dde_in_text("just | some text\n-5\n").is_empty());
}
