//! One module per subcommand.

pub(crate) mod hunt;
pub(crate) mod rules;
pub(crate) mod scan;
