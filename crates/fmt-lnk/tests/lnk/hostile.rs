//! Damaged and hostile shortcuts: errors or partial results, never a
//! panic.

use counterspy_fmt_lnk::{LnkError, parse};
use counterspy_model::{Budget, FindingKind};
use counterspy_testkit::lnk;

use crate::kinds;

#[test]
fn not_a_shortcut() {
    let mut b = Budget::unlimited();
    let err = parse(b"MZ\x90\0", &mut b).unwrap_err();
    assert_eq!(err, LnkError::HeaderSize { size: 0x0090_5a4d });
    let err = parse(&[0x4c, 0, 0], &mut b).unwrap_err();
    assert!(matches!(err, LnkError::Structure { .. }), "{err}");
    let mut pe = vec![0x4c, 0, 0, 0];
    pe.resize(100, 0);
    assert!(matches!(parse(&pe, &mut b), Err(LnkError::Clsid { .. })));
}

#[test]
fn truncations_never_panic_and_keep_the_header() {
    let full = lnk::powershell_padded();
    let mut damaged = 0;
    for len in 0..full.len() {
        match parse(&full[..len], &mut Budget::unlimited()) {
            Err(_) => assert!(len < 0x4c, "{len}"),
            Ok(out) => {
                damaged += usize::from(
                    kinds(&out).contains(&FindingKind::ParseError),
                );
            }
        }
    }
    // Every cut inside the structures before the terminal block is
    // reported (cuts between ExtraData blocks are clean ends).
    assert!(damaged > full.len() / 2, "{damaged}");
}

#[test]
fn bit_flips_never_panic() {
    for data in [lnk::powershell_padded(), lnk::benign_document()] {
        for bit in (0..data.len() * 8).step_by(3) {
            let mut flipped = data.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let _ = parse(&flipped, &mut Budget::unlimited());
        }
    }
}

#[test]
fn huge_sizes_are_capped() {
    let mut data = lnk::benign_document();
    // LinkInfo size (after header and ID list) set to 4 GiB.
    let id_list = u16::from_le_bytes([data[0x4c], data[0x4d]]) as usize;
    let link_info = 0x4c + 2 + id_list;
    data[link_info..link_info + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let out = parse(&data, &mut Budget::unlimited()).unwrap();
    assert_eq!(kinds(&out), [FindingKind::ParseError]);
    assert!(
        out.findings[0].message.contains("LinkInfo"),
        "{}",
        out.findings[0].message
    );
}

#[test]
fn expired_budget_is_a_finding() {
    let mut b = Budget::new(1, Some(std::time::Duration::ZERO));
    let out = parse(&lnk::powershell_padded(), &mut b).unwrap();
    assert_eq!(kinds(&out), [FindingKind::BudgetExceeded]);
}
