//! Windows shell link (LNK) parsing
