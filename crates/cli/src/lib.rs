//! the counterspy command
