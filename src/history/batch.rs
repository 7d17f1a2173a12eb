//! The rules that resume a batch without dialing a row twice: the batch id, and which earlier
//! attempt of a row keeps it from being sent again.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::attempt::{AttemptId, AttemptStatus};

/// What every row of a batch inherits, as far as it decides the batch id.
#[derive(Debug, Clone, Copy)]
pub struct BatchKey<'a> {
    /// The CSV file's bytes.
    pub file: &'a [u8],
    pub sdk_app_id: &'a str,
    pub agent: Option<&'a str>,
    pub callers: &'a [String],
    /// The endpoint, so that a rehearsal on the simulator does not mark rows done for the
    /// real service.
    pub endpoint: &'a str,
}

/// The batch id: SHA-256 of the file and of what every row inherits.
pub fn batch_id(key: &BatchKey<'_>) -> String {
    let mut h = Sha256::new();
    h.update(b"ccc-dial batch 1\0");
    h.update((key.file.len() as u64).to_be_bytes());
    h.update(key.file);
    for part in [
        key.sdk_app_id,
        key.agent.unwrap_or(""),
        &key.callers.join(";"),
        key.endpoint,
    ] {
        h.update(b"\0");
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// A run of a batch, held as long as the run lasts (the operating system drops it with the
/// process, however it ends), so that another run of the same batch can tell rows queued
/// under its id that are in flight now from rows a stopped run left.
#[derive(Debug)]
pub struct RunLock {
    _file: std::fs::File,
}

impl RunLock {
    /// Joins the runs of `batch_id`, a lock file beside the history at `history`, and says
    /// whether another run of it is live. Every run joins before it records anything, so a
    /// row read as queued before joining is in flight in a live run, or was left by a
    /// stopped one when no other run is live.
    pub fn join(history: &Path, batch_id: &str) -> std::io::Result<(RunLock, bool)> {
        let mut dir = history.as_os_str().to_owned();
        dir.push(".runs");
        let dir = PathBuf::from(dir);
        crate::fsutil::create_private_dir(&dir)?;
        let name = format!("{}.lock", &batch_id[..batch_id.len().min(32)]);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(name))?;
        // Alone if no run holds it at all; then shared, as every run holds it.
        let alone = match file.try_lock() {
            Ok(()) => true,
            Err(std::fs::TryLockError::WouldBlock) => false,
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        };
        file.lock_shared()?;
        Ok((RunLock { _file: file }, !alone))
    }
}

/// What earlier runs of the same batch did with a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Earlier {
    /// Never recorded, or recorded and never left: send it.
    Never,
    /// It may have rung a phone, or the service refused it: skip it.
    Dialed {
        status: AttemptStatus,
        id: AttemptId,
    },
}

impl Earlier {
    /// From a row's earlier attempts, the most telling: one that placed a call, then one that
    /// may have, then a refusal. Only attempts that never left leave the row to send.
    pub fn of(attempts: &[(AttemptStatus, AttemptId)]) -> Earlier {
        let rank = |s: AttemptStatus| match s {
            AttemptStatus::NotSent => 0,
            AttemptStatus::Rejected => 1,
            AttemptStatus::Unknown | AttemptStatus::Queued => 2,
            _ => 3,
        };
        attempts
            .iter()
            .filter(|(s, _)| *s != AttemptStatus::NotSent)
            .max_by_key(|(s, _)| rank(*s))
            .map_or(Earlier::Never, |(status, id)| Earlier::Dialed {
                status: *status,
                id: id.clone(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_that_may_have_rung_are_never_sent_again() {
        let id = AttemptId::from("a");
        let at = |s| (s, id.clone());
        assert_eq!(Earlier::of(&[]), Earlier::Never);
        assert_eq!(Earlier::of(&[at(AttemptStatus::NotSent)]), Earlier::Never);
        for status in [
            AttemptStatus::Queued,
            AttemptStatus::Unknown,
            AttemptStatus::Rejected,
            AttemptStatus::Accepted,
            AttemptStatus::Finished,
        ] {
            assert_eq!(
                Earlier::of(&[at(AttemptStatus::NotSent), at(status)]),
                Earlier::Dialed {
                    status,
                    id: id.clone()
                }
            );
        }
        assert_eq!(
            Earlier::of(&[at(AttemptStatus::Unknown), at(AttemptStatus::Rejected)]),
            Earlier::Dialed {
                status: AttemptStatus::Unknown,
                id
            }
        );
    }

    #[test]
    fn each_run_of_a_batch_sees_the_others_live_until_they_end() {
        let dir = tempfile::tempdir().unwrap();
        let history = dir.path().join("history.db");
        let (first, others) = RunLock::join(&history, "abc").unwrap();
        assert!(!others);
        let (second, others) = RunLock::join(&history, "abc").unwrap();
        assert!(others);
        assert!(!RunLock::join(&history, "other").unwrap().1);
        drop(first);
        assert!(
            RunLock::join(&history, "abc").unwrap().1,
            "the second is live"
        );
        drop(second);
        assert!(!RunLock::join(&history, "abc").unwrap().1);
    }

    #[test]
    fn the_batch_id_follows_content_and_what_rows_inherit_only() {
        let callers = vec!["008601012345678".to_string()];
        let key = BatchKey {
            file: b"callee\n1\n",
            sdk_app_id: "1400000000",
            agent: Some("15"),
            callers: &callers,
            endpoint: "simulator",
        };
        let id = batch_id(&key);
        assert_eq!(id.len(), 64);
        assert_eq!(id, batch_id(&key));
        for other in [
            BatchKey {
                file: b"callee\n2\n",
                ..key
            },
            BatchKey {
                endpoint: "ccc.tencentcloudapi.com",
                ..key
            },
            BatchKey {
                agent: Some("16"),
                ..key
            },
            BatchKey {
                callers: &[],
                ..key
            },
        ] {
            assert_ne!(id, batch_id(&other));
        }
    }
}
