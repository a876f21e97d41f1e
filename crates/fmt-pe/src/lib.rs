//! PE parsing: headers, imports, exports, side-loading traits
