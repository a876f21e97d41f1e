//! The state of one scan: the package, the budget and what was found.

use counterspy_model::Budget;
use roxmltree::Document;

use crate::collect::Collector;
use crate::package::{Package, Part};
use crate::{MAX_EMBEDDED_SIZE, MAX_XML_SIZE, xml};

/// One scan of a package.
pub(crate) struct Scan<'a, 'b> {
    /// The package.
    pub(crate) pkg: Package<'a>,
    /// What decompression may still spend.
    pub(crate) budget: &'b mut Budget,
    /// What was found so far.
    pub(crate) out: Collector,
}

impl<'a, 'b> Scan<'a, 'b> {
    /// A scan of `pkg`.
    pub(crate) fn new(pkg: Package<'a>, budget: &'b mut Budget) -> Self {
        Scan { pkg, budget, out: Collector::default() }
    }

    /// The bytes of `part` (at most `max`), or `None` with the reason
    /// recorded.
    pub(crate) fn bytes(&mut self, part: &Part, max: u64) -> Option<Vec<u8>> {
        match self.pkg.read(part, max, self.budget) {
            Ok(data) => Some(data),
            Err(fail) => {
                self.out.unread(part, fail);
                None
            }
        }
    }

    /// The bytes of an embedded object or macro project.
    pub(crate) fn blob(&mut self, part: &Part) -> Option<Vec<u8>> {
        self.bytes(part, MAX_EMBEDDED_SIZE)
    }

    /// The text of an XML part, decoded.
    pub(crate) fn xml_text(&mut self, part: &Part) -> Option<String> {
        let bytes = self.bytes(part, MAX_XML_SIZE)?;
        Some(xml::decode(&bytes).into_owned())
    }

    /// Parses `text` (the content of `part`); malformed XML is noted and
    /// gives `None`.
    pub(crate) fn parse<'t>(
        &mut self,
        part: &Part,
        text: &'t str,
    ) -> Option<Document<'t>> {
        match xml::parse(text) {
            Ok(doc) => Some(doc),
            Err(e) => {
                self.out.malformed_xml(part, &e.to_string());
                None
            }
        }
    }
}
