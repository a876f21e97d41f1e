//! recursive, budgeted extraction and analysis
