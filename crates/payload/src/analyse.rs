//! Findings and children for one object that may be an encoded payload.

use counterspy_model::{
    Budget, Child, ChildRole, Extraction, Finding, FindingKind, Severity,
};

use crate::decode::{Failure, try_decode};
use crate::{Encoding, MAX_PAYLOAD_SIZE};

/// Builds the extraction for `data` encoded under `encoding`.
pub(crate) fn analyse_with(
    encoding: &Encoding,
    data: &[u8],
    budget: &mut Budget,
) -> Extraction {
    let mut out = Extraction::default();
    match try_decode(encoding, data, budget) {
        Ok(decoded) => {
            out.findings.push(decoded_finding(encoding));
            let name = format!("8t-{}.decoded", encoding.name);
            out.children.push(
                Child::new(ChildRole::Decoded, decoded.data).named(name),
            );
        }
        Err(failure) => {
            out.findings.extend(failure_findings(encoding, failure))
        }
    }
    out.text =
        format!("8.t encoding {}: {}", encoding.name, encoding.algorithm);
    out
}

fn decoded_finding(encoding: &Encoding) -> Finding {
    let message = format!(
        "RoyalRoad 8.t payload decoded to a PE image: encoding {} ({})",
        encoding.name, encoding.algorithm
    );
    Finding::new(FindingKind::RoyalRoadPayload, message)
        .at(0)
        .excerpt(hex(&encoding.header))
}

fn failure_findings(encoding: &Encoding, failure: Failure) -> Vec<Finding> {
    let what = format!("encoding {} ({})", encoding.name, encoding.algorithm);
    let (severity, detail) = match failure {
        Failure::KeyUnknown => (
            Severity::High,
            format!(
                "RoyalRoad 8.t {what} identified, key unknown: not decoded"
            ),
        ),
        Failure::NotPe => (
            Severity::Medium,
            format!(
                "header matches RoyalRoad 8.t {what}, but the decoded bytes \
                 are not a PE image (damaged payload or a coincidence)"
            ),
        ),
        Failure::TooLarge => (
            Severity::High,
            format!(
                "RoyalRoad 8.t {what} identified; larger than \
                 {MAX_PAYLOAD_SIZE} bytes, not decoded"
            ),
        ),
        Failure::Budget(_) => (
            Severity::High,
            format!("RoyalRoad 8.t {what} identified; not decoded"),
        ),
    };
    let mut findings = vec![
        Finding::new(FindingKind::RoyalRoadPayload, detail)
            .severity(severity)
            .at(0)
            .excerpt(hex(&encoding.header)),
    ];
    if let Failure::Budget(kind) = failure {
        let message = format!("decoding the 8.t payload hit {}", kind.name());
        findings.push(Finding::new(FindingKind::BudgetExceeded, message));
    }
    findings
}

fn hex(bytes: &[u8]) -> String {
    let parts: Vec<String> =
        bytes.iter().map(|b| format!("{b:02x}")).collect();
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Table;

    #[test]
    fn unknown_key_is_identified_without_a_child() {
        let t = Table::parse("01020304 rc4 key=?").unwrap();
        let mut budget = Budget::unlimited();
        let out = analyse_with(&t.entries()[0], &[1, 2, 3, 4, 0], &mut budget);
        assert!(out.children.is_empty());
        assert_eq!(out.findings.len(), 1);
        let f = &out.findings[0];
        assert_eq!(f.kind, FindingKind::RoyalRoadPayload);
        assert_eq!(f.severity, Severity::High);
        assert!(f.message.contains("key unknown"), "{}", f.message);
        assert_eq!(f.evidence.excerpt.as_deref(), Some("01 02 03 04"));
    }

    #[test]
    fn budget_hit_adds_a_budget_finding() {
        let t = Table::parse("b25a6f00 xor-even key=0xff").unwrap();
        let mut pe = vec![0u8; 0x48];
        pe[..4].copy_from_slice(&[0xb2, 0x5a, 0x6f, 0x00]);
        pe[0x3c] = 0x40 ^ 0xff;
        pe[0x3e] = 0xff;
        pe[0x40..0x44].copy_from_slice(&[b'P' ^ 0xff, b'E', 0xff, 0]);
        let mut budget = Budget::new(4, None);
        let out = analyse_with(&t.entries()[0], &pe, &mut budget);
        let kinds: Vec<_> = out.findings.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [FindingKind::RoyalRoadPayload, FindingKind::BudgetExceeded]
        );
    }
}
