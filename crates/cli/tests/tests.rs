//! Tests of the `counterspy` binary, one module per area.

mod hunt;
mod scan;
