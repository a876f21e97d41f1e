//! RoyalRoad builder traits and a guess at the builder version.
//!
//! From nao_sec's analysis (JSAC 2020) and signature-base's
//! `apt_royalroad.yar`:
//!
//! | trait | version |
//! |---|---|
//! | `\objw871\objh811\objscalex8\objscaley8` | early |
//! | `\objw2180\objh300` | v1–v6 |
//! | `\objocx`, or `\objlink` with `\oleclsid` | v7 |
//! | `{\ods0000…}` padding in `\objdata` | v7 |
//!
//! An Equation Editor class (in any case, or by CLSID) strengthens the
//! match but is not a trait by itself: benign documents have equations.

use counterspy_model::{Finding, FindingKind};

use crate::class::Classes;
use crate::objects::{ObjType, RtfObj};

/// A builder version, oldest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Version {
    /// Before v1 (871×811 objects scaled to 8%).
    Early,
    /// v1 to v6 (2180×300 objects).
    V1ToV6,
    /// v7 (`\objocx`, `\oleclsid`, `\ods` padding).
    V7,
}

impl Version {
    /// The name used in messages.
    fn name(self) -> &'static str {
        match self {
            Version::Early => "early (before v1)",
            Version::V1ToV6 => "v1-v6",
            Version::V7 => "v7",
        }
    }
}

/// The builder traits of `obj`, each with the version it points to.
pub(crate) fn traits(obj: &RtfObj) -> Vec<(&'static str, Version)> {
    let s = obj.size;
    let mut out = Vec::new();
    if (s.w, s.h, s.scalex, s.scaley)
        == (Some(871), Some(811), Some(8), Some(8))
    {
        out.push((
            "\\objw871\\objh811\\objscalex8\\objscaley8",
            Version::Early,
        ));
    }
    if (s.w, s.h) == (Some(2180), Some(300)) {
        out.push(("\\objw2180\\objh300", Version::V1ToV6));
    }
    if obj.has_type(ObjType::Ocx) {
        out.push(("\\objocx", Version::V7));
    }
    let has_clsid = !obj.clsid.snapshot().trim().is_empty();
    if obj.has_type(ObjType::Link) && has_clsid {
        out.push(("\\objlink with \\oleclsid", Version::V7));
    }
    if obj.ods {
        out.push(("{\\ods…} padding in \\objdata", Version::V7));
    }
    out
}

/// The RoyalRoad finding for `obj`, if it has builder traits.
pub(crate) fn finding(obj: &RtfObj, classes: &Classes) -> Option<Finding> {
    let traits = traits(obj);
    let version = traits.iter().map(|(_, v)| *v).max()?;
    let mut names: Vec<String> =
        traits.iter().map(|(t, _)| (*t).to_owned()).collect();
    if classes.is_equation() {
        let class = classes.name().unwrap_or("by CLSID");
        names.push(format!("Equation Editor class ({class})"));
    }
    let message = format!(
        "RoyalRoad traits: {}; builder version {}",
        names.join(", "),
        version.name()
    );
    let f = Finding::new(FindingKind::RoyalRoad, message);
    Some(f.at(obj.offset as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(words: &[(&[u8], i64)]) -> RtfObj {
        let mut o = RtfObj::new(5, false);
        for (w, v) in words {
            o.size.set(w, Some(*v));
        }
        o
    }

    #[test]
    fn v1_to_v6() {
        let o = obj(&[(b"objw", 2180), (b"objh", 300)]);
        let classes =
            Classes { rtf: Some("Equation.3".into()), ..Default::default() };
        let f = finding(&o, &classes).unwrap();
        assert_eq!(
            f.message,
            "RoyalRoad traits: \\objw2180\\objh300, Equation Editor class \
             (Equation.3); builder version v1-v6"
        );
        assert_eq!(f.evidence.offset, Some(5));
    }

    #[test]
    fn early() {
        let o = obj(&[
            (b"objw", 871),
            (b"objh", 811),
            (b"objscalex", 8),
            (b"objscaley", 8),
        ]);
        let f = finding(&o, &Classes::default()).unwrap();
        assert!(f.message.ends_with("builder version early (before v1)"));
        assert!(
            finding(
                &obj(&[(b"objw", 871), (b"objh", 811)]),
                &Classes::default()
            )
            .is_none()
        );
    }

    #[test]
    fn v7() {
        let mut o = obj(&[]);
        o.add_type(ObjType::Ocx);
        o.ods = true;
        let f = finding(&o, &Classes::default()).unwrap();
        assert_eq!(
            f.message,
            "RoyalRoad traits: \\objocx, {\\ods…} padding in \\objdata; \
             builder version v7"
        );
    }

    #[test]
    fn an_equation_alone_is_not_royalroad() {
        let classes =
            Classes { rtf: Some("Equation.3".into()), ..Default::default() };
        assert!(finding(&obj(&[(b"objw", 100)]), &classes).is_none());
    }
}
