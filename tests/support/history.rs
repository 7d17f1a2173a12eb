//! What the history tests share: a history in a fresh directory, an attempt to record, and
//! the files a history was moved aside to.

use std::fs;
use std::path::{Path, PathBuf};

use ccc_dial::history::{AttemptId, NewAttempt};

pub const T0: i64 = 1_793_541_600_000; // 2026-11-01T14:00:00Z

pub fn new_attempt(at_ms: i64, callee: &str) -> NewAttempt {
    NewAttempt {
        id: AttemptId::new(),
        created_at_ms: at_ms,
        endpoint: "simulator".into(),
        sdk_app_id: 1_400_000_000,
        agent_id: 15,
        agent_name: Some("Sales bot".into()),
        callee: callee.into(),
        callers: vec!["008601012345678".into(), "008601012345679".into()],
        variables: vec![
            ("dify-inputs-user".into(), "alice".into()),
            ("welcome-message-delay".into(), "2".into()),
        ],
        max_ring_timeout: Some(30),
        acquire_timeout: None,
        request_json: format!(r#"{{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"{callee}"}}"#),
        batch: None,
    }
}

pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("history.db");
    (dir, path)
}

pub fn aside_files(dir: &Path, word: &str) -> Vec<PathBuf> {
    let mut found: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!("history.db.{word}-"))
        })
        .collect();
    found.sort();
    found
}
