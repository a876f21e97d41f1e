//! observable extraction and normalisation
