//! The dialer's state and its `update`: a plain function from a message to new state and a
//! list of effects for the runtime to carry out. No IO happens here, so tests drive it with
//! keys and dialer events alone.

use std::collections::{BTreeMap, HashMap};

use crossterm::event::{KeyCode, KeyEvent};

use super::input::Input;
use super::keymap::{is_alt, is_ctrl, is_dial, plain_char};
use super::settings::SettingsForm;
use super::time::TimeFmt;
use crate::ccc::actions::{AIAgentInfo, NumberInfo};
use crate::config::Settings;
use crate::credentials::Credential;
use crate::dialer::{
    CallReport, DialDraft, DialRequest, DialerEvent, Failure, Field, LiveCall, Problem, PushKind,
    WatchEvent,
};
use crate::history::{Attempt, AttemptId, AttemptStatus, Event, Filter, Page};
use crate::{phone, variable};

/// Rows fetched per history query; the view shows a window of them.
pub const HISTORY_PAGE: u64 = 200;
/// Agents fetched per DescribeAIAgentInfoList request (the API's maximum).
pub const AGENT_PAGE: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Agent,
    Options,
    Callee,
    Callers,
    Variables,
    History,
}

impl Pane {
    pub const ALL: [Pane; 6] = [
        Pane::Agent,
        Pane::Options,
        Pane::Callee,
        Pane::Callers,
        Pane::Variables,
        Pane::History,
    ];

    fn step(self, forward: bool) -> Pane {
        let i = Pane::ALL.iter().position(|p| *p == self).unwrap_or(0);
        let n = Pane::ALL.len();
        Pane::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }

    /// The pane a field of the draft is shown in.
    pub fn of(field: Field) -> Pane {
        match field {
            Field::SdkAppId | Field::AgentId => Pane::Agent,
            Field::MaxRingTimeout | Field::AcquireTimeout => Pane::Options,
            Field::Callee => Pane::Callee,
            Field::Caller(_) => Pane::Callers,
            Field::Variable(_) => Pane::Variables,
        }
    }
}

/// A text of the draft being typed into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    SdkAppId,
    AgentId,
    MaxRing,
    Acquire,
    Callee,
    Caller(usize),
    VarKey(usize),
    VarValue(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Editing {
    pub target: Target,
    pub input: Input,
}

/// What happens outside the pure state: the runtime carries these out and answers with
/// [`Msg`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Dial(DialRequest),
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
    Quit,
}

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    Dialer(DialerEvent),
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
    AgentsPage {
        page_number: i64,
        result: Result<(Vec<AIAgentInfo>, Option<i64>), String>,
    },
    Numbers(Result<Vec<NumberInfo>, String>),
    /// The outcome of an effect worth telling the user about (saved, or why not).
    Done(Result<String, String>),
    /// The clock moved on (ms since the epoch): only a live call's elapsed time changes.
    Tick(i64),
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
}

/// The history pane: a window of a newest-first list that may be far longer than memory
/// should hold. `rows` holds the attempts `offset..offset+rows.len()`.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub filter: String,
    /// The filter while `/` is being typed.
    pub filtering: Option<Input>,
    pub total: u64,
    pub offset: u64,
    pub rows: Vec<Attempt>,
    pub selected: u64,
    /// The first row on screen.
    pub scroll: u64,
    generation: u64,
}

impl History {
    pub fn row(&self, index: u64) -> Option<&Attempt> {
        index
            .checked_sub(self.offset)
            .and_then(|i| self.rows.get(i as usize))
    }

    pub fn selected_attempt(&self) -> Option<&Attempt> {
        self.row(self.selected)
    }

    fn filter(&self) -> Filter {
        let text = self
            .filtering
            .as_ref()
            .map_or(self.filter.as_str(), |i| i.text());
        Filter {
            text: (!text.trim().is_empty()).then(|| text.trim().to_string()),
            ..Filter::default()
        }
    }
}

/// The attempt shown in the detail pane.
#[derive(Debug, Clone)]
pub struct Detail {
    pub attempt: Attempt,
    pub events: Vec<Event>,
    pub scroll: u16,
    /// The call while it is live.
    pub live: Option<LiveCall>,
    /// The call once it finished.
    pub report: Option<CallReport>,
}

impl Detail {
    pub fn new(attempt: Attempt, events: Vec<Event>, scroll: u16) -> Detail {
        let live = attempt
            .status
            .is_live()
            .then(|| LiveCall::from_events(&attempt, &events));
        let report = (attempt.status == AttemptStatus::Finished)
            .then(|| CallReport::from_events(&attempt, &events));
        Detail {
            attempt,
            events,
            scroll,
            live,
            report,
        }
    }
}

/// A line being typed to send into a live call.
#[derive(Debug, Clone, PartialEq)]
pub struct SteerLine {
    pub id: AttemptId,
    pub kind: PushKind,
    pub input: Input,
    /// Cut the agent short (Tab toggles).
    pub interrupt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKind {
    Agents,
    Numbers,
}

/// A list to choose from, filtered by what is typed.
#[derive(Debug, Clone)]
pub struct Picker {
    pub kind: PickerKind,
    pub filter: Input,
    pub agents: Vec<AIAgentInfo>,
    pub numbers: Vec<NumberInfo>,
    pub selected: usize,
    pub loading: bool,
    pub error: Option<String>,
}

impl Picker {
    fn new(kind: PickerKind) -> Picker {
        Picker {
            kind,
            filter: Input::default(),
            agents: Vec::new(),
            numbers: Vec::new(),
            selected: 0,
            loading: true,
            error: None,
        }
    }

    /// Indices of the items that match the filter, in list order.
    pub fn matches(&self) -> Vec<usize> {
        let needle = self.filter.text().trim().to_lowercase();
        let hit = |text: String| needle.is_empty() || text.to_lowercase().contains(&needle);
        match self.kind {
            PickerKind::Agents => (0..self.agents.len())
                .filter(|&i| {
                    let a = &self.agents[i];
                    hit(format!("{} {}", a.ai_agent_id, a.ai_agent_name))
                })
                .collect(),
            PickerKind::Numbers => (0..self.numbers.len())
                .filter(|&i| hit(self.numbers[i].number.clone()))
                .collect(),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    Settings(Box<SettingsForm>),
    Picker(Picker),
    Confirm(DialRequest),
    /// Hang up this call? One key: y or Enter confirms, any other cancels.
    HangUp(AttemptId),
    Steer(SteerLine),
}

/// What the status bar says about the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendInfo {
    pub simulator: bool,
    /// The live endpoint, or "simulator".
    pub label: String,
    /// Where the credentials came from (with the masked SecretId), when live.
    pub credentials: Option<String>,
}

/// An attempt the dialer is still working on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flight {
    pub state: String,
}

pub struct App {
    pub draft: DialDraft,
    pub settings: Settings,
    pub backend: BackendInfo,
    pub focus: Pane,
    /// The selected field of the Agent (0 SdkAppId, 1 AIAgentId) and Options panes.
    pub agent_field: usize,
    pub options_field: usize,
    pub caller_row: usize,
    pub var_row: usize,
    /// 0 the key column, 1 the value column.
    pub var_col: usize,
    pub editing: Option<Editing>,
    /// The problems of the last refused dial, kept current as fields change.
    pub problems: Vec<Problem>,
    /// VariableNames of the agent picked for this form.
    pub declared: Vec<String>,
    pub history: History,
    pub detail: Option<Detail>,
    /// The detail pane fills the screen.
    pub detail_open: bool,
    pub overlay: Option<Overlay>,
    pub notice: Option<Notice>,
    pub in_flight: BTreeMap<AttemptId, Flight>,
    /// Dials handed to the dialer that it has not recorded yet.
    pub pending: u32,
    /// Failures seen this run, for labels the history rows do not store.
    pub failures: HashMap<AttemptId, Failure>,
    pub size: (u16, u16),
    /// Where the settings are saved, to tell the user.
    pub settings_file: Option<std::path::PathBuf>,
    pub time: TimeFmt,
    pub color: bool,
    pub quit: bool,
    /// The clock, set by the runtime, for a live call's elapsed time.
    pub now_ms: i64,
    /// A line sent into a call and not yet accepted, kept so a refusal loses nothing.
    pub unsent: Option<SteerLine>,
}

impl App {
    pub fn new(draft: DialDraft, settings: Settings, backend: BackendInfo, time: TimeFmt) -> App {
        App {
            draft,
            settings,
            backend,
            focus: Pane::Callee,
            agent_field: 0,
            options_field: 0,
            caller_row: 0,
            var_row: 0,
            var_col: 0,
            editing: None,
            problems: Vec::new(),
            declared: Vec::new(),
            history: History::default(),
            detail: None,
            detail_open: false,
            overlay: None,
            notice: None,
            in_flight: BTreeMap::new(),
            pending: 0,
            failures: HashMap::new(),
            size: (80, 24),
            settings_file: None,
            time,
            color: true,
            quit: false,
            now_ms: 0,
            unsent: None,
        }
    }

    /// The effects to run when the app starts: the first page of history.
    pub fn start(&mut self) -> Vec<Effect> {
        vec![self.query_history()]
    }

    pub fn notify(&mut self, level: Level, text: impl Into<String>) {
        self.notice = Some(Notice {
            level,
            text: text.into(),
        });
    }

    /// Attempts the dialer is working on, including those not yet recorded.
    pub fn attempts_in_flight(&self) -> usize {
        self.in_flight.len() + self.pending as usize
    }

    pub fn problem(&self, field: Field) -> Option<&str> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }

    pub fn pane_has_problem(&self, pane: Pane) -> bool {
        self.problems.iter().any(|p| Pane::of(p.field) == pane)
    }

    /// Declared variables of the picked agent still without a value.
    pub fn empty_declared(&self) -> Vec<&str> {
        self.draft.empty_declared(&self.declared)
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.keep_selection_visible()
            }
            Msg::Dialer(event) => self.on_dialer(event),
            Msg::HistoryPage {
                generation,
                total,
                offset,
                rows,
            } => self.on_history_page(generation, total, offset, rows),
            Msg::Detail { attempt, events } => {
                if self.history.selected_attempt().map(|a| &a.id) == Some(&attempt.id) {
                    let scroll = match &self.detail {
                        Some(d) if d.attempt.id == attempt.id => d.scroll,
                        _ => 0,
                    };
                    self.detail = Some(Detail::new(*attempt, events, scroll));
                }
                Vec::new()
            }
            Msg::AgentsPage {
                page_number,
                result,
            } => self.on_agents(page_number, result),
            Msg::Numbers(result) => {
                if let Some(Overlay::Picker(p)) = &mut self.overlay
                    && p.kind == PickerKind::Numbers
                {
                    p.loading = false;
                    match result {
                        Ok(numbers) => p.numbers = numbers,
                        Err(e) => p.error = Some(e),
                    }
                }
                Vec::new()
            }
            Msg::Done(Ok(text)) => {
                self.notify(Level::Success, text);
                Vec::new()
            }
            Msg::Done(Err(text)) => {
                self.notify(Level::Error, text);
                Vec::new()
            }
            Msg::Tick(now_ms) => {
                self.now_ms = now_ms;
                Vec::new()
            }
        }
    }

    /// The shown call is live: its elapsed time needs a clock tick.
    pub fn ticking(&self) -> bool {
        self.detail.as_ref().is_some_and(|d| d.live.is_some())
    }

    /// `ringing 0:04` for the shown call while it is live.
    pub fn live_label(&self) -> Option<String> {
        let live = self.detail.as_ref()?.live.as_ref()?;
        Some(live.label(self.now_ms))
    }

    // ---- keys ----

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if is_ctrl(&key, 'c') {
            return self.quit();
        }
        if self.overlay.is_some() {
            return self.on_overlay_key(key);
        }
        if self.editing.is_some() {
            return self.on_editing_key(key);
        }
        if self.history.filtering.is_some() {
            return self.on_filter_key(key);
        }
        if is_dial(&key) {
            return self.dial();
        }
        match key.code {
            KeyCode::F(2) => {
                self.overlay = Some(Overlay::Settings(Box::new(SettingsForm::new(
                    &self.settings,
                ))));
                return Vec::new();
            }
            KeyCode::Tab => {
                self.detail_open = false;
                self.focus = self.focus.step(true);
                return Vec::new();
            }
            KeyCode::BackTab => {
                self.detail_open = false;
                self.focus = self.focus.step(false);
                return Vec::new();
            }
            _ => {}
        }
        match plain_char(&key) {
            Some('?') => {
                self.overlay = Some(Overlay::Help { scroll: 0 });
                return Vec::new();
            }
            Some('q') => return self.quit(),
            _ => {}
        }
        if is_ctrl(&key, 'p') {
            return self.open_picker();
        }
        match self.focus {
            Pane::Agent | Pane::Options | Pane::Callee => self.on_field_key(key),
            Pane::Callers => self.on_callers_key(key),
            Pane::Variables => self.on_variables_key(key),
            Pane::History => self.on_history_key(key),
        }
    }

    fn quit(&mut self) -> Vec<Effect> {
        self.quit = true;
        self.finish_editing();
        vec![Effect::SaveDraft(self.draft.clone()), Effect::Quit]
    }

    fn selected_target(&self) -> Option<Target> {
        Some(match self.focus {
            Pane::Agent if self.agent_field == 0 => Target::SdkAppId,
            Pane::Agent => Target::AgentId,
            Pane::Options if self.options_field == 0 => Target::MaxRing,
            Pane::Options => Target::Acquire,
            Pane::Callee => Target::Callee,
            Pane::Callers if self.caller_row < self.draft.callers.len() => {
                Target::Caller(self.caller_row)
            }
            Pane::Variables if self.var_row < self.draft.variables.len() => {
                if self.var_col == 0 {
                    Target::VarKey(self.var_row)
                } else {
                    Target::VarValue(self.var_row)
                }
            }
            _ => return None,
        })
    }

    fn on_field_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let fields = if self.focus == Pane::Callee { 1 } else { 2 };
        let field = match self.focus {
            Pane::Agent => &mut self.agent_field,
            _ => &mut self.options_field,
        };
        match key.code {
            KeyCode::Up if fields == 2 => *field = field.saturating_sub(1),
            KeyCode::Down if fields == 2 => *field = (*field + 1).min(1),
            KeyCode::Enter => self.start_editing(None),
            _ => match plain_char(&key) {
                Some('e') => self.start_editing(None),
                Some(c) if c.is_ascii_digit() || c == '+' => self.start_editing(Some(c)),
                _ => {}
            },
        }
        Vec::new()
    }

    fn start_editing(&mut self, first: Option<char>) {
        let Some(target) = self.selected_target() else {
            return;
        };
        let mut input = Input::new(&self.text_of(target));
        if let Some(c) = first {
            input.insert_str(c.encode_utf8(&mut [0u8; 4]));
        }
        self.editing = Some(Editing { target, input });
        self.sync_editing();
    }

    fn on_editing_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if is_dial(&key) {
            let mut effects = self.finish_editing();
            effects.extend(self.dial());
            return effects;
        }
        match key.code {
            KeyCode::Enter | KeyCode::Esc => self.finish_editing(),
            KeyCode::Tab | KeyCode::BackTab => {
                let effects = self.finish_editing();
                self.focus = self.focus.step(key.code == KeyCode::Tab);
                effects
            }
            KeyCode::Up | KeyCode::Down => {
                let effects = self.finish_editing();
                self.move_within_pane(key.code == KeyCode::Down);
                effects
            }
            _ => {
                if let Some(editing) = &mut self.editing
                    && editing.input.handle(key)
                {
                    self.sync_editing();
                }
                Vec::new()
            }
        }
    }

    fn move_within_pane(&mut self, down: bool) {
        let step = |v: &mut usize, len: usize| {
            *v = if down {
                (*v + 1).min(len.saturating_sub(1))
            } else {
                v.saturating_sub(1)
            }
        };
        match self.focus {
            Pane::Agent => step(&mut self.agent_field, 2),
            Pane::Options => step(&mut self.options_field, 2),
            Pane::Callers => step(&mut self.caller_row, self.draft.callers.len()),
            Pane::Variables => step(&mut self.var_row, self.draft.variables.len()),
            Pane::Callee | Pane::History => {}
        }
    }

    /// Copies the input being typed into the draft, so nothing typed is lost.
    fn sync_editing(&mut self) {
        let Some(editing) = &self.editing else { return };
        let (target, text) = (editing.target, editing.input.text().to_string());
        if target == Target::AgentId && text != self.draft.agent_id {
            // A typed id is not the picked agent any more.
            self.draft.agent_name = None;
            self.declared.clear();
        }
        self.set_text(target, text);
        self.revalidate();
    }

    /// Ends typing: numbers are shown in the service's form, rows left wholly empty go.
    fn finish_editing(&mut self) -> Vec<Effect> {
        let Some(editing) = self.editing.take() else {
            return Vec::new();
        };
        match editing.target {
            Target::Callee | Target::Caller(_) => {
                let text = self.text_of(editing.target);
                if let Ok(n) = phone::normalize(&text)
                    && n != text
                {
                    self.notify(Level::Info, format!("{} is written {n}", text.trim()));
                    self.set_text(editing.target, n);
                }
                if let Target::Caller(i) = editing.target
                    && text.trim().is_empty()
                {
                    self.draft.callers.remove(i);
                    self.caller_row = self
                        .caller_row
                        .min(self.draft.callers.len().saturating_sub(1));
                }
            }
            Target::VarKey(i) | Target::VarValue(i)
                if self.draft.variables[i].0.is_empty() && self.draft.variables[i].1.is_empty() =>
            {
                self.draft.variables.remove(i);
                self.var_row = self
                    .var_row
                    .min(self.draft.variables.len().saturating_sub(1));
            }
            _ => {}
        }
        self.revalidate();
        vec![Effect::SaveDraft(self.draft.clone())]
    }

    pub fn text_of(&self, target: Target) -> String {
        let d = &self.draft;
        match target {
            Target::SdkAppId => d.sdk_app_id.clone(),
            Target::AgentId => d.agent_id.clone(),
            Target::MaxRing => d.max_ring_timeout.clone(),
            Target::Acquire => d.acquire_timeout.clone(),
            Target::Callee => d.callee.clone(),
            Target::Caller(i) => d.callers.get(i).cloned().unwrap_or_default(),
            Target::VarKey(i) => d.variables.get(i).map(|v| v.0.clone()).unwrap_or_default(),
            Target::VarValue(i) => d.variables.get(i).map(|v| v.1.clone()).unwrap_or_default(),
        }
    }

    fn set_text(&mut self, target: Target, text: String) {
        let d = &mut self.draft;
        match target {
            Target::SdkAppId => d.sdk_app_id = text,
            Target::AgentId => d.agent_id = text,
            Target::MaxRing => d.max_ring_timeout = text,
            Target::Acquire => d.acquire_timeout = text,
            Target::Callee => d.callee = text,
            Target::Caller(i) => {
                if let Some(c) = d.callers.get_mut(i) {
                    *c = text
                }
            }
            Target::VarKey(i) => {
                if let Some(v) = d.variables.get_mut(i) {
                    v.0 = text
                }
            }
            Target::VarValue(i) => {
                if let Some(v) = d.variables.get_mut(i) {
                    v.1 = text
                }
            }
        }
    }

    /// After a refused dial, the marks follow the fixes as they are typed.
    fn revalidate(&mut self) {
        if !self.problems.is_empty() {
            self.problems = self.draft.validate().err().unwrap_or_default();
        }
    }

    fn on_callers_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let n = self.draft.callers.len();
        let up = is_alt(&key, KeyCode::Up) || plain_char(&key) == Some('K');
        let down = is_alt(&key, KeyCode::Down) || plain_char(&key) == Some('J');
        if up || down {
            let i = self.caller_row;
            let j = if up { i.checked_sub(1) } else { Some(i + 1) };
            if let Some(j) = j.filter(|j| *j < n && i < n) {
                self.draft.callers.swap(i, j);
                self.caller_row = j;
                self.revalidate();
                return vec![Effect::SaveDraft(self.draft.clone())];
            }
            return Vec::new();
        }
        match key.code {
            KeyCode::Up | KeyCode::Down => self.move_within_pane(key.code == KeyCode::Down),
            KeyCode::Enter => self.start_editing(None),
            _ => match plain_char(&key) {
                Some('a') => {
                    self.draft.callers.push(String::new());
                    self.caller_row = self.draft.callers.len() - 1;
                    self.start_editing(None);
                }
                Some('e') => self.start_editing(None),
                Some('d') if self.caller_row < n => {
                    self.draft.callers.remove(self.caller_row);
                    self.caller_row = self.caller_row.min(n.saturating_sub(2));
                    self.revalidate();
                    return vec![Effect::SaveDraft(self.draft.clone())];
                }
                _ => {}
            },
        }
        Vec::new()
    }

    fn on_variables_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let n = self.draft.variables.len();
        match key.code {
            KeyCode::Up | KeyCode::Down => self.move_within_pane(key.code == KeyCode::Down),
            KeyCode::Left => self.var_col = 0,
            KeyCode::Right => self.var_col = 1,
            KeyCode::Enter => self.start_editing(None),
            _ => match plain_char(&key) {
                Some('a') => self.add_variable("", 0),
                Some('e') => self.start_editing(None),
                Some('d') if self.var_row < n => {
                    self.draft.variables.remove(self.var_row);
                    self.var_row = self.var_row.min(n.saturating_sub(2));
                    self.revalidate();
                    return vec![Effect::SaveDraft(self.draft.clone())];
                }
                Some('u') => self.add_variable(variable::DIFY_USER, 1),
                Some('c') => self.add_variable(variable::DIFY_CONVERSATION_ID, 1),
                Some('i') => self.add_variable(variable::DIFY_INPUT_PREFIX, 0),
                Some('w') => self.add_variable(variable::WELCOME_MESSAGE_DELAY, 1),
                _ => {}
            },
        }
        Vec::new()
    }

    /// Adds a row with `key` (or goes to the row that has it) and starts typing in `col`.
    fn add_variable(&mut self, key: &str, col: usize) {
        let existing = (key != variable::DIFY_INPUT_PREFIX && !key.is_empty())
            .then(|| self.draft.variables.iter().position(|(k, _)| k == key))
            .flatten();
        self.var_row = existing.unwrap_or_else(|| {
            self.draft.variables.push((key.to_string(), String::new()));
            self.draft.variables.len() - 1
        });
        self.var_col = col;
        self.start_editing(None);
    }

    // ---- dialing ----

    fn dial(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        let normalized = self.draft.normalized();
        if normalized != self.draft {
            self.draft = normalized;
            effects.push(Effect::SaveDraft(self.draft.clone()));
        }
        match self.draft.validate() {
            Err(problems) => {
                let n = problems.len();
                if let Some(first) = problems.first() {
                    self.focus = Pane::of(first.field);
                }
                self.problems = problems;
                self.notify(
                    Level::Error,
                    format!(
                        "Not dialed: {n} problem{} (marked in red); fix and press Ctrl-S again",
                        if n == 1 { "" } else { "s" }
                    ),
                );
            }
            Ok(request) => {
                self.problems.clear();
                if self.settings.confirm_before_dial {
                    self.overlay = Some(Overlay::Confirm(request));
                } else {
                    effects.extend(self.send(request));
                }
            }
        }
        effects
    }

    /// One line naming who is called, by which agent.
    pub fn confirm_text(&self, r: &DialRequest) -> String {
        let agent = match &r.agent_name {
            Some(name) => format!("{} ({name})", r.agent_id),
            None => r.agent_id.to_string(),
        };
        let empty = self.empty_declared();
        let warn = if empty.is_empty() {
            String::new()
        } else {
            format!(" · empty: {}", empty.join(", "))
        };
        format!("Dial {} with agent {agent}?{warn}", r.callee)
    }

    fn send(&mut self, request: DialRequest) -> Vec<Effect> {
        self.pending += 1;
        let empty = self.empty_declared();
        if empty.is_empty() {
            self.notify(Level::Info, format!("Dialing {}…", request.callee));
        } else {
            let text = format!(
                "Dialing {}; the agent's {} still empty",
                request.callee,
                empty.join(", ")
            );
            self.notify(Level::Warning, text);
        }
        vec![Effect::Dial(request), Effect::SaveDraft(self.draft.clone())]
    }

    fn on_dialer(&mut self, event: DialerEvent) -> Vec<Effect> {
        let id = event.id().clone();
        match event {
            DialerEvent::Queued { .. } => {
                self.pending = self.pending.saturating_sub(1);
                self.in_flight.insert(
                    id.clone(),
                    Flight {
                        state: "queued".into(),
                    },
                );
                // The new attempt comes first in the list: show it.
                self.history.selected = 0;
                self.history.scroll = 0;
            }
            DialerEvent::Sent { try_no, .. } => {
                let state = if try_no > 1 {
                    format!("sent (try {try_no})")
                } else {
                    "sent".into()
                };
                self.in_flight.insert(id.clone(), Flight { state });
            }
            DialerEvent::Retrying { after, label, .. } => {
                let state = format!("{}, again in {:.1}s", label.as_str(), after.as_secs_f64());
                self.in_flight.insert(id.clone(), Flight { state });
            }
            DialerEvent::Accepted { session_id, .. } => {
                self.in_flight.remove(&id);
                self.notify(Level::Success, format!("Accepted · SessionId {session_id}"));
            }
            DialerEvent::Failed { failure, .. } => {
                self.in_flight.remove(&id);
                let code = failure.code.as_deref().unwrap_or("");
                let text = format!(
                    "{} ({}) {code}: {}",
                    failure.status(),
                    failure.label.as_str(),
                    failure.hint
                );
                self.notify(Level::Error, text);
                self.failures.insert(id.clone(), failure);
            }
            DialerEvent::NotRecorded { message, .. } => {
                self.pending = self.pending.saturating_sub(1);
                self.notify(Level::Error, message);
                return Vec::new();
            }
            DialerEvent::Held { held, .. } => {
                self.pending = self.pending.saturating_sub(1);
                self.notify(Level::Error, format!("Not dialed: {held}"));
                return Vec::new();
            }
            // A followed call changed: the history has it, the detail reloads it.
            DialerEvent::Watch(w) => self.on_watch(w),
        }
        let mut effects = vec![self.query_history()];
        if self.detail.as_ref().is_some_and(|d| d.attempt.id == id) {
            effects.push(Effect::LoadDetail(id));
        }
        effects
    }

    fn on_watch(&mut self, event: WatchEvent) {
        match event {
            WatchEvent::Status { .. } | WatchEvent::Record { .. } | WatchEvent::Report { .. } => {}
            WatchEvent::HangUp { id, result } => match result {
                Ok(()) => self.notify(Level::Success, format!("Hung up {}", id.short())),
                Err(e) => self.notify(Level::Error, format!("Not hung up: {e}")),
            },
            WatchEvent::Pushed {
                id,
                kind,
                text,
                result,
            } => {
                let what = match kind {
                    PushKind::Text => "Pushed",
                    PushKind::Llm => "Sent to the LLM",
                };
                match result {
                    Ok(()) => {
                        if self
                            .unsent
                            .as_ref()
                            .is_some_and(|u| u.id == id && u.kind == kind && u.input.text() == text)
                        {
                            self.unsent = None;
                        }
                        self.notify(Level::Success, format!("{what}: {text}"));
                    }
                    Err(e) => {
                        let key = steer_key(kind);
                        self.notify(
                            Level::Warning,
                            format!("Not sent: {e} · {key} to try again, the text is kept"),
                        );
                    }
                }
            }
            WatchEvent::Reconciled { outcome, .. } => {
                self.notify(Level::Info, outcome.describe());
            }
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
                self.notify(
                    Level::Warning,
                    format!("Following {}: {message}{tail}", id.short()),
                );
            }
        }
    }

    // ---- the shown call ----

    /// What the keys on the shown attempt do; `None` when the key is not for it.
    fn on_call_key(&mut self, c: char) -> Option<Vec<Effect>> {
        let d = self.detail.as_ref()?;
        let a = &d.attempt;
        let live = a.status.is_live() && a.session_id.is_some();
        let id = a.id.clone();
        match c {
            'h' if live => {
                self.overlay = Some(Overlay::HangUp(id));
                Some(Vec::new())
            }
            's' | 'l' if live => {
                let kind = if c == 's' {
                    PushKind::Text
                } else {
                    PushKind::Llm
                };
                let line = match self.unsent.take() {
                    Some(u) if u.id == id && u.kind == kind => u,
                    other => {
                        self.unsent = other;
                        SteerLine {
                            id,
                            kind,
                            input: Input::default(),
                            interrupt: false,
                        }
                    }
                };
                self.overlay = Some(Overlay::Steer(line));
                Some(Vec::new())
            }
            'c' if a.status == AttemptStatus::Unknown && a.session_id.is_none() => {
                self.notify(
                    Level::Info,
                    format!(
                        "Looking for the call of {} in the call records…",
                        id.short()
                    ),
                );
                Some(vec![Effect::Reconcile(id)])
            }
            'y' => {
                let session = a.session_id.clone()?;
                self.notify(Level::Info, format!("Copied SessionId {session}"));
                Some(vec![Effect::Copy(session)])
            }
            'o' => {
                let url = d.report.as_ref()?.record_url.clone()?;
                self.notify(Level::Info, "Copied the recording link");
                Some(vec![Effect::Copy(url)])
            }
            _ => None,
        }
    }

    fn on_steer_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(Overlay::Steer(line)) = &mut self.overlay else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Esc => {
                // Cancelled: what was typed stays for the next `s` / `l`.
                if !line.input.text().is_empty() {
                    self.unsent = Some(line.clone());
                }
                self.overlay = None;
            }
            KeyCode::Tab => line.interrupt = !line.interrupt,
            KeyCode::Enter => {
                if line.input.text().trim().is_empty() {
                    self.notify(Level::Warning, "Type the text first; Esc cancels");
                    return Vec::new();
                }
                let line = line.clone();
                self.overlay = None;
                let effect = Effect::Steer {
                    id: line.id.clone(),
                    kind: line.kind,
                    text: line.input.text().to_string(),
                    interrupt: line.interrupt,
                };
                self.notify(Level::Info, "Sending…");
                self.unsent = Some(line);
                return vec![effect];
            }
            _ => {
                line.input.handle(key);
            }
        }
        Vec::new()
    }

    // ---- history ----

    /// Rows of history on screen, from the layout of the current size.
    pub fn history_height(&self) -> u64 {
        super::view::layout(self.size, self).history_rows as u64
    }

    fn query_history(&mut self) -> Effect {
        self.history.generation += 1;
        let want = self.history.scroll;
        let offset = want.saturating_sub(HISTORY_PAGE / 4);
        Effect::QueryHistory {
            generation: self.history.generation,
            filter: self.history.filter(),
            page: Page {
                offset,
                limit: HISTORY_PAGE,
            },
        }
    }

    fn on_history_page(
        &mut self,
        generation: u64,
        total: u64,
        offset: u64,
        rows: Vec<Attempt>,
    ) -> Vec<Effect> {
        if generation != self.history.generation {
            return Vec::new();
        }
        let before = self.history.selected_attempt().map(|a| a.id.clone());
        let h = &mut self.history;
        h.total = total;
        h.offset = offset;
        h.rows = rows;
        h.selected = h.selected.min(total.saturating_sub(1));
        let mut effects = self.keep_selection_visible();
        let after = self.history.selected_attempt().map(|a| a.id.clone());
        match after {
            Some(id) if before.as_ref() != Some(&id) || self.detail.is_none() => {
                effects.push(Effect::LoadDetail(id))
            }
            None => self.detail = None,
            _ => {}
        }
        effects
    }

    /// Scrolls so the selection is on screen and asks for rows that are not loaded.
    fn keep_selection_visible(&mut self) -> Vec<Effect> {
        let height = self.history_height().max(1);
        let h = &mut self.history;
        if h.selected < h.scroll {
            h.scroll = h.selected;
        } else if h.selected >= h.scroll + height {
            h.scroll = h.selected + 1 - height;
        }
        let end = (h.scroll + height).min(h.total);
        let loaded = h.offset..h.offset + h.rows.len() as u64;
        if h.total > 0 && (!loaded.contains(&h.scroll) || (end > 0 && !loaded.contains(&(end - 1))))
        {
            vec![self.query_history()]
        } else {
            Vec::new()
        }
    }

    fn on_history_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let total = self.history.total;
        let page = self.history_height().max(1);
        let before = self.history.selected;
        let sel = &mut self.history.selected;
        match key.code {
            KeyCode::Up => *sel = sel.saturating_sub(1),
            KeyCode::Down => *sel = (*sel + 1).min(total.saturating_sub(1)),
            KeyCode::PageUp => *sel = sel.saturating_sub(page),
            KeyCode::PageDown => *sel = (*sel + page).min(total.saturating_sub(1)),
            KeyCode::Home => *sel = 0,
            KeyCode::End => *sel = total.saturating_sub(1),
            KeyCode::Enter if self.history.selected_attempt().is_some() => {
                self.detail_open = true;
            }
            KeyCode::Esc => self.detail_open = false,
            _ => match plain_char(&key) {
                Some('/') => {
                    self.history.filtering = Some(Input::new(&self.history.filter));
                }
                Some('r') => return self.redial(),
                Some(c) => {
                    if let Some(effects) = self.on_call_key(c) {
                        return effects;
                    }
                }
                None => {}
            },
        }
        if self.detail_open {
            let d = self.detail.as_mut();
            match key.code {
                KeyCode::Char('j') => d.into_iter().for_each(|d| d.scroll += 1),
                KeyCode::Char('k') => d
                    .into_iter()
                    .for_each(|d| d.scroll = d.scroll.saturating_sub(1)),
                _ => {}
            }
        }
        let mut effects = self.keep_selection_visible();
        if self.history.selected != before
            && let Some(a) = self.history.selected_attempt()
        {
            effects.push(Effect::LoadDetail(a.id.clone()));
        }
        effects
    }

    fn on_filter_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(input) = &mut self.history.filtering else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Enter => {
                self.history.filter = input.text().trim().to_string();
                self.history.filtering = None;
                Vec::new()
            }
            KeyCode::Esc => {
                self.history.filter.clear();
                self.history.filtering = None;
                self.history.selected = 0;
                self.history.scroll = 0;
                vec![self.query_history()]
            }
            _ => {
                if input.handle(key) {
                    self.history.selected = 0;
                    self.history.scroll = 0;
                    vec![self.query_history()]
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn redial(&mut self) -> Vec<Effect> {
        let Some(a) = self.history.selected_attempt() else {
            return Vec::new();
        };
        let text = format!(
            "Loaded attempt {} into the form; Ctrl-S to dial {}",
            a.id.short(),
            a.callee
        );
        self.draft = DialDraft::from_attempt(a);
        self.declared.clear();
        self.problems.clear();
        self.detail_open = false;
        self.focus = Pane::Callee;
        self.caller_row = 0;
        self.var_row = 0;
        self.notify(Level::Info, text);
        vec![Effect::SaveDraft(self.draft.clone())]
    }

    // ---- pickers ----

    fn open_picker(&mut self) -> Vec<Effect> {
        let kind = match self.focus {
            Pane::Agent => PickerKind::Agents,
            Pane::Callers => PickerKind::Numbers,
            _ => {
                self.notify(
                    Level::Info,
                    "Ctrl-P picks an agent in the Agent pane, a number in Callers",
                );
                return Vec::new();
            }
        };
        let Ok(sdk_app_id) = self.draft.sdk_app_id.trim().parse::<i64>() else {
            self.focus = Pane::Agent;
            self.agent_field = 0;
            self.notify(
                Level::Error,
                "Enter the SdkAppId first: the lists are per instance",
            );
            return Vec::new();
        };
        self.overlay = Some(Overlay::Picker(Picker::new(kind)));
        vec![match kind {
            PickerKind::Agents => Effect::LoadAgents {
                sdk_app_id,
                page_number: 0,
            },
            PickerKind::Numbers => Effect::LoadNumbers { sdk_app_id },
        }]
    }

    fn on_agents(
        &mut self,
        page_number: i64,
        result: Result<(Vec<AIAgentInfo>, Option<i64>), String>,
    ) -> Vec<Effect> {
        let Some(Overlay::Picker(p)) = &mut self.overlay else {
            return Vec::new();
        };
        if p.kind != PickerKind::Agents {
            return Vec::new();
        }
        match result {
            Err(e) => {
                p.loading = false;
                p.error = Some(e);
                Vec::new()
            }
            Ok((agents, total)) => {
                let full = agents.len() as i64 == AGENT_PAGE;
                p.agents.extend(agents);
                let more = full && total.is_none_or(|t| (p.agents.len() as i64) < t);
                p.loading = more;
                match self.draft.sdk_app_id.trim().parse::<i64>() {
                    Ok(sdk_app_id) if more => vec![Effect::LoadAgents {
                        sdk_app_id,
                        page_number: page_number + 1,
                    }],
                    _ => Vec::new(),
                }
            }
        }
    }

    fn on_picker_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(Overlay::Picker(p)) = &mut self.overlay else {
            return Vec::new();
        };
        let matches = p.matches();
        match key.code {
            KeyCode::Esc => self.overlay = None,
            KeyCode::Up => p.selected = p.selected.saturating_sub(1),
            KeyCode::Down => p.selected = (p.selected + 1).min(matches.len().saturating_sub(1)),
            KeyCode::Enter => {
                let Some(&i) = matches.get(p.selected) else {
                    return Vec::new();
                };
                return match p.kind {
                    PickerKind::Agents => {
                        let agent = p.agents[i].clone();
                        self.overlay = None;
                        self.pick_agent(agent)
                    }
                    PickerKind::Numbers => {
                        let number = p.numbers[i].clone();
                        if let Some(why) = number.unusable_reason() {
                            self.notify(
                                Level::Warning,
                                format!("{} is not offered: {why}", number.number),
                            );
                            return Vec::new();
                        }
                        self.overlay = None;
                        self.pick_number(number.number)
                    }
                };
            }
            _ => {
                if p.filter.handle(key) {
                    p.selected = 0;
                }
            }
        }
        Vec::new()
    }

    /// Fills the agent and adds its declared variables as empty rows.
    pub fn pick_agent(&mut self, agent: AIAgentInfo) -> Vec<Effect> {
        self.draft.agent_id = agent.ai_agent_id.to_string();
        self.draft.agent_name = Some(agent.ai_agent_name.clone());
        for name in &agent.variable_names {
            if !self.draft.variables.iter().any(|(k, _)| k == name) {
                self.draft.variables.push((name.clone(), String::new()));
            }
        }
        self.declared = agent.variable_names;
        self.revalidate();
        let added = if self.declared.is_empty() {
            String::new()
        } else {
            format!("; fill its variables: {}", self.declared.join(", "))
        };
        self.notify(
            Level::Info,
            format!(
                "Agent {} · {}{added}",
                agent.ai_agent_id, agent.ai_agent_name
            ),
        );
        vec![Effect::SaveDraft(self.draft.clone())]
    }

    fn pick_number(&mut self, number: String) -> Vec<Effect> {
        match self.draft.callers.iter().position(|c| *c == number) {
            Some(i) => self.caller_row = i,
            None => {
                self.draft.callers.push(number);
                self.caller_row = self.draft.callers.len() - 1;
            }
        }
        self.revalidate();
        vec![Effect::SaveDraft(self.draft.clone())]
    }

    // ---- overlays ----

    fn on_overlay_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match &mut self.overlay {
            Some(Overlay::Help { scroll }) => {
                match key.code {
                    KeyCode::Up => *scroll = scroll.saturating_sub(1),
                    KeyCode::Down => *scroll += 1,
                    KeyCode::Esc | KeyCode::Enter | KeyCode::Char('?') | KeyCode::Char('q') => {
                        self.overlay = None
                    }
                    _ => {}
                }
                Vec::new()
            }
            Some(Overlay::Confirm(request)) => {
                let request = request.clone();
                match key.code {
                    KeyCode::Enter | KeyCode::Char('y') | KeyCode::Char('Y') => {
                        self.overlay = None;
                        self.send(request)
                    }
                    KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('N') => {
                        self.overlay = None;
                        self.notify(Level::Info, "Not dialed; the form is as you left it");
                        Vec::new()
                    }
                    _ => Vec::new(),
                }
            }
            Some(Overlay::HangUp(id)) => {
                let id = id.clone();
                self.overlay = None;
                if matches!(key.code, KeyCode::Enter | KeyCode::Char('y' | 'Y')) {
                    self.notify(Level::Info, format!("Hanging up {}…", id.short()));
                    vec![Effect::HangUp(id)]
                } else {
                    self.notify(Level::Info, "Not hung up");
                    Vec::new()
                }
            }
            Some(Overlay::Steer(_)) => self.on_steer_key(key),
            Some(Overlay::Picker(_)) => self.on_picker_key(key),
            Some(Overlay::Settings(form)) => {
                let outcome = form.on_key(key);
                self.on_settings_outcome(outcome)
            }
            None => Vec::new(),
        }
    }

    fn on_settings_outcome(&mut self, outcome: super::settings::Outcome) -> Vec<Effect> {
        use super::settings::Outcome;
        match outcome {
            Outcome::Stay => Vec::new(),
            Outcome::Close => {
                self.overlay = None;
                Vec::new()
            }
            Outcome::Save {
                settings,
                credential,
            } => {
                self.overlay = None;
                let mut effects = Vec::new();
                if self.settings.endpoint != settings.endpoint
                    || self.settings.profile != settings.profile
                    || self.settings.region != settings.region
                    || credential.is_some()
                {
                    self.notify(
                        Level::Info,
                        "Saved; the endpoint, region and credentials apply from the next start",
                    );
                }
                if self.draft.sdk_app_id.trim().is_empty()
                    && let Some(id) = settings.default_sdk_app_id
                {
                    self.draft.sdk_app_id = id.to_string();
                    effects.push(Effect::SaveDraft(self.draft.clone()));
                }
                let profile = settings
                    .profile
                    .clone()
                    .unwrap_or_else(|| crate::credentials::DEFAULT_PROFILE.to_string());
                self.settings = settings.clone();
                effects.push(Effect::SaveSettings(settings));
                if let Some(credential) = credential {
                    effects.push(Effect::WriteProfile {
                        profile,
                        credential,
                    });
                }
                effects
            }
        }
    }
}

/// The key that opens the line for `kind`.
pub fn steer_key(kind: PushKind) -> char {
    match kind {
        PushKind::Text => 's',
        PushKind::Llm => 'l',
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn app() -> App {
        App::new(
            DialDraft::default(),
            Settings::default(),
            BackendInfo {
                simulator: true,
                label: "simulator".into(),
                credentials: None,
            },
            TimeFmt::Utc,
        )
    }

    fn key(code: KeyCode) -> Msg {
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn tab_cycles_the_panes_both_ways() {
        let mut a = app();
        a.focus = Pane::Agent;
        for _ in 0..6 {
            a.update(key(KeyCode::Tab));
        }
        assert_eq!(a.focus, Pane::Agent);
        a.update(key(KeyCode::BackTab));
        assert_eq!(a.focus, Pane::History);
    }

    #[test]
    fn q_quits_only_when_not_typing() {
        let mut a = app();
        a.update(key(KeyCode::Enter));
        a.update(key(KeyCode::Char('q')));
        assert!(!a.quit);
        assert_eq!(a.draft.callee, "q");
        a.update(key(KeyCode::Esc));
        let effects = a.update(key(KeyCode::Char('q')));
        assert!(a.quit);
        assert_eq!(effects.last(), Some(&Effect::Quit));
    }
}
