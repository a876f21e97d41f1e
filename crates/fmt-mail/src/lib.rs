//! mail parsing: eml, mbox, msg
