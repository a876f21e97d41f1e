use std::fmt;

use serde::{Deserialize, Serialize};

/// A MITRE ATT&CK technique or sub-technique id, such as `T1566.001`.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Technique(String);

impl Technique {
    /// Parses an id of the form `T1234` or `T1234.001`.
    pub fn parse(id: &str) -> Option<Technique> {
        let rest = id.strip_prefix('T')?;
        let (main, sub) = match rest.split_once('.') {
            Some((m, s)) => (m, Some(s)),
            None => (rest, None),
        };
        let digits = |s: &str, n: usize| {
            s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(main, 4) || sub.is_some_and(|s| !digits(s, 3)) {
            return None;
        }
        Some(Technique(id.to_string()))
    }

    /// The id as written by MITRE.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The parent technique of a sub-technique (`T1566` for `T1566.001`).
    pub fn parent(&self) -> Technique {
        match self.0.split_once('.') {
            Some((main, _)) => Technique(main.to_string()),
            None => self.clone(),
        }
    }
}

impl fmt::Display for Technique {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Technique {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Technique::parse(&s).ok_or_else(|| format!("not an ATT&CK id: {s}"))
    }
}

impl From<Technique> for String {
    fn from(t: Technique) -> String {
        t.0
    }
}

#[cfg(test)]
mod tests {
    use super::Technique;

    #[test]
    fn parses_ids() {
        assert!(Technique::parse("T1566").is_some());
        assert!(Technique::parse("T1566.001").is_some());
        assert!(Technique::parse("T156").is_none());
        assert!(Technique::parse("T1566.01").is_none());
        assert!(Technique::parse("1566").is_none());
        let t = Technique::parse("T1574.001").unwrap();
        assert_eq!(t.parent().as_str(), "T1574");
    }
}
