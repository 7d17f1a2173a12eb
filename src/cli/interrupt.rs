//! Ctrl-C while a command waits for something it cannot take back (a request sent, a call
//! ringing): the first press says what a second would do, the second stops the waiting.

/// Completes at the second Ctrl-C, telling `first` on stderr at the first.
pub async fn second_ctrl_c(first: &str) {
    // An error means no handler could be installed: then Ctrl-C ends the process as usual.
    if tokio::signal::ctrl_c().await.is_err() {
        return std::future::pending().await;
    }
    eprintln!("{first}");
    let _ = tokio::signal::ctrl_c().await;
}
