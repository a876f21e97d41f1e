//! Logsource and field mappings, as data: which events a rule's
//! `logsource` means, and under which names those events carry the
//! fields rules ask for.

mod data;
mod route;

use std::collections::BTreeMap;
use std::path::Path;

pub(crate) use route::{RouteNote, RuleRoute, Selector};

use crate::{MAX_RULE_FILE_SIZE, SigmaError};

/// The built-in logsource mappings (`crates/sigma/data/logsources.yml`).
pub const BUILTIN_LOGSOURCES: &str = include_str!("../../data/logsources.yml");
/// The built-in field mappings (`crates/sigma/data/fields.yml`).
pub const BUILTIN_FIELDS: &str = include_str!("../../data/fields.yml");

/// Logsource → event mappings, field renames and placeholder values.
///
/// [`Mappings::default`] is the built-in data ([`BUILTIN_LOGSOURCES`],
/// [`BUILTIN_FIELDS`]); [`Mappings::merge_yaml`] and
/// [`Mappings::merge_file`] lay a user file over it. A file may hold any
/// of the sections `logsources`, `fields`, `event_products` and
/// `placeholders` (see the built-in files for their shape). A user
/// `logsources` entry replaces the entry with the same logsource key and
/// adds the others; `fields` entries are added and win over earlier ones;
/// `event_products` replaces; `placeholders` are set by name.
#[derive(Clone, Debug)]
pub struct Mappings {
    logsources: Vec<data::LogsourceEntry>,
    fields: Vec<data::FieldsEntry>,
    event_products: Vec<String>,
    placeholders: BTreeMap<String, Vec<String>>,
}

impl Default for Mappings {
    fn default() -> Self {
        let mut m = Mappings::empty();
        // The built-in files are tested to parse (tests below).
        let files = [BUILTIN_LOGSOURCES, BUILTIN_FIELDS];
        for text in files {
            if let Ok(file) = yaml_serde::from_str::<data::File>(text) {
                m.merge(file);
            }
        }
        m
    }
}

impl Mappings {
    /// No mappings at all: every Windows rule is evaluated on every
    /// event, under the field names it uses.
    pub fn empty() -> Mappings {
        Mappings {
            logsources: Vec::new(),
            fields: Vec::new(),
            event_products: vec!["windows".into()],
            placeholders: BTreeMap::new(),
        }
    }

    /// Lays the mappings of a YAML text over these; `name` labels errors.
    pub fn merge_yaml(
        &mut self,
        name: &str,
        text: &str,
    ) -> Result<&mut Mappings, SigmaError> {
        let file: data::File = yaml_serde::from_str(text).map_err(|e| {
            SigmaError::Mappings { path: name.into(), message: e.to_string() }
        })?;
        self.merge(file);
        Ok(self)
    }

    /// Lays the mappings of a file over these.
    pub fn merge_file(
        &mut self,
        path: &Path,
    ) -> Result<&mut Mappings, SigmaError> {
        let bytes = crate::loader::read_capped(path)
            .map_err(|e| SigmaError::io(path, e))?;
        if bytes.len() as u64 > MAX_RULE_FILE_SIZE {
            let limit = MAX_RULE_FILE_SIZE;
            return Err(SigmaError::TooLarge { path: path.into(), limit });
        }
        let text = String::from_utf8_lossy(&bytes);
        self.merge_yaml(&path.to_string_lossy(), &text)
    }

    /// Sets the values of an `|expand` placeholder (`%name%` in rules;
    /// give the name without `%`).
    pub fn set_placeholder(
        &mut self,
        name: &str,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> &mut Mappings {
        let values = values.into_iter().map(Into::into).collect();
        self.placeholders.insert(name.to_owned(), values);
        self
    }

    fn merge(&mut self, file: data::File) {
        for entry in file.logsources {
            let same =
                |e: &data::LogsourceEntry| e.logsource == entry.logsource;
            self.logsources.retain(|e| !same(e));
            self.logsources.push(entry);
        }
        self.fields.extend(file.fields);
        if let Some(products) = file.event_products {
            self.event_products = products;
        }
        for (name, values) in file.placeholders {
            self.placeholders.insert(name, values.to_vec());
        }
    }

    /// The values of a placeholder.
    pub(crate) fn placeholder(&self, name: &str) -> Option<&[String]> {
        self.placeholders.get(name).map(Vec::as_slice)
    }

    /// Whether our events can be of `product`.
    fn is_event_product(&self, product: Option<&str>) -> bool {
        product.is_none_or(|p| {
            self.event_products.iter().any(|e| e.eq_ignore_ascii_case(p))
        })
    }

    /// Field renames for events of `channel` and `event_id`, later
    /// entries winning: `(rule name, event name)`.
    pub(crate) fn field_map(
        &self,
        channel: &str,
        event_id: Option<u32>,
    ) -> Vec<(String, String)> {
        let mut map = BTreeMap::new();
        for entry in &self.fields {
            let mut sels = entry.events.iter().flat_map(Selector::from_data);
            if sels.any(|s| s.admits(channel, event_id)) {
                map.extend(entry.map.clone());
            }
        }
        map.into_iter().collect()
    }

    /// Every selector of the field mappings.
    pub(crate) fn field_selectors(&self) -> Vec<Selector> {
        let sels = self.fields.iter().flat_map(|e| e.events.iter());
        sels.flat_map(Selector::from_data).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_files_parse() {
        for text in [BUILTIN_LOGSOURCES, BUILTIN_FIELDS] {
            let file = yaml_serde::from_str::<data::File>(text);
            assert!(file.is_ok(), "{file:?}");
        }
        let m = Mappings::default();
        assert!(m.logsources.len() > 80, "{}", m.logsources.len());
        assert_eq!(m.field_map("Security", Some(4688)).len(), 7);
        assert!(m.field_map("Security", Some(4624)).is_empty());
    }

    #[test]
    fn user_file_replaces_and_adds() {
        let mut m = Mappings::default();
        let before = m.logsources.len();
        let text = "logsources:\n  - logsource: {product: windows, service: security}\n    events: [{Channel: MySecurity}]\n  - logsource: {product: windows, service: mine}\n    events: [{Channel: Mine, EventID: 7}]\nplaceholders:\n  Workstations: [ws1, 'ws2*']\n";
        m.merge_yaml("user.yml", text).unwrap();
        assert_eq!(m.logsources.len(), before + 1);
        assert_eq!(m.placeholder("Workstations").unwrap().len(), 2);
        let bad = m.merge_yaml("bad.yml", "logsources: 3");
        assert!(matches!(bad, Err(SigmaError::Mappings { .. })));
    }
}
