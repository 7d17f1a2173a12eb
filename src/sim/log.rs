//! The request log: every request received, kept in memory for tests and written as JSON lines
//! with `--log FILE`. Bodies are logged as received; they never hold the SecretKey, which only
//! signs and is never sent.

use std::collections::VecDeque;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;

/// How many entries stay in memory; older ones are forgotten (the file keeps everything).
pub const MEMORY_CAP: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    /// When the request arrived, RFC 3339 on the simulator's clock.
    pub time: String,
    /// X-TC-Action as sent, empty when absent.
    pub action: String,
    /// The request JSON as received, parsed; a string when it was not JSON.
    pub body: Value,
    /// `ok`, the error code answered, or the transport fault (`slow`, `dropped`, `http500`, `malformed`).
    pub verdict: String,
    /// The session created, or named by the request's SessionId.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
}

#[derive(Debug)]
pub struct RequestLog {
    memory: Mutex<VecDeque<LogEntry>>,
    file: Option<Mutex<File>>,
}

impl RequestLog {
    pub fn new(path: Option<&Path>) -> std::io::Result<Self> {
        let file = match path {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|e| {
                        std::io::Error::new(
                            e.kind(),
                            format!("cannot open the request log {}: {e}", p.display()),
                        )
                    })?,
            )),
            None => None,
        };
        Ok(RequestLog {
            memory: Mutex::new(VecDeque::new()),
            file,
        })
    }

    pub fn record(&self, entry: LogEntry) {
        if let Some(file) = &self.file
            && let Ok(line) = serde_json::to_string(&entry)
        {
            let mut f = file.lock().unwrap_or_else(|p| p.into_inner());
            // A full disk must not take the simulator down; the in-memory log still has it.
            let _ = writeln!(f, "{line}");
        }
        let mut memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        if memory.len() == MEMORY_CAP {
            memory.pop_front();
        }
        memory.push_back(entry);
    }

    pub fn entries(&self) -> Vec<LogEntry> {
        let memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        memory.iter().cloned().collect()
    }

    pub fn count(&self, action: &str) -> usize {
        let memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        memory.iter().filter(|e| e.action == action).count()
    }
}
