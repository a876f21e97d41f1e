//! type detection by content
