//! Which key does what, in one table. The app dispatches keys through [`action`], the help
//! screen lists [`BINDINGS`], and the footer's hints name keys that [`action`] answers to, so
//! no key works without its help line.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::pane::Pane;
use crate::dialer::PushKind;
use crate::variable;

/// The mode the keys are read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The main screen with a pane focused, nothing being typed.
    Pane(Pane),
    /// Typing into a field of the form.
    Typing,
    /// The dial confirmation.
    Confirm,
    /// The line sent into a live call.
    SteerLine,
    /// The settings screen.
    Settings,
    /// Typing the history's filter.
    Filter,
    /// A popup that shows its own keys (help, picker, hang-up) or the history filter being
    /// typed: only the keys read everywhere apply.
    Popup,
}

/// The scopes a binding is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Every scope, popups included.
    Always,
    /// Every pane, and while typing.
    Anywhere,
    /// Every pane, not while typing.
    Panes,
    /// The form's panes.
    Form,
    /// The panes of one-line fields.
    Fields,
    /// The panes with rows.
    Rows,
    /// The panes with a list: rows and the history.
    Lists,
    In(Pane),
    Typing,
    Confirm,
    SteerLine,
    Settings,
    Filter,
}

impl When {
    pub fn covers(self, scope: Scope) -> bool {
        use Pane::*;
        match (self, scope) {
            (When::Always, _) => true,
            (When::Anywhere, Scope::Pane(_) | Scope::Typing) => true,
            (When::Panes, Scope::Pane(_)) => true,
            (When::Form, Scope::Pane(p)) => p != History,
            (When::Fields, Scope::Pane(p)) => matches!(p, Agent | Options | Callee),
            (When::Rows, Scope::Pane(p)) => matches!(p, Callers | Variables),
            (When::Lists, Scope::Pane(p)) => matches!(p, Callers | Variables | History),
            (When::In(want), Scope::Pane(p)) => want == p,
            (When::Typing, Scope::Typing)
            | (When::Confirm, Scope::Confirm)
            | (When::SteerLine, Scope::SteerLine)
            | (When::Settings, Scope::Settings)
            | (When::Filter, Scope::Filter) => true,
            _ => false,
        }
    }
}

/// A key as pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A key without Ctrl or Alt (Shift allowed, as terminals send it with Shift-Tab).
    Code(KeyCode),
    /// A character without Ctrl or Alt.
    Char(char),
    Ctrl(char),
    Alt(KeyCode),
    /// A digit or `+`: the start of a phone number or a timeout.
    Number,
}

impl Key {
    pub fn matches(self, key: &KeyEvent) -> bool {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match self {
            Key::Code(code) => plain && key.code == code,
            Key::Char(c) => plain_char(key) == Some(c),
            Key::Ctrl(c) => is_ctrl(key, c),
            Key::Alt(code) => is_alt(key, code),
            Key::Number => plain_char(key).is_some_and(|c| c.is_ascii_digit() || c == '+'),
        }
    }

    /// A key event that this pattern matches, to drive the app with in tests and benches.
    pub fn event(self) -> KeyEvent {
        match self {
            Key::Code(code) => KeyEvent::new(code, KeyModifiers::NONE),
            Key::Char(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            Key::Ctrl(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
            Key::Alt(code) => KeyEvent::new(code, KeyModifiers::ALT),
            Key::Number => KeyEvent::new(KeyCode::Char('0'), KeyModifiers::NONE),
        }
    }
}

/// What a key asks for; the scope it was read in says of what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Dial,
    /// Go to a pane.
    Focus(Pane),
    NextPane,
    PrevPane,
    OpenSettings,
    OpenHelp,
    OpenMessages,
    OpenCampaigns,
    Quit,
    Up,
    Down,
    Edit,
    /// Start typing with the key pressed, replacing the field.
    TypeNumber,
    /// Empty the field and start typing.
    ClearField,
    /// Take back the last edit or row deletion.
    Undo,
    DoneTyping,
    /// An editing key for the text being typed.
    EditText,
    Pick,
    AddRow,
    DeleteRow,
    MoveRowUp,
    MoveRowDown,
    KeyColumn,
    ValueColumn,
    /// Add (or go to) the variable with this key, typing into column 0 (key) or 1 (value).
    AddVariable(&'static str, usize),
    Filter,
    Open,
    Close,
    ScrollDown,
    ScrollUp,
    Redial,
    HangUp,
    Say,
    AskLlm,
    LastWords,
    ToggleInterrupt,
    Send,
    Cancel,
    Reconcile,
    CopySession,
    CopyRecording,
    PageUp,
    PageDown,
    First,
    Last,
    Yes,
    No,
    Save,
    /// Mark or unmark the attempt for Compare.
    Mark,
    Compare,
    Stats,
    /// Edit the attempt's labels and note.
    Annotate,
    /// Run the form over the rows of a variables file.
    Sweep,
}

/// A line of the help screen and the keys it stands for.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static str,
    pub place: &'static str,
    pub what: &'static str,
    pub when: When,
    pub pressed: &'static [(Key, Action)],
}

const fn bind(
    keys: &'static str,
    place: &'static str,
    what: &'static str,
    when: When,
    pressed: &'static [(Key, Action)],
) -> Binding {
    Binding {
        keys,
        place,
        what,
        when,
        pressed,
    }
}

use Action as A;
use Key::{Alt, Char, Code, Ctrl};
use KeyCode as K;

/// Every key the app answers to, in the order the help screen lists them.
pub const BINDINGS: &[Binding] = &[
    bind(
        "Ctrl-S, F5",
        "anywhere",
        "dial: check the form, confirm, send",
        When::Anywhere,
        &[(Ctrl('s'), A::Dial), (Code(K::F(5)), A::Dial)],
    ),
    bind(
        "Tab, Shift-Tab",
        "anywhere",
        "next / previous pane; typing a variable: key ↔ value",
        When::Anywhere,
        &[(Code(K::Tab), A::NextPane), (Code(K::BackTab), A::PrevPane)],
    ),
    bind(
        "Alt-1 … Alt-6",
        "anywhere",
        "go to pane 1 (Agent) … 6 (History)",
        When::Anywhere,
        &[
            (Alt(K::Char('1')), A::Focus(Pane::Agent)),
            (Alt(K::Char('2')), A::Focus(Pane::Options)),
            (Alt(K::Char('3')), A::Focus(Pane::Callee)),
            (Alt(K::Char('4')), A::Focus(Pane::Callers)),
            (Alt(K::Char('5')), A::Focus(Pane::Variables)),
            (Alt(K::Char('6')), A::Focus(Pane::History)),
        ],
    ),
    bind(
        "F3, Alt-7",
        "anywhere",
        "campaigns: load a CSV, stats, pause, resume, stop",
        When::Anywhere,
        &[
            (Code(K::F(3)), A::OpenCampaigns),
            (Alt(K::Char('7')), A::OpenCampaigns),
        ],
    ),
    bind(
        "F2",
        "anywhere",
        "settings and credentials",
        When::Anywhere,
        &[(Code(K::F(2)), A::OpenSettings)],
    ),
    bind(
        "?",
        "not typing",
        "this help",
        When::Panes,
        &[(Char('?'), A::OpenHelp)],
    ),
    bind(
        "q",
        "not typing",
        "quit, keeping the form; asks first with calls live",
        When::Panes,
        &[(Char('q'), A::Quit)],
    ),
    bind(
        "m",
        "not typing",
        "every message of this run, in full",
        When::Panes,
        &[(Char('m'), A::OpenMessages)],
    ),
    bind(
        "Ctrl-C",
        "anywhere",
        "quit",
        When::Always,
        &[(Ctrl('c'), A::Quit)],
    ),
    bind(
        "Up, Down",
        "panes",
        "move between fields and rows",
        When::Anywhere,
        &[(Code(K::Up), A::Up), (Code(K::Down), A::Down)],
    ),
    bind(
        "Enter, e",
        "form",
        "edit the field or row; a declared variable: its value",
        When::Form,
        &[(Code(K::Enter), A::Edit), (Char('e'), A::Edit)],
    ),
    bind(
        "0-9, +",
        "form",
        "type a number, replacing the field",
        When::Fields,
        &[(Key::Number, A::TypeNumber)],
    ),
    bind(
        "Ctrl-U",
        "form",
        "empty the field and type anew",
        When::Form,
        &[(Ctrl('u'), A::ClearField)],
    ),
    bind(
        "Ctrl-Z",
        "anywhere",
        "undo the last edit or row deletion",
        When::Anywhere,
        &[(Ctrl('z'), A::Undo)],
    ),
    bind(
        "Enter, Esc",
        "typing",
        "finish typing (nothing typed is lost)",
        When::Typing,
        &[
            (Code(K::Enter), A::DoneTyping),
            (Code(K::Esc), A::DoneTyping),
        ],
    ),
    bind(
        "Ctrl-U, Ctrl-K",
        "typing",
        "clear before / after the cursor",
        When::Typing,
        &[(Ctrl('u'), A::EditText), (Ctrl('k'), A::EditText)],
    ),
    bind(
        "Ctrl-P",
        "Agent",
        "pick an agent (type to filter)",
        When::In(Pane::Agent),
        &[(Ctrl('p'), A::Pick)],
    ),
    bind(
        "Ctrl-P",
        "Callers",
        "pick an own number (shows why others are not offered)",
        When::In(Pane::Callers),
        &[(Ctrl('p'), A::Pick)],
    ),
    bind(
        "a",
        "Callers, Variables",
        "add a row",
        When::Rows,
        &[(Char('a'), A::AddRow)],
    ),
    bind(
        "d",
        "Callers, Variables",
        "delete the row",
        When::Rows,
        &[(Char('d'), A::DeleteRow)],
    ),
    bind(
        "Alt-Up, Alt-Down, K, J",
        "Callers",
        "move the caller up / down",
        When::In(Pane::Callers),
        &[
            (Alt(K::Up), A::MoveRowUp),
            (Alt(K::Down), A::MoveRowDown),
            (Char('K'), A::MoveRowUp),
            (Char('J'), A::MoveRowDown),
        ],
    ),
    bind(
        "Left, Right",
        "Variables",
        "key or value column",
        When::In(Pane::Variables),
        &[
            (Code(K::Left), A::KeyColumn),
            (Code(K::Right), A::ValueColumn),
        ],
    ),
    bind(
        "u",
        "Variables",
        "add dify-inputs-user",
        When::In(Pane::Variables),
        &[(Char('u'), A::AddVariable(variable::DIFY_USER, 1))],
    ),
    bind(
        "c",
        "Variables",
        "add dify-inputs-conversation_id",
        When::In(Pane::Variables),
        &[(Char('c'), A::AddVariable(variable::DIFY_CONVERSATION_ID, 1))],
    ),
    bind(
        "i",
        "Variables",
        "add dify-inputs-<name>",
        When::In(Pane::Variables),
        &[(Char('i'), A::AddVariable(variable::DIFY_INPUT_PREFIX, 0))],
    ),
    bind(
        "w",
        "Variables",
        "add welcome-message-delay",
        When::In(Pane::Variables),
        &[(
            Char('w'),
            A::AddVariable(variable::WELCOME_MESSAGE_DELAY, 1),
        )],
    ),
    bind(
        "/",
        "History",
        "filter by words, or by the terms listed last",
        When::In(Pane::History),
        &[(Char('/'), A::Filter)],
    ),
    bind(
        "Enter, Esc",
        "History",
        "open / close the attempt; Esc clears the filter",
        When::In(Pane::History),
        &[(Code(K::Enter), A::Open), (Code(K::Esc), A::Close)],
    ),
    bind(
        "Enter, Esc",
        "filter",
        "keep the filter / clear it",
        When::Filter,
        &[(Code(K::Enter), A::Yes), (Code(K::Esc), A::No)],
    ),
    bind(
        "j, k, g, G",
        "lists",
        "down, up, first, last (an open attempt: j k scroll it)",
        When::Lists,
        &[
            (Char('j'), A::ScrollDown),
            (Char('k'), A::ScrollUp),
            (Char('g'), A::First),
            (Char('G'), A::Last),
        ],
    ),
    bind(
        "r",
        "History, attempt",
        "redial: load the attempt into the form",
        When::In(Pane::History),
        &[(Char('r'), A::Redial)],
    ),
    bind(
        "h",
        "live call",
        "hang up (y or Enter confirms)",
        When::In(Pane::History),
        &[(Char('h'), A::HangUp)],
    ),
    bind(
        "s",
        "live call",
        "type text for the agent to say",
        When::In(Pane::History),
        &[(Char('s'), A::Say)],
    ),
    bind(
        "l",
        "live call",
        "type a line for the agent's LLM",
        When::In(Pane::History),
        &[(Char('l'), A::AskLlm)],
    ),
    bind(
        "b",
        "live call",
        "type last words: the agent says them, then hangs up",
        When::In(Pane::History),
        &[(Char('b'), A::LastWords)],
    ),
    bind(
        "Tab, Enter, Esc",
        "say / LLM line",
        "interrupt on/off, send, cancel (text is kept)",
        When::SteerLine,
        &[
            (Code(K::Tab), A::ToggleInterrupt),
            (Code(K::Enter), A::Send),
            (Code(K::Esc), A::Cancel),
        ],
    ),
    bind(
        "c",
        "unknown attempt",
        "reconcile with the call records",
        When::In(Pane::History),
        &[(Char('c'), A::Reconcile)],
    ),
    bind(
        "y",
        "attempt",
        "copy the SessionId",
        When::In(Pane::History),
        &[(Char('y'), A::CopySession)],
    ),
    bind(
        "o",
        "finished call",
        "copy the recording link",
        When::In(Pane::History),
        &[(Char('o'), A::CopyRecording)],
    ),
    bind(
        "PgUp, PgDn, Home, End",
        "History",
        "page through the history",
        When::In(Pane::History),
        &[
            (Code(K::PageUp), A::PageUp),
            (Code(K::PageDown), A::PageDown),
            (Code(K::Home), A::First),
            (Code(K::End), A::Last),
        ],
    ),
    bind(
        "Space, C",
        "History",
        "mark / unmark the attempt; compare the marked (2 to 6)",
        When::In(Pane::History),
        &[(Char(' '), A::Mark), (Char('C'), A::Compare)],
    ),
    bind(
        "n",
        "History, attempt",
        "labels and note of the attempt",
        When::In(Pane::History),
        &[(Char('n'), A::Annotate)],
    ),
    bind(
        "S",
        "not typing",
        "statistics over the History's filter",
        When::Panes,
        &[(Char('S'), A::Stats)],
    ),
    bind(
        "F6",
        "anywhere",
        "sweep: dial the form once per row of a variables file",
        When::Anywhere,
        &[(Code(K::F(6)), A::Sweep)],
    ),
    bind(
        "y, Enter / n, Esc",
        "confirmation",
        "dial / do not dial",
        When::Confirm,
        &[
            (Char('y'), A::Yes),
            (Char('Y'), A::Yes),
            (Code(K::Enter), A::Yes),
            (Char('n'), A::No),
            (Char('N'), A::No),
            (Code(K::Esc), A::No),
        ],
    ),
    bind(
        "Ctrl-S",
        "settings",
        "save the settings (and the keys, if entered)",
        When::Settings,
        &[(Ctrl('s'), A::Save)],
    ),
];

/// The key that opens the steering line for `kind`, as the help lists it.
pub fn steer_key(kind: PushKind) -> char {
    let want = match kind {
        PushKind::Text => Action::Say,
        PushKind::Llm => Action::AskLlm,
        PushKind::LastWords => Action::LastWords,
    };
    BINDINGS
        .iter()
        .flat_map(|b| b.pressed)
        .find_map(|(k, a)| match k {
            Char(c) if *a == want => Some(*c),
            _ => None,
        })
        .unwrap_or('?')
}

/// What `key` does in `scope`, from the first binding that has it.
pub fn action(scope: Scope, key: &KeyEvent) -> Option<Action> {
    BINDINGS
        .iter()
        .filter(|b| b.when.covers(scope))
        .flat_map(|b| b.pressed)
        .find(|(k, _)| k.matches(key))
        .map(|(_, a)| *a)
}

/// The footer's hints for a scope: a key and what it does, shortened to fit a line.
pub fn hints(scope: Scope) -> &'static [(Key, &'static str)] {
    const DIAL: (Key, &str) = (Ctrl('s'), "Ctrl-S dial");
    const TAB: (Key, &str) = (Code(K::Tab), "Tab pane");
    const SETTINGS: (Key, &str) = (Code(K::F(2)), "F2 settings");
    const HELP: (Key, &str) = (Char('?'), "? help");
    const QUIT: (Key, &str) = (Char('q'), "q quit");
    const ADD: (Key, &str) = (Char('a'), "a add");
    const EDIT: (Key, &str) = (Char('e'), "e edit");
    const DELETE: (Key, &str) = (Char('d'), "d delete");
    match scope {
        Scope::Pane(Pane::Agent) => &[
            DIAL,
            (Code(K::Enter), "Enter edit"),
            (Ctrl('p'), "Ctrl-P agents"),
            TAB,
            SETTINGS,
            HELP,
            QUIT,
        ],
        Scope::Pane(Pane::Options | Pane::Callee) => &[
            DIAL,
            (Code(K::Enter), "Enter edit"),
            TAB,
            SETTINGS,
            HELP,
            QUIT,
        ],
        Scope::Pane(Pane::Callers) => &[
            DIAL,
            ADD,
            EDIT,
            DELETE,
            (Char('K'), "K/J move"),
            (Ctrl('p'), "Ctrl-P numbers"),
            HELP,
        ],
        Scope::Pane(Pane::Variables) => &[
            DIAL,
            ADD,
            EDIT,
            DELETE,
            (Char('u'), "u c i w dify keys"),
            HELP,
        ],
        Scope::Pane(Pane::History) => &[
            (Code(K::Enter), "Enter open"),
            (Char('r'), "r redial"),
            (Char('/'), "/ filter"),
            DIAL,
            TAB,
            HELP,
            QUIT,
        ],
        Scope::Typing => &[
            (Code(K::Enter), "Enter/Esc done"),
            DIAL,
            (Code(K::Tab), "Tab next pane"),
        ],
        Scope::Confirm => &[
            (Code(K::Enter), "Enter/y dial"),
            (Code(K::Esc), "Esc/n cancel"),
        ],
        Scope::SteerLine => &[
            (Code(K::Tab), "Tab interrupt"),
            (Code(K::Enter), "Enter send"),
            (Code(K::Esc), "Esc cancel"),
        ],
        Scope::Settings => &[(Ctrl('s'), "Ctrl-S save")],
        Scope::Filter => &[(Code(K::Enter), "Enter keep"), (Code(K::Esc), "Esc clear")],
        Scope::Popup => &[],
    }
}

pub fn is_ctrl(key: &KeyEvent, c: char) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char(c)
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

#[cfg(test)]
mod tests {
    use super::*;

    const SCOPES: [Scope; 12] = [
        Scope::Pane(Pane::Agent),
        Scope::Pane(Pane::Options),
        Scope::Pane(Pane::Callee),
        Scope::Pane(Pane::Callers),
        Scope::Pane(Pane::Variables),
        Scope::Pane(Pane::History),
        Scope::Typing,
        Scope::Confirm,
        Scope::SteerLine,
        Scope::Settings,
        Scope::Filter,
        Scope::Popup,
    ];

    #[test]
    fn every_hint_names_a_key_that_works_there() {
        for scope in SCOPES {
            for (key, label) in hints(scope) {
                assert!(
                    action(scope, &key.event()).is_some(),
                    "{scope:?}: the hint {label:?} names a key that does nothing"
                );
            }
        }
    }

    #[test]
    fn every_binding_is_reachable_and_described() {
        for b in BINDINGS {
            assert!(!b.keys.is_empty() && !b.place.is_empty() && !b.what.is_empty());
            let scope = SCOPES
                .into_iter()
                .find(|s| b.when.covers(*s))
                .unwrap_or_else(|| panic!("{} applies nowhere", b.keys));
            for (key, want) in b.pressed {
                let shadowed = SCOPES
                    .into_iter()
                    .filter(|s| b.when.covers(*s))
                    .all(|s| action(s, &key.event()) != Some(*want));
                assert!(
                    !shadowed,
                    "{} ({key:?}) is taken by an earlier line in {scope:?}",
                    b.keys
                );
            }
        }
    }
}
