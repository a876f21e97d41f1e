//! Saving a case: the old rows go, the new ones come, in one
//! transaction, each table through one prepared statement.

use counterspy_model::case::{
    Activity, ActivityKind, Campaign, Edge, Entity, EvidenceFile, Incident,
    Organisation, Takeover,
};
use counterspy_model::{Case, Timestamp};
use rusqlite::{
    Connection, OptionalExtension, Params, Statement, TransactionBehavior,
    params,
};
use serde::Serialize;

use super::codec::{micros, name, rank};
use super::links::{Link, links};
use super::validate::validate;
use crate::{CaseInfo, Error, Result, case_time};

/// Saves `case` under `key` in one transaction, replacing the case stored
/// under it (whose row id it keeps, so a re-save writes identical rows).
pub(crate) fn save(
    conn: &mut Connection,
    key: &str,
    case: &Case,
    updated: Option<Timestamp>,
) -> Result<CaseInfo> {
    validate(key, case)?;
    let info = CaseInfo::of(key, case, updated.or_else(|| case_time(case)));
    let tx_err = |source| Error::Transaction { key: key.into(), source };
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(tx_err)?;
    let id = replace_case_row(&tx, &info)?;
    write_rows(&Writer { conn: &tx, key, case: id }, case)?;
    tx.commit().map_err(tx_err)?;
    Ok(info)
}

/// Deletes the case stored under `key`; whether there was one.
pub(crate) fn delete(conn: &Connection, key: &str) -> Result<bool> {
    let n = conn
        .execute("DELETE FROM cases WHERE key = ?1", [key])
        .map_err(|source| write_err(key, "cases", source))?;
    Ok(n > 0)
}

/// Deletes the old case row (its rows cascade) and inserts the new one,
/// under the old row id when there was one.
fn replace_case_row(conn: &Connection, info: &CaseInfo) -> Result<i64> {
    let err = |source| write_err(&info.key, "cases", source);
    let old: Option<i64> = conn
        .query_row("SELECT id FROM cases WHERE key = ?1", [&info.key], |r| {
            r.get(0)
        })
        .optional()
        .map_err(err)?;
    conn.execute("DELETE FROM cases WHERE key = ?1", [&info.key])
        .map_err(err)?;
    conn.execute(
        "INSERT INTO cases (id, key, name, organisations, activities,
             incidents, campaigns, updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            old,
            info.key,
            info.name,
            info.organisations,
            info.activities,
            info.incidents,
            info.campaigns,
            micros(info.updated),
        ],
    )
    .map_err(err)?;
    Ok(conn.last_insert_rowid())
}

/// Writes the rows of every table, parents first.
fn write_rows(w: &Writer<'_>, case: &Case) -> Result<()> {
    organisations(w, &case.organisations)?;
    evidence(w, &case.evidence)?;
    activities(w, &case.activities)?;
    entities(w, &case.entities)?;
    entity_activity(w, &links(case))?;
    edges(w, &case.edges)?;
    incidents(w, &case.incidents)?;
    campaigns(w, &case.campaigns)?;
    takeovers(w, &case.takeovers)
}

fn write_err(key: &str, table: &'static str, e: rusqlite::Error) -> Error {
    Error::Write { key: key.into(), table, source: e }
}

/// Where rows go: the transaction, and the case they belong to.
struct Writer<'c> {
    conn: &'c Connection,
    key: &'c str,
    case: i64,
}

impl Writer<'_> {
    /// A prepared insert into `table`.
    fn insert(&self, table: &'static str, sql: &str) -> Result<Insert<'_>> {
        let stmt = self
            .conn
            .prepare(sql)
            .map_err(|source| write_err(self.key, table, source))?;
        Ok(Insert { stmt, key: self.key, table })
    }
}

/// A prepared insert into one table.
struct Insert<'c> {
    stmt: Statement<'c>,
    key: &'c str,
    table: &'static str,
}

impl Insert<'_> {
    fn row(&mut self, params: impl Params) -> Result<()> {
        self.stmt
            .execute(params)
            .map(drop)
            .map_err(|source| write_err(self.key, self.table, source))
    }

    fn json<T: Serialize + ?Sized>(&self, value: &T) -> Result<String> {
        serde_json::to_string(value).map_err(|source| self.encode(source))
    }

    fn name<T: Serialize>(&self, value: &T) -> Result<String> {
        name(value).map_err(|source| self.encode(source))
    }

    fn encode(&self, source: serde_json::Error) -> Error {
        Error::Encode { key: self.key.into(), table: self.table, source }
    }
}

fn organisations(w: &Writer<'_>, orgs: &[Organisation]) -> Result<()> {
    let mut ins = w.insert(
        "organisations",
        "INSERT INTO organisations VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, o) in orgs.iter().enumerate() {
        let dcs = ins.json(&o.domain_controllers)?;
        let consoles = ins.json(&o.management_servers)?;
        ins.row(params![
            w.case, i, o.id, o.name, o.country, o.sector, dcs, consoles
        ])?;
    }
    Ok(())
}

fn evidence(w: &Writer<'_>, files: &[EvidenceFile]) -> Result<()> {
    let mut ins = w.insert(
        "evidence",
        "INSERT INTO evidence
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (i, f) in files.iter().enumerate() {
        let kind = ins.name(&f.kind)?;
        let verdict = f.verdict.map(|v| ins.name(&v)).transpose()?;
        ins.row(params![
            w.case, i, f.org, f.path, kind, f.size, f.sha256, verdict,
            f.events, f.error
        ])?;
    }
    Ok(())
}

fn activities(w: &Writer<'_>, activities: &[Activity]) -> Result<()> {
    let mut ins = w.insert(
        "activities",
        "INSERT INTO activities VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
             ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    for a in activities {
        let (source, rule) = source_and_rule(&a.kind);
        ins.row(params![
            w.case,
            a.id,
            a.org,
            a.evidence,
            a.host,
            a.user,
            micros(a.time),
            rank(a.severity),
            a.incident,
            a.title,
            source,
            rule,
            ins.json(&a.techniques)?,
            ins.json(&a.tactics)?,
            ins.json(&a.kind)?,
        ])?;
    }
    Ok(())
}

/// `finding` and its kind's code, or `detection` and its rule's id.
fn source_and_rule(kind: &ActivityKind) -> (&'static str, &str) {
    match kind {
        ActivityKind::Finding { finding, .. } => {
            ("finding", finding.kind.code())
        }
        ActivityKind::Detection { detection } => {
            ("detection", &detection.rule.id)
        }
    }
}

fn entities(w: &Writer<'_>, entities: &[Entity]) -> Result<()> {
    let mut ins = w.insert(
        "entities",
        "INSERT INTO entities VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for e in entities {
        let kind = ins.name(&e.kind)?;
        let noise = e.noise.map(|n| ins.name(&n)).transpose()?;
        let (orgs, incidents) = (ins.json(&e.orgs)?, ins.json(&e.incidents)?);
        ins.row(params![
            w.case, e.id, kind, e.value, e.org, noise, e.hosts, orgs,
            incidents
        ])?;
    }
    Ok(())
}

fn entity_activity(w: &Writer<'_>, links: &[Link]) -> Result<()> {
    let mut ins = w.insert(
        "entity_activity",
        "INSERT INTO entity_activity VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for l in links {
        ins.row(params![
            w.case,
            l.entity,
            l.activity,
            l.entity_pos,
            l.activity_pos
        ])?;
    }
    Ok(())
}

fn edges(w: &Writer<'_>, edges: &[Edge]) -> Result<()> {
    let mut ins = w.insert(
        "edges",
        "INSERT INTO edges VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, e) in edges.iter().enumerate() {
        let activities = ins.json(&e.activities)?;
        ins.row(params![w.case, i, e.a, e.b, e.weight, activities])?;
    }
    Ok(())
}

fn incidents(w: &Writer<'_>, incidents: &[Incident]) -> Result<()> {
    let mut ins = w.insert(
        "incidents",
        "INSERT INTO incidents VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
             ?9, ?10, ?11, ?12, ?13)",
    )?;
    for (i, n) in incidents.iter().enumerate() {
        ins.row(params![
            w.case,
            i,
            n.id,
            n.org,
            n.title,
            rank(n.severity),
            micros(n.first),
            micros(n.last),
            n.campaign,
            ins.json(&n.hosts)?,
            ins.json(&n.users)?,
            ins.json(&n.activities)?,
            ins.json(&n.kill_chain)?,
        ])?;
    }
    Ok(())
}

fn campaigns(w: &Writer<'_>, campaigns: &[Campaign]) -> Result<()> {
    let mut ins = w.insert(
        "campaigns",
        "INSERT INTO campaigns VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
             ?9, ?10, ?11, ?12)",
    )?;
    for (i, c) in campaigns.iter().enumerate() {
        ins.row(params![
            w.case,
            i,
            c.id,
            c.name,
            micros(c.first),
            micros(c.last),
            c.attribution.actor(),
            ins.json(&c.incidents)?,
            ins.json(&c.orgs)?,
            ins.json(&c.techniques)?,
            ins.json(&c.links)?,
            ins.json(&c.attribution)?,
        ])?;
    }
    Ok(())
}

fn takeovers(w: &Writer<'_>, takeovers: &[Takeover]) -> Result<()> {
    let mut ins = w.insert(
        "takeovers",
        "INSERT INTO takeovers VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
             ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    for (i, t) in takeovers.iter().enumerate() {
        ins.row(params![
            w.case,
            i,
            ins.name(&t.kind)?,
            t.org,
            t.host,
            t.technique.as_str(),
            rank(t.severity),
            t.summary,
            micros(t.first),
            micros(t.last),
            t.incident,
            ins.json(&t.hosts)?,
            ins.json(&t.evidence)?,
            ins.json(&t.activities)?,
        ])?;
    }
    Ok(())
}
