use std::borrow::Cow;
use std::fmt;

use serde::ser::{Serialize, SerializeSeq, Serializer};

/// The value of one event field.
///
/// Strings stay text exactly as the log wrote them (hex such as
/// `0x8020000000000000`, binary as hex text); numbers stay numbers. Sigma
/// compares a number with a value both as a number and as its string form,
/// which [`FieldValue::to_text`] gives. Readers produce [`FieldValue::Int`]
/// for every integer that fits an `i64` and [`FieldValue::UInt`] only above
/// `i64::MAX`, so a matcher needs to check one integer type first.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// Text.
    Str(Box<str>),
    /// A signed integer (every integer that fits).
    Int(i64),
    /// An integer above `i64::MAX`.
    UInt(u64),
    /// A floating-point number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// JSON `null`: an element that is present but empty.
    Null,
    /// Several values under one name (unnamed `Data` items, JSON arrays,
    /// repeated elements).
    List(Vec<FieldValue>),
}

impl FieldValue {
    /// An integer from a `u64`, as [`FieldValue::Int`] where it fits.
    pub fn from_u64(n: u64) -> FieldValue {
        i64::try_from(n).map_or(FieldValue::UInt(n), FieldValue::Int)
    }

    /// The text, for [`FieldValue::Str`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            FieldValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number as an `i64`, for integers and for strings that are a
    /// decimal integer (`"4688"`).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            FieldValue::Int(n) => Some(*n),
            FieldValue::UInt(n) => i64::try_from(*n).ok(),
            FieldValue::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The number as a `u64`, like [`FieldValue::as_i64`].
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            FieldValue::Int(n) => u64::try_from(*n).ok(),
            FieldValue::UInt(n) => Some(*n),
            FieldValue::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// Whether this is [`FieldValue::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, FieldValue::Null)
    }

    /// The string form Sigma compares: the text itself, or the number
    /// written in decimal; `""` for null; list items joined by `,`.
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            FieldValue::Str(s) => Cow::Borrowed(s),
            FieldValue::Null => Cow::Borrowed(""),
            other => Cow::Owned(other.to_string()),
        }
    }

    /// Every scalar of this value: itself, or the items of a list.
    pub fn scalars(&self) -> impl Iterator<Item = &FieldValue> {
        let items = match self {
            FieldValue::List(items) => items.as_slice(),
            one => std::slice::from_ref(one),
        };
        items.iter()
    }
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Str(s) => f.write_str(s),
            FieldValue::Int(n) => write!(f, "{n}"),
            FieldValue::UInt(n) => write!(f, "{n}"),
            FieldValue::Float(x) => write!(f, "{x}"),
            FieldValue::Bool(b) => write!(f, "{b}"),
            FieldValue::Null => Ok(()),
            FieldValue::List(items) => write_list(f, items),
        }
    }
}

fn write_list(
    f: &mut fmt::Formatter<'_>,
    items: &[FieldValue],
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl From<&str> for FieldValue {
    fn from(s: &str) -> FieldValue {
        FieldValue::Str(s.into())
    }
}

impl From<i64> for FieldValue {
    fn from(n: i64) -> FieldValue {
        FieldValue::Int(n)
    }
}

/// Serialised as the JSON value it came from: string, number, boolean,
/// null or array (a non-finite float becomes null).
impl Serialize for FieldValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            FieldValue::Str(v) => s.serialize_str(v),
            FieldValue::Int(n) => s.serialize_i64(*n),
            FieldValue::UInt(n) => s.serialize_u64(*n),
            FieldValue::Float(x) if x.is_finite() => s.serialize_f64(*x),
            FieldValue::Float(_) | FieldValue::Null => s.serialize_unit(),
            FieldValue::Bool(b) => s.serialize_bool(*b),
            FieldValue::List(items) => serialize_list(s, items),
        }
    }
}

fn serialize_list<S: Serializer>(
    s: S,
    items: &[FieldValue],
) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(items.len()))?;
    for item in items {
        seq.serialize_element(item)?;
    }
    seq.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_string_forms() {
        assert_eq!(FieldValue::Int(4688).to_text(), "4688");
        assert_eq!(FieldValue::from("4688").as_i64(), Some(4688));
        assert_eq!(FieldValue::from_u64(u64::MAX), FieldValue::UInt(u64::MAX));
        assert_eq!(FieldValue::from_u64(7), FieldValue::Int(7));
        assert_eq!(FieldValue::Null.to_text(), "");
    }

    #[test]
    fn lists_join_and_iterate() {
        let l = FieldValue::List(vec!["a".into(), FieldValue::Int(1)]);
        assert_eq!(l.to_text(), "a,1");
        assert_eq!(l.scalars().count(), 2);
        assert_eq!(FieldValue::Bool(true).scalars().count(), 1);
    }

    #[test]
    fn serialises_as_plain_json() {
        let l = FieldValue::List(vec!["a".into(), FieldValue::Null]);
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(json, r#"["a",null]"#);
        let nan = serde_json::to_string(&FieldValue::Float(f64::NAN));
        assert_eq!(nan.unwrap(), "null");
    }
}
