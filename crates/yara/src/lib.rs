//! yara-x adapter
