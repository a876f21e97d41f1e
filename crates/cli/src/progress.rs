//! Progress bars on a terminal (hidden otherwise).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar over `total` bytes, drawn on stderr only when it is a terminal
/// and `enabled`.
pub(crate) fn bytes_bar(total: u64, enabled: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(total),
        if enabled {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} \
         {binary_bytes_per_sec} {msg}",
    );
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar
}
