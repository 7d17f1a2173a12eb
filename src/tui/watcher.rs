//! History that stays current: attempts written by another process (a batch, a second
//! dialer) show without a restart. The history file and its write-ahead log are watched
//! with inotify; nothing runs while they are unchanged, so an idle dialer stays asleep.

use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::msg::Msg;

/// Fewest milliseconds between two reloads, so a batch writing hundreds of rows a second
/// costs a few queries, not one per row.
const SETTLE: Duration = Duration::from_millis(100);

/// Why the history cannot be watched; the list then changes only with this dialer's own
/// calls.
#[derive(Debug, thiserror::Error)]
#[error("attempts written by other programs show after a restart: cannot watch {path}: {why}")]
pub struct WatchError {
    path: String,
    why: String,
}

/// The names whose change means the history changed: the file and its write-ahead log
/// (where other processes' writes land first).
fn names(history: &Path) -> Option<[OsString; 2]> {
    let name = history.file_name()?;
    let mut wal = name.to_os_string();
    wal.push("-wal");
    Some([name.to_os_string(), wal])
}

/// Sends [`Msg::HistoryChanged`] on `tx` each time the history at `history` changes, until
/// `tx` is closed.
#[cfg(target_os = "linux")]
pub fn watch(history: &Path, tx: UnboundedSender<Msg>) -> Result<(), WatchError> {
    use futures::{FutureExt, StreamExt};
    use inotify::{Inotify, WatchMask};

    let fail = |why: String| WatchError {
        path: history.display().to_string(),
        why,
    };
    let names = names(history).ok_or_else(|| fail("it names no file".into()))?;
    let dir = match history.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let inotify = Inotify::init().map_err(|e| fail(e.to_string()))?;
    // The directory, not the files: the log is made and removed as processes come and go.
    inotify
        .watches()
        .add(
            &dir,
            WatchMask::MODIFY | WatchMask::CLOSE_WRITE | WatchMask::CREATE | WatchMask::MOVED_TO,
        )
        .map_err(|e| fail(e.to_string()))?;
    let mut events = inotify
        .into_event_stream([0u8; 4096])
        .map_err(|e| fail(e.to_string()))?;
    let ours = move |name: &Option<OsString>| name.as_ref().is_some_and(|n| names.contains(n));
    tokio::spawn(async move {
        while let Some(event) = events.next().await {
            let Ok(event) = event else { break };
            if !ours(&event.name) {
                continue;
            }
            if tx.send(Msg::HistoryChanged).is_err() {
                break;
            }
            // Changes during the pause are taken together, then read once more.
            tokio::time::sleep(SETTLE).await;
            let mut changed = false;
            while let Some(Some(Ok(event))) = events.next().now_or_never() {
                changed |= ours(&event.name);
            }
            if changed && tx.send(Msg::HistoryChanged).is_err() {
                break;
            }
        }
    });
    Ok(())
}

/// Elsewhere the list changes only with this dialer's own calls.
#[cfg(not(target_os = "linux"))]
pub fn watch(history: &Path, _tx: UnboundedSender<Msg>) -> Result<(), WatchError> {
    Err(WatchError {
        path: history.display().to_string(),
        why: "watching files is built for Linux only".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_and_its_log() {
        let [file, wal] = names(Path::new("/tmp/x/history.db")).unwrap();
        assert_eq!(
            (file.to_str(), wal.to_str()),
            (Some("history.db"), Some("history.db-wal"))
        );
        assert!(names(Path::new("/")).is_none());
    }
}
