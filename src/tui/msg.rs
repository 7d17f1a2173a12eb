//! What goes in and out of the dialer's state: messages from the runtime, effects for it to
//! carry out, and notices for the user.

use crossterm::event::{KeyEvent, MouseEvent};

use super::bench_msg::{BenchEffect, BenchMsg};
use super::held::HeldDial;
use super::keymap::steer_key;
use crate::ccc::actions::{AIAgentInfo, NumberInfo};
use crate::config::Settings;
use crate::credentials::Credential;
use crate::dialer::{CallWord, DialDraft, DialRequest, DialerEvent, PushKind, WatchEvent};
use crate::history::{Attempt, AttemptId, Event, Filter, Override, Page};

/// What happens outside the pure state: the runtime carries these out and answers with
/// [`Msg`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Checks the callee against the recent-call guard, then dials.
    Dial(DialRequest),
    /// Dials with an override recorded on the attempt; `check` still asks the guard, for a
    /// call in progress (which no override passes) or a check that cannot be made.
    DialOverride {
        request: DialRequest,
        overridden: Override,
        check: bool,
    },
    QueryHistory {
        generation: u64,
        filter: Filter,
        page: Page,
    },
    LoadDetail(AttemptId),
    LoadAgents {
        sdk_app_id: i64,
        page_number: i64,
    },
    LoadNumbers {
        sdk_app_id: i64,
    },
    SaveDraft(DialDraft),
    SaveSettings(Settings),
    WriteProfile {
        profile: String,
        credential: Credential,
    },
    HangUp(AttemptId),
    Steer {
        id: AttemptId,
        kind: PushKind,
        text: String,
        interrupt: bool,
    },
    Reconcile(AttemptId),
    /// Put the text on the clipboard (OSC 52, so it works over ssh too).
    Copy(String),
    Bench(BenchEffect),
    Quit,
}

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    Dialer(DialerEvent),
    /// The recent-call guard held a dial back.
    Held(Box<HeldDial>),
    HistoryPage {
        generation: u64,
        total: u64,
        offset: u64,
        rows: Vec<Attempt>,
    },
    Detail {
        attempt: Box<Attempt>,
        events: Vec<Event>,
    },
    /// How finished attempts of a history page ended: the word of their call record, or
    /// `None` when they have none.
    Outcomes(Vec<(AttemptId, Option<CallWord>)>),
    AgentsPage {
        page_number: i64,
        result: Result<(Vec<AIAgentInfo>, Option<i64>), String>,
    },
    Numbers(Result<Vec<NumberInfo>, String>),
    /// The outcome of an effect worth telling the user about (saved, or why not).
    Done(Result<String, String>),
    /// The clock moved on (ms since the epoch): only a live call's elapsed time changes.
    Tick(i64),
    /// The history file changed, perhaps by another process: the list is read again.
    HistoryChanged,
    Bench(BenchMsg),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
    /// When it leaves the footer (ms since the epoch); it stays in the message log.
    pub until_ms: i64,
}

impl Notice {
    pub fn new(level: Level, text: impl Into<String>) -> Notice {
        Notice {
            level,
            text: text.into(),
            until_ms: 0,
        }
    }

    /// How long a notice stays in the footer: problems long enough to read twice.
    pub fn lasts_ms(level: Level) -> i64 {
        match level {
            Level::Info | Level::Success => 5_000,
            Level::Warning | Level::Error => 15_000,
        }
    }
}

/// `text` in lines of at most `width` columns, broken between words where it can.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let cols = |s: &str| ratatui::text::Line::from(s).width();
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("one line at least");
        if line.is_empty() && cols(word) <= width {
            line.push_str(word);
            continue;
        }
        if !line.is_empty() && cols(line) + 1 + cols(word) <= width {
            line.push(' ');
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(String::new());
        }
        for c in word.chars() {
            let mut buf = [0u8; 4];
            let line = lines.last_mut().expect("one line at least");
            if !line.is_empty() && cols(line) + cols(c.encode_utf8(&mut buf)) > width {
                lines.push(String::new());
            }
            lines.last_mut().expect("one line at least").push(c);
        }
    }
    lines
}
impl Notice {
    /// What the user should hear of a followed call's event, if anything.
    pub fn of_watch(event: WatchEvent) -> Option<Notice> {
        Some(match event {
            WatchEvent::Status { .. } | WatchEvent::Record { .. } | WatchEvent::Report { .. } => {
                return None;
            }
            WatchEvent::HangUp { id, result } => match result {
                Ok(()) => Notice::new(Level::Success, format!("Hung up {}", id.short())),
                Err(e) => Notice::new(Level::Error, format!("Not hung up: {e}")),
            },
            WatchEvent::Pushed {
                kind, text, result, ..
            } => match result {
                Ok(()) => {
                    let what = match kind {
                        PushKind::Text => "Pushed",
                        PushKind::Llm => "Sent to the LLM",
                        PushKind::LastWords => "Said, then the call ends",
                    };
                    Notice::new(Level::Success, format!("{what}: {text}"))
                }
                Err(e) => Notice::new(
                    Level::Warning,
                    format!(
                        "Not sent: {e} · {} to try again, the text is kept",
                        steer_key(kind)
                    ),
                ),
            },
            WatchEvent::Reconciled { outcome, .. } => Notice::new(Level::Info, outcome.describe()),
            WatchEvent::WatchError {
                id,
                message,
                stopped,
            } => {
                let tail = if stopped {
                    "; stopped following it (it resumes at the next start)"
                } else {
                    ""
                };
                Notice::new(
                    Level::Warning,
                    format!("Following {}: {message}{tail}", id.short()),
                )
            }
        })
    }
}
