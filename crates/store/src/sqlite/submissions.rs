//! The job queue of uploaded files: the `submissions` table.
//!
//! Every change of status is one `UPDATE` whose `WHERE` names the
//! statuses it may start from, so concurrent workers (or a worker and a
//! restart) cannot both move a submission: the second finds nothing to
//! change.

use counterspy_model::Timestamp;
use rusqlite::types::Value;
use rusqlite::{Row, params, params_from_iter};

use super::SqliteStore;
use super::codec::{instant, opt_variant, param, time, variant};
use super::table::{Table, is_duplicate};
use crate::{
    Error, NewSubmission, Outcome, Result, Submission, SubmissionFilter,
    SubmissionStatus, Submissions,
};

/// The columns that make a [`Submission`] (see [`submission`]).
const COLUMNS: &str = "id, case_key, org, name, kind, size, sha256,
    submitter, received, status, verdict, error, started, finished,
    attempts, completions";

const INSERT: &str = "INSERT INTO submissions (id, case_key, org, name,
        kind, size, sha256, submitter, received, status)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued')";

const START: &str = "UPDATE submissions
    SET status = 'running', attempts = attempts + 1, started = ?2
    WHERE id = ?1 AND status IN ('queued', 'running')";

const FINISH_DONE: &str = "UPDATE submissions
    SET status = 'done', verdict = ?2, result = ?3, error = NULL,
        finished = ?4, completions = completions + 1
    WHERE id = ?1 AND status = 'running'";

const FINISH_FAILED: &str = "UPDATE submissions
    SET status = 'failed', verdict = NULL, result = NULL, error = ?2,
        finished = ?3, completions = completions + 1
    WHERE id = ?1 AND status = 'running'";

/// A [`Submission`] from a row of [`COLUMNS`].
fn submission(r: &Row<'_>) -> rusqlite::Result<Submission> {
    Ok(Submission {
        id: r.get(0)?,
        case_key: r.get(1)?,
        org: r.get(2)?,
        name: r.get(3)?,
        kind: variant(r, 4)?,
        size: r.get(5)?,
        sha256: r.get(6)?,
        submitter: r.get(7)?,
        received: instant(r, 8)?,
        status: variant(r, 9)?,
        verdict: opt_variant(r, 10)?,
        error: r.get(11)?,
        started: time(r, 12)?,
        finished: time(r, 13)?,
        attempts: r.get(14)?,
        completions: r.get(15)?,
    })
}

/// How errors name one submission.
fn one(id: &str) -> String {
    format!("submission {id:?}")
}

impl SqliteStore {
    fn submissions(&self) -> Table<'_> {
        Table { conn: &self.conn, name: "submissions" }
    }
}

impl Submissions for SqliteStore {
    fn add_submission(&mut self, new: &NewSubmission) -> Result<Submission> {
        let table = self.submissions();
        let n = new;
        let added = param(&n.kind).and_then(|kind| {
            table.execute(
                INSERT,
                params![
                    n.id,
                    n.case_key,
                    n.org,
                    n.name,
                    kind,
                    n.size,
                    n.sha256,
                    n.submitter,
                    n.received.as_micros(),
                ],
            )
        });
        match added {
            Ok(_) => Ok(Submission::queued(new)),
            Err(e) if is_duplicate(&e) => Err(Error::Duplicate {
                table: "submissions",
                column: "id",
                value: new.id.clone(),
            }),
            Err(e) => Err(table.write_err(&one(&new.id), e)),
        }
    }

    fn submission(&self, id: &str) -> Result<Option<Submission>> {
        let sql = format!("SELECT {COLUMNS} FROM submissions WHERE id = ?1");
        self.submissions().one(&one(id), &sql, [id], submission)
    }

    fn list_submissions(
        &self,
        filter: &SubmissionFilter,
    ) -> Result<Vec<Submission>> {
        let table = self.submissions();
        let rows = "a page of submissions";
        let (sql, params) =
            list_query(filter).map_err(|e| table.read_err(rows, e))?;
        table.all(rows, &sql, params_from_iter(params), submission)
    }

    fn start_submission(&mut self, id: &str, at: Timestamp) -> Result<bool> {
        let params = params![id, at.as_micros()];
        Ok(self.submissions().write(&one(id), START, params)? > 0)
    }

    fn finish_submission(
        &mut self,
        id: &str,
        outcome: &Outcome,
        at: Timestamp,
    ) -> Result<bool> {
        let table = self.submissions();
        let at = at.as_micros();
        let changed = match outcome {
            Outcome::Done { verdict, result } => {
                let verdict = param(verdict)
                    .map_err(|e| table.write_err(&one(id), e))?;
                let params = params![id, verdict, result, at];
                table.write(&one(id), FINISH_DONE, params)?
            }
            Outcome::Failed { error } => {
                let params = params![id, error, at];
                table.write(&one(id), FINISH_FAILED, params)?
            }
        };
        Ok(changed > 0)
    }

    fn submission_result(&self, id: &str) -> Result<Option<String>> {
        let sql = "SELECT result FROM submissions
            WHERE id = ?1 AND status = 'done'";
        let result = self
            .submissions()
            .one(&one(id), sql, [id], |r| r.get::<_, Option<String>>(0))?;
        Ok(result.flatten())
    }

    fn unfinished_submissions(&self) -> Result<Vec<String>> {
        let sql = "SELECT id FROM submissions
            WHERE status IN ('queued', 'running') ORDER BY seq";
        let rows = "the unfinished submissions";
        self.submissions().all(rows, sql, [], |r| r.get(0))
    }

    fn case_results(
        &self,
        case_key: &str,
    ) -> Result<Vec<(Submission, String)>> {
        let sql = format!(
            "SELECT {COLUMNS}, result FROM submissions
             WHERE case_key = ?1 AND status = 'done' ORDER BY seq"
        );
        let rows = format!("the results of case {case_key:?}");
        self.submissions()
            .all(&rows, &sql, [case_key], |r| Ok((submission(r)?, r.get(16)?)))
    }

    fn submission_counts(&self) -> Result<Vec<(SubmissionStatus, u64)>> {
        let sql = "SELECT status, count(*) FROM submissions GROUP BY status";
        let found: Vec<(SubmissionStatus, u64)> =
            self.submissions().all("the counts", sql, [], |r| {
                Ok((variant(r, 0)?, r.get(1)?))
            })?;
        let count = |status| {
            let n = found.iter().find(|(s, _)| *s == status);
            (status, n.map_or(0, |(_, n)| *n))
        };
        Ok(SubmissionStatus::ALL.into_iter().map(count).collect())
    }
}

/// The query for `filter`, newest first; every value is a bound
/// parameter.
fn list_query(
    filter: &SubmissionFilter,
) -> rusqlite::Result<(String, Vec<Value>)> {
    let mut conditions = Vec::new();
    let mut params = Vec::new();
    if let Some(key) = &filter.case_key {
        conditions.push("case_key = ?");
        params.push(Value::Text(key.clone()));
    }
    if let Some(status) = filter.status {
        conditions.push("status = ?");
        params.push(Value::Text(param(&status)?));
    }
    let mut sql = format!("SELECT {COLUMNS} FROM submissions");
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    let limit = filter.limit.and_then(|l| i64::try_from(l).ok());
    let offset = i64::try_from(filter.offset).unwrap_or(i64::MAX);
    sql.push_str(" ORDER BY seq DESC LIMIT ? OFFSET ?");
    params.push(Value::Integer(limit.unwrap_or(-1)));
    params.push(Value::Integer(offset));
    Ok((sql, params))
}
