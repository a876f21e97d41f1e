//! The [`Credentials`] trait: the web server's API tokens and browser
//! sessions, stored as hashes.

use counterspy_model::Timestamp;
use serde::{Deserialize, Serialize};

use crate::Result;

/// API tokens and the browser sessions opened with them.
///
/// Only hashes are stored: the caller hashes a token's or a session's
/// secret (hex SHA-256) and looks it up by hash, so a copy of the
/// database gives no one a way in. Revoking a token ends its sessions.
///
/// ```
/// use counterspy_model::Timestamp;
/// use counterspy_store::{Credentials, SqliteStore};
///
/// let mut store = SqliteStore::open_in_memory()?;
/// let now = Timestamp::from_micros(1_000_000);
/// let later = Timestamp::from_micros(2_000_000);
/// let token = store.add_token("ci", &"1f".repeat(32), now)?;
/// store.add_session(&"2e".repeat(32), token.id, "csrf", later)?;
/// let session = store.session_by_hash(&"2e".repeat(32), now)?.unwrap();
/// assert_eq!(session.token.name, "ci");
/// assert!(store.revoke_token("ci")?);
/// assert_eq!(store.session_by_hash(&"2e".repeat(32), now)?, None);
/// # Ok::<(), counterspy_store::Error>(())
/// ```
pub trait Credentials: Send {
    /// Stores a token named `name` whose secret hashes to `hash`. A name
    /// or hash already stored is [`Error::Duplicate`] naming it.
    ///
    /// [`Error::Duplicate`]: crate::Error::Duplicate
    fn add_token(
        &mut self,
        name: &str,
        hash: &str,
        created: Timestamp,
    ) -> Result<TokenInfo>;

    /// The token whose secret hashes to `hash`.
    fn token_by_hash(&self, hash: &str) -> Result<Option<TokenInfo>>;

    /// Every token, by name.
    fn list_tokens(&self) -> Result<Vec<TokenInfo>>;

    /// Deletes the token named `name` and its sessions; whether there was
    /// one.
    fn revoke_token(&mut self, name: &str) -> Result<bool>;

    /// Stores a session of token `token` whose secret hashes to `hash`,
    /// valid until `expires`. A hash already stored is
    /// [`Error::Duplicate`], a token that is not
    /// [`Error::UnknownToken`].
    ///
    /// [`Error::Duplicate`]: crate::Error::Duplicate
    /// [`Error::UnknownToken`]: crate::Error::UnknownToken
    fn add_session(
        &mut self,
        hash: &str,
        token: i64,
        csrf: &str,
        expires: Timestamp,
    ) -> Result<()>;

    /// The session whose secret hashes to `hash`, if it expires after
    /// `now`. An expired session is deleted when looked up.
    fn session_by_hash(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> Result<Option<SessionInfo>>;

    /// Deletes the session whose secret hashes to `hash` (a logout);
    /// whether there was one.
    fn delete_session(&mut self, hash: &str) -> Result<bool>;
}

/// A stored API token, without its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// Its row id, which sessions refer to.
    pub id: i64,
    /// Its unique name (who holds it: `ci`, `alice`).
    pub name: String,
    /// When it was made.
    pub created: Timestamp,
}

/// A live browser session, with the token it was opened with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The token.
    pub token: TokenInfo,
    /// The session's CSRF token, which forms echo back.
    pub csrf: String,
    /// When it stops being valid.
    pub expires: Timestamp,
}
