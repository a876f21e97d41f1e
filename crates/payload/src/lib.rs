//! RoyalRoad 8.t encoded payload recognition and decoding
