//! Handler tests: every route through `app(state).oneshot(request)`,
//! without a socket, over a real store and the real analyzer.

mod server {
    mod auth;
    mod cases;
    pub(crate) mod common;
    mod nats;
    mod openapi;
    mod submissions;
    mod ui;
}
