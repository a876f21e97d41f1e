//! RTF parsing: tolerant tokenizer, embedded objects, RoyalRoad traits
