//! Activities and entities, filtered, with their links.
//!
//! The WHERE clauses are put together from fixed fragments; every value
//! is a bound parameter.

use counterspy_model::case::{Activity, Entity, EntityKind};
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use serde::Serialize;

use super::codec::{json, name, opt_variant, rank, severity, time, variant};
use super::links::{attach_activities, attach_entities};
use super::load::Reader;
use crate::{ActivityFilter, Error, Result};

const ACTIVITIES: &str = "SELECT idx, org, evidence, host, user, time,
        title, severity, techniques, tactics, incident, body
    FROM activities WHERE case_id = ?";

const ENTITIES: &str = "SELECT idx, kind, value, org, noise, hosts, orgs,
        incidents
    FROM entities WHERE case_id = ?";

impl Reader<'_> {
    /// The activities `filter` selects, by id, with their entities.
    pub(crate) fn activities(
        &self,
        filter: &ActivityFilter,
    ) -> Result<Vec<Activity>> {
        let (sql, params) = self.activity_query(filter)?;
        let mut activities =
            self.rows("activities", &sql, params_from_iter(params), |r| {
                Ok(Activity {
                    id: r.get(0)?,
                    org: r.get(1)?,
                    evidence: r.get(2)?,
                    host: r.get(3)?,
                    user: r.get(4)?,
                    time: time(r, 5)?,
                    title: r.get(6)?,
                    severity: severity(r, 7)?,
                    techniques: json(r, 8)?,
                    tactics: json(r, 9)?,
                    entities: Vec::new(),
                    incident: r.get(10)?,
                    kind: json(r, 11)?,
                })
            })?;
        let range = id_range(activities.iter().map(|a| a.id));
        let links = self.links("activity", "entity", range)?;
        attach_entities(&mut activities, links);
        Ok(activities)
    }

    fn activity_query(
        &self,
        filter: &ActivityFilter,
    ) -> Result<(String, Vec<Value>)> {
        let mut sql = String::from(ACTIVITIES);
        let mut params = vec![Value::Integer(self.case)];
        let mut and = |clause: &str, value: Value| {
            sql.push_str(clause);
            params.push(value);
        };
        if let Some(org) = &filter.org {
            and(" AND org = ?", Value::Text(org.clone()));
        }
        if let Some(incident) = &filter.incident {
            and(" AND incident = ?", Value::Text(incident.clone()));
        }
        if let Some(min) = filter.min_severity {
            and(" AND severity >= ?", Value::Integer(rank(min)));
        }
        if let Some(source) = filter.source {
            let source = self.encode("activities", &source)?;
            and(" AND source = ?", Value::Text(source));
        }
        let limit = filter.limit.and_then(|l| i64::try_from(l).ok());
        and(" ORDER BY idx LIMIT ?", Value::Integer(limit.unwrap_or(-1)));
        let offset = i64::try_from(filter.offset).unwrap_or(i64::MAX);
        and(" OFFSET ?", Value::Integer(offset));
        Ok((sql, params))
    }

    /// The entities, all or of one kind, by id, with their activities.
    pub(crate) fn entities(
        &self,
        kind: Option<EntityKind>,
    ) -> Result<Vec<Entity>> {
        let (sql, params) = self.entity_query(kind)?;
        let mut entities =
            self.rows("entities", &sql, params_from_iter(params), |r| {
                Ok(Entity {
                    id: r.get(0)?,
                    kind: variant(r, 1)?,
                    value: r.get(2)?,
                    org: r.get(3)?,
                    noise: opt_variant(r, 4)?,
                    hosts: r.get(5)?,
                    orgs: json(r, 6)?,
                    activities: Vec::new(),
                    incidents: json(r, 7)?,
                })
            })?;
        let range = id_range(entities.iter().map(|e| e.id));
        let links = self.links("entity", "activity", range)?;
        attach_activities(&mut entities, links);
        Ok(entities)
    }

    fn entity_query(
        &self,
        kind: Option<EntityKind>,
    ) -> Result<(String, Vec<Value>)> {
        let mut sql = String::from(ENTITIES);
        let mut params = vec![Value::Integer(self.case)];
        if let Some(kind) = kind {
            let kind = self.encode("entities", &kind)?;
            sql.push_str(" AND kind = ?");
            params.push(Value::Text(kind));
        }
        sql.push_str(" ORDER BY idx");
        Ok((sql, params))
    }

    /// The serde name of `value`, a filter on `table`.
    fn encode<T: Serialize>(
        &self,
        table: &'static str,
        value: &T,
    ) -> Result<String> {
        name(value).map_err(|source| Error::Encode {
            key: self.key.into(),
            table,
            source,
        })
    }

    /// `(owner, member)` link rows for owners in `range`, in the owner's
    /// list order; `owner` is `activity` or `entity`.
    fn links(
        &self,
        owner: &'static str,
        member: &'static str,
        range: Option<(usize, usize)>,
    ) -> Result<Vec<(usize, usize)>> {
        let Some((first, last)) = range else { return Ok(Vec::new()) };
        let sql = format!(
            "SELECT {owner}, {member} FROM entity_activity
             WHERE case_id = ?1 AND {owner} BETWEEN ?2 AND ?3
                 AND {owner}_pos IS NOT NULL
             ORDER BY {owner}, {owner}_pos"
        );
        let params = rusqlite::params![self.case, first, last];
        self.rows("entity_activity", &sql, params, |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    }
}

/// The lowest and highest of sorted ids.
fn id_range(
    mut ids: impl DoubleEndedIterator<Item = usize>,
) -> Option<(usize, usize)> {
    let first = ids.next()?;
    Some((first, ids.next_back().unwrap_or(first)))
}
