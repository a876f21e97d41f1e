//! Progress bars on a terminal (hidden otherwise).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

fn target(enabled: bool) -> ProgressDrawTarget {
    if enabled {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

/// A spinner counting events, drawn on stderr only when `enabled` (the
/// total is not known before the logs are read).
pub(crate) fn events_spinner(enabled: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, target(enabled));
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {human_pos} events {per_sec} {msg}",
    );
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// A bar over `total` bytes, drawn on stderr only when it is a terminal
/// and `enabled`.
pub(crate) fn bytes_bar(total: u64, enabled: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), target(enabled));
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} \
         {binary_bytes_per_sec} {msg}",
    );
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar
}
