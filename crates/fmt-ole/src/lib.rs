//! OLE/CFB parsing: storages, Equation Editor MTEF, Ole10Native, VBA
