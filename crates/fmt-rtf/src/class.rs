//! Object class names: which class an object claims, and whether the
//! claim is disguised.
//!
//! Windows resolves ProgIDs without regard to case, so `eQuAtIoN.3`
//! starts the Equation Editor as well as `Equation.3` does, while a
//! case-sensitive signature misses it; RoyalRoad and others also write
//! `\objclass` in `\'hh` escapes. Word itself writes the canonical
//! spelling, in clear, identical in `\objclass` and in the OLE 1.0 header.

/// Class names as their servers register them.
const KNOWN: &[&str] = &[
    "Equation.2",
    "Equation.3",
    "Equation.DSMT4",
    "Excel.Sheet.8",
    "Excel.Sheet.12",
    "Forms.HTML:Image.1",
    "Forms.HTML:SubmitButton.1",
    "htmlfile",
    "OLE2Link",
    "Package",
    "PowerPoint.Show.8",
    "PowerPoint.Show.12",
    "PowerPoint.Slide.8",
    "PowerPoint.Slide.12",
    "scriptletfile",
    "Shell.Explorer.1",
    "Word.Document.8",
    "Word.Document.12",
];

/// Equation Editor class names.
const EQUATION: &[&str] = &["Equation.2", "Equation.3"];

/// Equation Editor CLSIDs (oletools `clsid.py`), first group only.
const EQUATION_CLSIDS: &[&str] =
    &["0002ce02", "00021700", "0003000b", "0004a6b0"];

/// A class name without trailing NULs and whitespace.
pub(crate) fn clean(name: &str) -> &str {
    name.trim_matches(|c: char| c == '\0' || c.is_whitespace())
}

/// The registered spelling of `name`, if it is a known class.
pub(crate) fn canonical(name: &str) -> Option<&'static str> {
    KNOWN.iter().copied().find(|k| k.eq_ignore_ascii_case(clean(name)))
}

/// Whether `name` is a known class spelled another way.
pub(crate) fn odd_case(name: &str) -> Option<&'static str> {
    canonical(name).filter(|k| *k != clean(name))
}

/// Whether `name` is an Equation Editor class, in any case.
pub(crate) fn is_equation(name: &str) -> bool {
    EQUATION.iter().any(|e| e.eq_ignore_ascii_case(clean(name)))
}

/// Whether an `\oleclsid` value names the Equation Editor.
pub(crate) fn is_equation_clsid(clsid: &str) -> bool {
    let lower = clsid.to_ascii_lowercase();
    EQUATION_CLSIDS.iter().any(|c| lower.contains(c))
}

/// The class names an object gives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Classes {
    /// `\objclass`, decoded.
    pub(crate) rtf: Option<String>,
    /// The OLE 1.0 header's ClassName.
    pub(crate) ole: Option<String>,
    /// `\oleclsid`.
    pub(crate) clsid: Option<String>,
    /// Whether `\objclass` was written with escapes.
    pub(crate) escaped: bool,
}

impl Classes {
    /// The class to name the object by: the OLE header's, which decides
    /// the server, else `\objclass`.
    pub(crate) fn name(&self) -> Option<&str> {
        self.ole.as_deref().or(self.rtf.as_deref())
    }

    /// Whether any name or the CLSID is the Equation Editor's.
    pub(crate) fn is_equation(&self) -> bool {
        let names = [&self.rtf, &self.ole];
        names.into_iter().flatten().any(|n| is_equation(n))
            || self.clsid.as_deref().is_some_and(is_equation_clsid)
    }

    /// Why the class looks disguised, one phrase per reason.
    pub(crate) fn disguises(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let (true, Some(rtf)) = (self.escaped, &self.rtf) {
            out.push(format!("\\objclass {rtf} is written in escapes"));
        }
        let named = [("\\objclass", &self.rtf), ("OLE class", &self.ole)];
        for (what, name) in named {
            let Some(name) = name else { continue };
            if let Some(k) = odd_case(name) {
                out.push(format!("{what} {name} is {k} in odd case"));
            }
        }
        if let (Some(rtf), Some(ole)) = (&self.rtf, &self.ole)
            && !clean(rtf).eq_ignore_ascii_case(clean(ole))
        {
            out.push(format!("\\objclass {rtf} but OLE class {ole}"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(odd_case("eQuAtIoN.3"), Some("Equation.3"));
        assert_eq!(odd_case("Equation.3\0"), None);
        assert_eq!(odd_case("Foo.1"), None);
        assert!(is_equation(" EQUATION.3 "));
        assert!(!is_equation("Equation.DSMT4"));
        assert!(is_equation_clsid("{0002CE02-0000-0000-C000-000000000046}"));
    }

    #[test]
    fn disguises() {
        let c = Classes {
            rtf: Some("Equation.3".into()),
            ole: Some("equation.3".into()),
            clsid: None,
            escaped: true,
        };
        assert_eq!(
            c.disguises(),
            [
                "\\objclass Equation.3 is written in escapes",
                "OLE class equation.3 is Equation.3 in odd case"
            ]
        );
        assert!(c.is_equation());
        assert_eq!(c.name(), Some("equation.3"));
        let plain = Classes { rtf: Some("Package".into()), ..c.clone() };
        let plain = Classes { ole: Some("Word.Document.8".into()), ..plain };
        assert_eq!(
            plain.disguises()[1],
            "\\objclass Package but OLE class Word.Document.8"
        );
    }
}
