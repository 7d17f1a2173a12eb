//! The built-in simulator's sessions, kept in a file beside the history so they outlive the
//! process: the dialer started again, or a `--sim` command run beside it, finds the calls an
//! earlier or another process placed and follows them to their records. A session's state is
//! a function of the clock, so storing what was asked (created, hung up, pushed) is enough.
//!
//! Every process merges its sessions into the file under a lock (its own copy of a session
//! wins), and reads the file again when asked about a session it does not know. Without a
//! file, the sessions live in memory only.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::session::{End, Pushed, Script, Session};

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum StoredScript {
    Answered {
        ring_ms: i64,
        talk_ms: i64,
    },
    Unanswered {
        after_ms: i64,
        end_code: i64,
        end_side: String,
        rang: bool,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredSession {
    id: String,
    room_id: String,
    record_id: String,
    agent_id: u64,
    agent_name: String,
    caller: String,
    callee: String,
    variables: Vec<(String, String)>,
    created_ms: i64,
    script: StoredScript,
    hung_up_ms: Option<i64>,
    pushed: Vec<Pushed>,
}

impl From<&Session> for StoredSession {
    fn from(s: &Session) -> Self {
        let script = match s.script {
            Script::Answered { ring_ms, talk_ms } => StoredScript::Answered { ring_ms, talk_ms },
            Script::Unanswered {
                after_ms,
                end,
                rang,
            } => StoredScript::Unanswered {
                after_ms,
                end_code: end.code,
                end_side: end.side.to_string(),
                rang,
            },
        };
        StoredSession {
            id: s.id.clone(),
            room_id: s.room_id.clone(),
            record_id: s.record_id.clone(),
            agent_id: s.agent_id,
            agent_name: s.agent_name.clone(),
            caller: s.caller.clone(),
            callee: s.callee.clone(),
            variables: s.variables.clone(),
            created_ms: s.created_ms,
            script,
            hung_up_ms: s.hung_up_ms,
            pushed: s.pushed.clone(),
        }
    }
}

impl StoredSession {
    /// The session, unless its end is not one this simulator knows (a newer version's).
    fn into_session(self) -> Option<Session> {
        let script = match self.script {
            StoredScript::Answered { ring_ms, talk_ms } => Script::Answered { ring_ms, talk_ms },
            StoredScript::Unanswered {
                after_ms,
                end_code,
                end_side,
                rang,
            } => Script::Unanswered {
                after_ms,
                end: End::known(end_code, &end_side)?,
                rang,
            },
        };
        Some(Session {
            id: self.id,
            room_id: self.room_id,
            record_id: self.record_id,
            agent_id: self.agent_id,
            agent_name: self.agent_name,
            caller: self.caller,
            callee: self.callee,
            variables: self.variables,
            created_ms: self.created_ms,
            script,
            hung_up_ms: self.hung_up_ms,
            pushed: self.pushed,
        })
    }
}

/// How long a session is kept: as far back as DescribeTelCdr looks (180 days).
const KEEP_MS: i64 = 180 * 86_400 * 1_000;

#[derive(Debug, thiserror::Error)]
#[error("cannot keep the simulator's sessions in {path}: {source}")]
pub struct StateError {
    path: String,
    source: std::io::Error,
}

/// The file the sessions are kept in.
#[derive(Debug, Clone)]
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    pub fn new(path: PathBuf) -> Self {
        StateFile { path }
    }

    /// The simulator state beside a history file: `history.db` → `history.simulator.json`.
    pub fn beside(history: &Path) -> Self {
        StateFile::new(history.with_extension("simulator.json"))
    }

    fn error(&self, source: std::io::Error) -> StateError {
        StateError {
            path: self.path.display().to_string(),
            source,
        }
    }

    /// Holds the file's lock until dropped.
    fn lock(&self) -> Result<File, StateError> {
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir).map_err(|e| self.error(e))?;
        }
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.path.with_extension("json.lock"))
            .map_err(|e| self.error(e))?;
        lock.lock().map_err(|e| self.error(e))?;
        Ok(lock)
    }

    fn read(&self) -> Vec<StoredSession> {
        let Ok(text) = fs::read_to_string(&self.path) else {
            return Vec::new();
        };
        serde_json::from_str(&text).unwrap_or_else(|e| {
            tracing::warn!(path = %self.path.display(), "simulator state unreadable, starting afresh: {e}");
            Vec::new()
        })
    }

    /// Every session kept, oldest first.
    pub fn load(&self) -> Result<Vec<Session>, StateError> {
        if !self.path.exists() {
            return Ok(Vec::new());
        }
        let _lock = self.lock()?;
        Ok(self
            .read()
            .into_iter()
            .filter_map(StoredSession::into_session)
            .collect())
    }

    /// Merges `ours` into the file: ours replace the stored copies, the others stay.
    pub fn save<'a>(&self, ours: impl Iterator<Item = &'a Session>) -> Result<(), StateError> {
        let _lock = self.lock()?;
        // Calls older than DescribeTelCdr can look back are of no use to anyone: let them go.
        let oldest_ms = super::clock::wall_ms() - KEEP_MS;
        let mut all = self.read();
        all.retain(|s| s.created_ms >= oldest_ms);
        for s in ours.filter(|s| s.created_ms >= oldest_ms) {
            let stored = StoredSession::from(s);
            match all.iter_mut().find(|k| k.id == stored.id) {
                Some(slot) => *slot = stored,
                None => all.push(stored),
            }
        }
        let text = serde_json::to_string(&all).map_err(|e| self.error(e.into()))?;
        let tmp = self.path.with_extension("json.tmp");
        let mut file = File::create(&tmp).map_err(|e| self.error(e))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| self.error(e))?;
        fs::rename(&tmp, &self.path).map_err(|e| self.error(e))
    }
}

/// Sessions by id, remembering the order they were created in; kept in a [`StateFile`] when
/// one is given.
#[derive(Debug, Default)]
pub struct Sessions {
    by_id: HashMap<String, Session>,
    order: Vec<String>,
    file: Option<StateFile>,
}

impl Sessions {
    /// The sessions kept in `file`, which every change is written to.
    pub fn kept_in(file: StateFile) -> Result<Self, StateError> {
        let mut sessions = Sessions {
            file: Some(file),
            ..Sessions::default()
        };
        sessions.refresh()?;
        Ok(sessions)
    }

    /// Takes in the sessions other processes kept since.
    fn refresh(&mut self) -> Result<(), StateError> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        for s in file.load()? {
            if !self.by_id.contains_key(&s.id) {
                self.order.push(s.id.clone());
                self.by_id.insert(s.id.clone(), s);
            }
        }
        Ok(())
    }

    fn refresh_or_warn(&mut self) {
        if let Err(e) = self.refresh() {
            tracing::warn!("{e}");
        }
    }

    /// Writes the sessions to the state file, if any; a failure is logged, never answered.
    pub fn save(&self) {
        if let Some(file) = &self.file
            && let Err(e) = file.save(self.by_id.values())
        {
            tracing::warn!("{e}");
        }
    }

    pub fn insert(&mut self, s: Session) {
        self.order.push(s.id.clone());
        self.by_id.insert(s.id.clone(), s);
    }

    /// The session as this process knows it.
    pub fn get(&self, id: &str) -> Option<&Session> {
        self.by_id.get(id)
    }

    /// The session, looked for in the state file too when this process does not know it.
    pub fn find(&mut self, id: &str) -> Option<&Session> {
        self.get_mut(id).map(|s| &*s)
    }

    /// The session, looked for in the state file too when this process does not know it.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Session> {
        if !self.by_id.contains_key(id) {
            self.refresh_or_warn();
        }
        self.by_id.get_mut(id)
    }

    /// How many sessions were created.
    pub fn created(&self) -> usize {
        self.order.len()
    }

    /// Every session, those of the state file included, oldest first.
    pub fn in_order(&mut self) -> impl Iterator<Item = &Session> {
        self.refresh_or_warn();
        self.order.iter().filter_map(|id| self.by_id.get(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::faults::Ending;

    fn session(id: &str, created_ms: i64, ending: Option<Ending>) -> Session {
        Session {
            id: id.into(),
            room_id: "12345678".into(),
            record_id: "r".into(),
            agent_id: 15,
            agent_name: "Sales bot".into(),
            caller: "008601012345678".into(),
            callee: "008613012345678".into(),
            variables: vec![("name".into(), "Alice".into())],
            created_ms,
            script: Script::new(ending, 2_000, 8_000, None),
            hung_up_ms: None,
            pushed: vec![],
        }
    }

    #[test]
    fn sessions_come_back_as_they_were_and_old_ones_go() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::beside(&dir.path().join("history.db"));
        assert!(file.load().unwrap().is_empty(), "no file: no sessions");
        let now = super::super::clock::wall_ms();
        let mut busy = session("busy", now, Some(Ending::Busy));
        busy.hang_up(now + 500);
        let kept = [
            session("ok", now, None),
            busy,
            session("voicemail", now, Some(Ending::VoiceMailReached)),
        ];
        let old = session("old", now - KEEP_MS - 1, None);
        file.save(kept.iter().chain([&old])).unwrap();
        let back = file.load().unwrap();
        let ids: Vec<&str> = back.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["ok", "busy", "voicemail"]);
        for (a, b) in kept.iter().zip(&back) {
            assert_eq!(a.script, b.script);
            assert_eq!((a.end(), a.end_ms()), (b.end(), b.end_ms()));
            assert_eq!(a.variables, b.variables);
        }
        assert!(dir.path().join("history.simulator.json").exists());
    }
}
