//! PDF parsing: actions, JavaScript, embedded files
