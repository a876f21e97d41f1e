//! archive parsing: zip, gzip
