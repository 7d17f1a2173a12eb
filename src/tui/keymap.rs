//! Which key does what. The help screen is drawn from [`HELP`], so it lists every key the app
//! answers to.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Keys, where they apply, and what they do.
pub const HELP: &[(&str, &str, &str)] = &[
    (
        "Ctrl-S, F5",
        "anywhere",
        "dial: check the form, confirm, send",
    ),
    ("Tab, Shift-Tab", "anywhere", "next / previous pane"),
    ("F2", "anywhere", "settings and credentials"),
    ("?", "not typing", "this help"),
    ("q", "not typing", "quit (the form is kept)"),
    ("Ctrl-C", "anywhere", "quit"),
    ("Up, Down", "panes", "move between fields and rows"),
    ("Enter, e", "form", "edit the field or row"),
    ("0-9, +", "form", "start typing a number into the field"),
    (
        "Enter, Esc",
        "typing",
        "finish typing (nothing typed is lost)",
    ),
    (
        "Ctrl-U, Ctrl-K",
        "typing",
        "clear before / after the cursor",
    ),
    ("Ctrl-P", "Agent", "pick an agent (type to filter)"),
    (
        "Ctrl-P",
        "Callers",
        "pick an own number (shows why others are not offered)",
    ),
    ("a", "Callers, Variables", "add a row"),
    ("d", "Callers, Variables", "delete the row"),
    (
        "Alt-Up, Alt-Down, K, J",
        "Callers",
        "move the caller up / down",
    ),
    ("Left, Right", "Variables", "key or value column"),
    ("u", "Variables", "add dify-inputs-user"),
    ("c", "Variables", "add dify-inputs-conversation_id"),
    ("i", "Variables", "add dify-inputs-<name>"),
    ("w", "Variables", "add welcome-message-delay"),
    (
        "/",
        "History",
        "filter by callee, agent, status or SessionId",
    ),
    ("Enter, Esc", "History", "open / close the attempt"),
    ("j, k", "open attempt", "scroll the attempt"),
    (
        "r",
        "History, attempt",
        "redial: load the attempt into the form",
    ),
    ("h", "live call", "hang up (y or Enter confirms)"),
    ("s", "live call", "type text for the agent to say"),
    ("l", "live call", "type a line for the agent's LLM"),
    (
        "b",
        "live call",
        "type last words: the agent says them, then hangs up",
    ),
    (
        "Tab, Enter, Esc",
        "say / LLM line",
        "interrupt on/off, send, cancel (text is kept)",
    ),
    ("c", "unknown attempt", "reconcile with the call records"),
    ("y", "attempt", "copy the SessionId"),
    ("o", "finished call", "copy the recording link"),
    (
        "PgUp, PgDn, Home, End",
        "History",
        "page through the history",
    ),
    ("y, Enter / n, Esc", "confirmation", "dial / do not dial"),
    (
        "Ctrl-S",
        "settings",
        "save the settings (and the keys, if entered)",
    ),
];

pub fn is_ctrl(key: &KeyEvent, c: char) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char(c)
}

/// Ctrl-S or F5.
pub fn is_dial(key: &KeyEvent) -> bool {
    is_ctrl(key, 's') || key.code == KeyCode::F(5)
}

/// A plain character, without Ctrl or Alt.
pub fn plain_char(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    }
}

pub fn is_alt(key: &KeyEvent, code: KeyCode) -> bool {
    key.modifiers.contains(KeyModifiers::ALT) && key.code == code
}
