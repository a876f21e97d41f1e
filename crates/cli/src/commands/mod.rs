//! One module per subcommand.

pub(crate) mod hunt;
pub(crate) mod investigate;
pub(crate) mod rules;
pub(crate) mod scan;
pub(crate) mod serve;
pub(crate) mod store;
pub(crate) mod summary;
pub(crate) mod worker;
