//! Reading and writing the web server's tables (`submissions`, `tokens`,
//! `sessions`), whose errors name the table and the rows rather than a
//! case.

use std::ffi::c_int;

use rusqlite::{Connection, OptionalExtension, Params, Row, ffi};

use crate::{Error, Result};

/// One table outside the cases, on a connection.
pub(crate) struct Table<'c> {
    pub(crate) conn: &'c Connection,
    pub(crate) name: &'static str,
}

impl Table<'_> {
    /// The rows `sql` selects, each made by `f`; `rows` says which, for
    /// the error.
    pub(crate) fn all<T>(
        &self,
        rows: &str,
        sql: &str,
        params: impl Params,
        f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let err = |source| self.read_err(rows, source);
        let mut stmt = self.conn.prepare_cached(sql).map_err(err)?;
        let found = stmt.query_map(params, f).map_err(err)?;
        found.collect::<rusqlite::Result<Vec<T>>>().map_err(err)
    }

    /// The row `sql` selects, if any, made by `f`.
    pub(crate) fn one<T>(
        &self,
        rows: &str,
        sql: &str,
        params: impl Params,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        let err = |source| self.read_err(rows, source);
        let mut stmt = self.conn.prepare_cached(sql).map_err(err)?;
        stmt.query_row(params, f).optional().map_err(err)
    }

    /// Runs the write `sql`; how many rows it changed.
    pub(crate) fn write(
        &self,
        rows: &str,
        sql: &str,
        params: impl Params,
    ) -> Result<usize> {
        self.execute(sql, params).map_err(|e| self.write_err(rows, e))
    }

    /// Runs the write `sql`, keeping SQLite's error for the caller to
    /// tell a constraint from a failure.
    pub(crate) fn execute(
        &self,
        sql: &str,
        params: impl Params,
    ) -> rusqlite::Result<usize> {
        self.conn.prepare_cached(sql)?.execute(params)
    }

    /// [`Error::ReadRows`] for `rows` of this table.
    pub(crate) fn read_err(&self, rows: &str, e: rusqlite::Error) -> Error {
        Error::ReadRows { table: self.name, rows: rows.into(), source: e }
    }

    /// [`Error::WriteRows`] for `rows` of this table.
    pub(crate) fn write_err(&self, rows: &str, e: rusqlite::Error) -> Error {
        Error::WriteRows { table: self.name, rows: rows.into(), source: e }
    }
}

/// Whether `e` is a `UNIQUE` or `PRIMARY KEY` violation.
pub(crate) fn is_duplicate(e: &rusqlite::Error) -> bool {
    constraint(e).is_some_and(|code| {
        code == ffi::SQLITE_CONSTRAINT_UNIQUE
            || code == ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    })
}

/// Whether `e` is a `FOREIGN KEY` violation.
pub(crate) fn is_dangling(e: &rusqlite::Error) -> bool {
    constraint(e) == Some(ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
}

/// The extended code of a constraint violation.
fn constraint(e: &rusqlite::Error) -> Option<c_int> {
    let failure = e.sqlite_error()?;
    (failure.code == ffi::ErrorCode::ConstraintViolation)
        .then_some(failure.extended_code)
}
