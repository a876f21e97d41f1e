//! Loading a case, table by table, in the case's order.

use counterspy_model::Case;
use counterspy_model::case::{
    Campaign, Edge, EvidenceFile, Incident, Link, Organisation, Takeover,
};
use rusqlite::{Connection, OptionalExtension, Params, Row};

use super::codec::{json, opt_variant, severity, time, variant};
use crate::{ActivityFilter, CaseInfo, Error, Result};

/// Reads the rows of one stored case.
pub(crate) struct Reader<'c> {
    pub(crate) conn: &'c Connection,
    pub(crate) key: &'c str,
    pub(crate) case: i64,
}

/// The row id of the case stored under `key`.
pub(crate) fn find(conn: &Connection, key: &str) -> Result<Option<i64>> {
    conn.query_row("SELECT id FROM cases WHERE key = ?1", [key], |r| r.get(0))
        .optional()
        .map_err(|source| Error::Read {
            key: key.into(),
            table: "cases",
            source,
        })
}

/// The columns of `cases` that make a [`CaseInfo`].
pub(crate) const INFO: &str = "SELECT key, name, organisations, activities,
    incidents, campaigns, updated FROM cases";

/// A [`CaseInfo`] from a row of [`INFO`].
pub(crate) fn info(row: &Row<'_>) -> rusqlite::Result<CaseInfo> {
    Ok(CaseInfo {
        key: row.get(0)?,
        name: row.get(1)?,
        organisations: row.get(2)?,
        activities: row.get(3)?,
        incidents: row.get(4)?,
        campaigns: row.get(5)?,
        updated: time(row, 6)?,
    })
}

impl Reader<'_> {
    /// The rows `sql` selects, each made by `f`.
    pub(crate) fn rows<T>(
        &self,
        table: &'static str,
        sql: &str,
        params: impl Params,
        f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let err = |source| Error::Read { key: self.key.into(), table, source };
        let mut stmt = self.conn.prepare_cached(sql).map_err(err)?;
        let rows = stmt.query_map(params, f).map_err(err)?;
        rows.collect::<rusqlite::Result<Vec<T>>>().map_err(err)
    }

    /// The whole case.
    pub(crate) fn case(&self) -> Result<Case> {
        Ok(Case {
            name: self.name()?,
            organisations: self.organisations()?,
            evidence: self.evidence()?,
            activities: self.activities(&ActivityFilter::default())?,
            entities: self.entities(None)?,
            edges: self.edges()?,
            incidents: self.incidents()?,
            campaigns: self.campaigns()?,
            takeovers: self.takeovers()?,
        })
    }

    fn name(&self) -> Result<String> {
        let sql = "SELECT name FROM cases WHERE id = ?1";
        let names = self.rows("cases", sql, [self.case], |r| r.get(0))?;
        let key = self.key.into();
        names.into_iter().next().ok_or(Error::NotFound { key })
    }

    fn organisations(&self) -> Result<Vec<Organisation>> {
        let sql = "SELECT id, name, country, sector, domain_controllers,
                management_servers
            FROM organisations WHERE case_id = ?1 ORDER BY idx";
        self.rows("organisations", sql, [self.case], |r| {
            Ok(Organisation {
                id: r.get(0)?,
                name: r.get(1)?,
                country: r.get(2)?,
                sector: r.get(3)?,
                domain_controllers: json(r, 4)?,
                management_servers: json(r, 5)?,
            })
        })
    }

    fn evidence(&self) -> Result<Vec<EvidenceFile>> {
        let sql =
            "SELECT org, path, kind, size, sha256, verdict, events, error
            FROM evidence WHERE case_id = ?1 ORDER BY idx";
        self.rows("evidence", sql, [self.case], |r| {
            Ok(EvidenceFile {
                org: r.get(0)?,
                path: r.get(1)?,
                kind: variant(r, 2)?,
                size: r.get(3)?,
                sha256: r.get(4)?,
                verdict: opt_variant(r, 5)?,
                events: r.get(6)?,
                error: r.get(7)?,
            })
        })
    }

    fn edges(&self) -> Result<Vec<Edge>> {
        let sql = "SELECT a, b, activities, weight
            FROM edges WHERE case_id = ?1 ORDER BY idx";
        self.rows("edges", sql, [self.case], |r| {
            Ok(Edge {
                a: r.get(0)?,
                b: r.get(1)?,
                activities: json(r, 2)?,
                weight: r.get(3)?,
            })
        })
    }

    /// The incidents, in the case's order.
    pub(crate) fn incidents(&self) -> Result<Vec<Incident>> {
        let sql = "SELECT id, org, title, severity, first_time, last_time,
                hosts, users, activities, kill_chain, campaign
            FROM incidents WHERE case_id = ?1 ORDER BY idx";
        self.rows("incidents", sql, [self.case], |r| {
            Ok(Incident {
                id: r.get(0)?,
                org: r.get(1)?,
                title: r.get(2)?,
                severity: severity(r, 3)?,
                first: time(r, 4)?,
                last: time(r, 5)?,
                hosts: json(r, 6)?,
                users: json(r, 7)?,
                activities: json(r, 8)?,
                kill_chain: json(r, 9)?,
                campaign: r.get(10)?,
            })
        })
    }

    /// The campaigns, in the case's order.
    pub(crate) fn campaigns(&self) -> Result<Vec<Campaign>> {
        let sql = "SELECT id, name, incidents, orgs, first_time, last_time,
                links, techniques, attribution
            FROM campaigns WHERE case_id = ?1 ORDER BY idx";
        self.rows("campaigns", sql, [self.case], |r| {
            Ok(Campaign {
                id: r.get(0)?,
                name: r.get(1)?,
                incidents: json(r, 2)?,
                orgs: json(r, 3)?,
                first: time(r, 4)?,
                last: time(r, 5)?,
                links: json::<Vec<Link>>(r, 6)?,
                techniques: json(r, 7)?,
                attribution: json(r, 8)?,
            })
        })
    }

    fn takeovers(&self) -> Result<Vec<Takeover>> {
        let sql = "SELECT kind, org, host, hosts, technique, severity,
                summary, evidence, activities, first_time, last_time, incident
            FROM takeovers WHERE case_id = ?1 ORDER BY idx";
        self.rows("takeovers", sql, [self.case], |r| {
            Ok(Takeover {
                kind: variant(r, 0)?,
                org: r.get(1)?,
                host: r.get(2)?,
                hosts: json(r, 3)?,
                technique: variant(r, 4)?,
                severity: severity(r, 5)?,
                summary: r.get(6)?,
                evidence: json(r, 7)?,
                activities: json(r, 8)?,
                first: time(r, 9)?,
                last: time(r, 10)?,
                incident: r.get(11)?,
            })
        })
    }
}
