//! Tests of the `counterspy` binary, one module per area.

mod scan;
