//! A history started because the previous file had to be moved aside does not know what was
//! dialed. It says so until the user accepts it (`--new-history`, or the dialer's prompt), so
//! no command takes the empty past as "nothing was dialed".

use super::HistoryError;
use super::open::{SET_ASIDE_KEY as KEY, meta_value};
use super::store::Store;

impl Store {
    /// Why the previous history was moved aside, while the user has not accepted the new one.
    pub fn set_aside(&self) -> Result<Option<String>, HistoryError> {
        self.with(|conn| Ok(meta_value(conn, KEY)?))
    }

    /// The user goes on with the new history.
    pub fn accept_new_history(&self) -> Result<(), HistoryError> {
        self.with(|conn| {
            conn.execute("DELETE FROM meta WHERE key = ?1", [KEY])?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_damaged_history_leaves_a_mark_until_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        std::fs::write(&path, b"not a database at all, but a text file").unwrap();
        let (store, notice) = Store::open(&path).unwrap();
        let notice = notice.expect("moved aside");
        assert_eq!(store.set_aside().unwrap(), Some(notice));
        drop(store);
        // Still marked on the next open, which finds a sound file.
        let (store, notice) = Store::open(&path).unwrap();
        assert_eq!(notice, None);
        assert!(store.set_aside().unwrap().is_some());
        store.accept_new_history().unwrap();
        assert_eq!(store.set_aside().unwrap(), None);
    }

    #[test]
    fn a_history_made_through_a_dangling_symlink_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.db");
        let link = dir.path().join("history.db");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let (_store, _) = Store::open(&link).unwrap();
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here: nothing to test
        }
        let e = Store::open(&path).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }
}
