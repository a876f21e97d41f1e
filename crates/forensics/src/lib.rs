//! mail header forensics and lure watch-lists
