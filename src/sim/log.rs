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
    /// Where the file is, and whether a failed write was already told.
    path: Option<std::path::PathBuf>,
    told: std::sync::atomic::AtomicBool,
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
            path: path.map(Path::to_path_buf),
            told: std::sync::atomic::AtomicBool::new(false),
        })
    }

    pub fn record(&self, entry: LogEntry) {
        if let Some(file) = &self.file
            && let Ok(line) = serde_json::to_string(&entry)
        {
            let mut f = file.lock().unwrap_or_else(|p| p.into_inner());
            // A full disk must not take the simulator down; the in-memory log still has it,
            // but whoever reads the file must know it is short, once.
            if let Err(e) = writeln!(f, "{line}")
                && !self.told.swap(true, std::sync::atomic::Ordering::Relaxed)
            {
                eprintln!(
                    "warning: cannot write the request log {} ({e}); requests are still served \
                     but the file misses them from now on",
                    self.path.as_deref().unwrap_or(Path::new("")).display()
                );
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_that_cannot_be_written_is_told_once_and_requests_are_kept() {
        let full = Path::new("/dev/full");
        if !full.exists() {
            return; // no /dev/full here: nothing to test
        }
        let log = RequestLog::new(Some(full)).unwrap();
        let entry = LogEntry {
            time: String::new(),
            action: "DescribeTelCdr".into(),
            body: serde_json::Value::Null,
            verdict: "ok".into(),
            session_id: None,
        };
        log.record(entry.clone());
        assert!(log.told.load(std::sync::atomic::Ordering::Relaxed));
        log.record(entry);
        assert_eq!(log.count("DescribeTelCdr"), 2);
    }
}
