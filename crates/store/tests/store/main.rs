//! Integration tests of the case database, one module per area.

mod common;
mod credentials;
mod files;
mod large;
mod queries;
mod roundtrip;
mod submissions;
