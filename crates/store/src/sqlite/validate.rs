//! Checks, before a save, that the indices the tables hold as columns
//! point inside the case: ids are positions, and every activity's
//! evidence file and entities, every entity's activities and every edge's
//! ends exist. The error names the offending row, which a foreign-key
//! failure could not.

use counterspy_model::Case;

use crate::{Error, Result};

/// Checks every index column of `case`, saved under `key`.
pub(crate) fn validate(key: &str, case: &Case) -> Result<()> {
    let check = Check { key, case };
    check.ids("activities", case.activities.iter().map(|a| a.id))?;
    check.ids("entities", case.entities.iter().map(|e| e.id))?;
    check.activities()?;
    check.entities()?;
    check.edges()
}

struct Check<'a> {
    key: &'a str,
    case: &'a Case,
}

impl Check<'_> {
    fn ids(
        &self,
        table: &'static str,
        ids: impl Iterator<Item = usize>,
    ) -> Result<()> {
        match ids.enumerate().find(|(i, id)| i != id) {
            Some((position, id)) => Err(Error::Position {
                key: self.key.into(),
                table,
                position,
                id,
            }),
            None => Ok(()),
        }
    }

    fn activities(&self) -> Result<()> {
        let (files, entities) =
            (self.case.evidence.len(), self.case.entities.len());
        for (i, a) in self.case.activities.iter().enumerate() {
            let at = ("activities", i);
            self.within(at, "evidence", a.evidence, files)?;
            self.all_within(at, "entities", &a.entities, entities)?;
        }
        Ok(())
    }

    fn entities(&self) -> Result<()> {
        let activities = self.case.activities.len();
        for (i, e) in self.case.entities.iter().enumerate() {
            let at = ("entities", i);
            self.all_within(at, "activities", &e.activities, activities)?;
        }
        Ok(())
    }

    fn edges(&self) -> Result<()> {
        let entities = self.case.entities.len();
        for (i, e) in self.case.edges.iter().enumerate() {
            self.within(("edges", i), "a", e.a, entities)?;
            self.within(("edges", i), "b", e.b, entities)?;
        }
        Ok(())
    }

    fn all_within(
        &self,
        at: (&'static str, usize),
        field: &'static str,
        indices: &[usize],
        len: usize,
    ) -> Result<()> {
        indices.iter().try_for_each(|&i| self.within(at, field, i, len))
    }

    fn within(
        &self,
        (table, position): (&'static str, usize),
        field: &'static str,
        index: usize,
        len: usize,
    ) -> Result<()> {
        if index < len {
            return Ok(());
        }
        let key = self.key.into();
        Err(Error::Dangling { key, table, position, field, index, len })
    }
}
