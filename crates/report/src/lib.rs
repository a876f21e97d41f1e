//! output sinks
