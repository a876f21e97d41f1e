//! OOXML and ODF parsing: relationships, macros, DDE, ActiveX, XLM
