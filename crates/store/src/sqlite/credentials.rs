//! API tokens and browser sessions: the `tokens` and `sessions` tables,
//! which hold hashes of secrets, never the secrets.

use counterspy_model::Timestamp;
use rusqlite::{Row, params};

use super::SqliteStore;
use super::codec::instant;
use super::table::{Table, is_dangling, is_duplicate};
use crate::{Credentials, Error, Result, SessionInfo, TokenInfo};

/// A [`TokenInfo`] from the columns `id, name, created`.
fn token(r: &Row<'_>) -> rusqlite::Result<TokenInfo> {
    Ok(TokenInfo { id: r.get(0)?, name: r.get(1)?, created: instant(r, 2)? })
}

/// A [`SessionInfo`] from the columns `id, name, created` of its token,
/// then `csrf, expires`.
fn session(r: &Row<'_>) -> rusqlite::Result<SessionInfo> {
    Ok(SessionInfo {
        token: token(r)?,
        csrf: r.get(3)?,
        expires: instant(r, 4)?,
    })
}

impl SqliteStore {
    fn tokens(&self) -> Table<'_> {
        Table { conn: &self.conn, name: "tokens" }
    }

    fn sessions(&self) -> Table<'_> {
        Table { conn: &self.conn, name: "sessions" }
    }

    /// [`Error::Duplicate`] for a token whose name or hash is taken:
    /// the name if a token has it, else the hash.
    fn duplicate_token(&self, name: &str, hash: &str) -> Result<Error> {
        let rows = format!("token {name:?}");
        let sql = "SELECT 1 FROM tokens WHERE name = ?1";
        let named = self.tokens().one(&rows, sql, [name], |_| Ok(()))?;
        let (column, value) = match named {
            Some(()) => ("name", name),
            None => ("hash", hash),
        };
        Ok(Error::Duplicate { table: "tokens", column, value: value.into() })
    }
}

impl Credentials for SqliteStore {
    fn add_token(
        &mut self,
        name: &str,
        hash: &str,
        created: Timestamp,
    ) -> Result<TokenInfo> {
        let sql = "INSERT INTO tokens (name, hash, created)
            VALUES (?1, ?2, ?3) RETURNING id";
        let params = params![name, hash, created.as_micros()];
        let inserted = self
            .conn
            .prepare_cached(sql)
            .and_then(|mut stmt| stmt.query_row(params, |r| r.get(0)));
        match inserted {
            Ok(id) => Ok(TokenInfo { id, name: name.into(), created }),
            Err(e) if is_duplicate(&e) => {
                Err(self.duplicate_token(name, hash)?)
            }
            Err(e) => {
                Err(self.tokens().write_err(&format!("token {name:?}"), e))
            }
        }
    }

    fn token_by_hash(&self, hash: &str) -> Result<Option<TokenInfo>> {
        let sql = "SELECT id, name, created FROM tokens WHERE hash = ?1";
        self.tokens().one("a token by hash", sql, [hash], token)
    }

    fn list_tokens(&self) -> Result<Vec<TokenInfo>> {
        let sql = "SELECT id, name, created FROM tokens ORDER BY name";
        self.tokens().all("the tokens", sql, [], token)
    }

    fn revoke_token(&mut self, name: &str) -> Result<bool> {
        let sql = "DELETE FROM tokens WHERE name = ?1";
        let rows = format!("token {name:?}");
        Ok(self.tokens().write(&rows, sql, [name])? > 0)
    }

    fn add_session(
        &mut self,
        hash: &str,
        token: i64,
        csrf: &str,
        expires: Timestamp,
    ) -> Result<()> {
        let sql = "INSERT INTO sessions (hash, token, csrf, expires)
            VALUES (?1, ?2, ?3, ?4)";
        let table = self.sessions();
        let params = params![hash, token, csrf, expires.as_micros()];
        match table.execute(sql, params) {
            Ok(_) => Ok(()),
            Err(e) if is_duplicate(&e) => Err(Error::Duplicate {
                table: "sessions",
                column: "hash",
                value: hash.into(),
            }),
            Err(e) if is_dangling(&e) => {
                Err(Error::UnknownToken { id: token })
            }
            Err(e) => {
                Err(table.write_err(&format!("a session of token {token}"), e))
            }
        }
    }

    fn session_by_hash(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> Result<Option<SessionInfo>> {
        let sql = "SELECT t.id, t.name, t.created, s.csrf, s.expires
            FROM sessions AS s JOIN tokens AS t ON t.id = s.token
            WHERE s.hash = ?1";
        let table = self.sessions();
        let Some(found) =
            table.one("a session by hash", sql, [hash], session)?
        else {
            return Ok(None);
        };
        if found.expires > now {
            return Ok(Some(found));
        }
        let sql = "DELETE FROM sessions WHERE hash = ?1 AND expires <= ?2";
        let params = params![hash, now.as_micros()];
        table.write("an expired session", sql, params)?;
        Ok(None)
    }

    fn delete_session(&mut self, hash: &str) -> Result<bool> {
        let sql = "DELETE FROM sessions WHERE hash = ?1";
        Ok(self.sessions().write("a session by hash", sql, [hash])? > 0)
    }
}
