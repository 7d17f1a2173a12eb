//! The dialer's state and its `update`: a plain function from a message to new state and a
//! list of effects for the runtime to carry out. No IO happens here, so tests drive it with
//! keys and dialer events alone.
//!
//! The state is made of parts that each answer their own keys: the [`Form`], the
//! [`History`] pane, the [`Picker`], the [`SteerLine`] and the [`SettingsForm`]. `App` holds
//! what they share (the focus, the popup, the notice) and routes each key, read through the
//! key table of [`keymap`](super::keymap), to the part it is for.

use std::ops::{Deref, DerefMut};

use crossterm::event::{KeyCode, KeyEvent};

use super::compare::CompareView;
use super::keymap::{self, Action, Scope};
use super::layout::{Layout, Shape};
use super::marks::Marks;
use super::notes::NotesForm;
use super::picker::Picked;
use super::settings::{Outcome, SettingsForm, saved};
use super::stats::StatsView;
use super::steer::Steered;
use super::sweep::SweepPrompt;
use super::time::TimeFmt;
use crate::config::Settings;
use crate::dialer::{DialDraft, DialRequest, DialerEvent, Field, PushKind, WatchEvent};
use crate::history::{Attempt, AttemptId, AttemptStatus};

pub use super::attempts::{Detail, HISTORY_PAGE, History};
use super::flights::Seen;
pub use super::flights::{Flight, Flights};
pub use super::form::{Editing, Form, Target};
use super::held::{HeldDial, Intent};
pub use super::keymap::steer_key;
use super::live_transcript::LiveTranscript;
pub use super::msg::{Effect, Level, Msg, Notice};
pub use super::pane::Pane;
pub use super::picker::{AGENT_PAGE, Picker, PickerKind};
pub use super::steer::SteerLine;
use super::undeclared::Undeclared;

#[derive(Debug, Clone)]
pub enum Overlay {
    Campaigns(Box<super::campaigns::Campaigns>),
    Help {
        scroll: u16,
    },
    Settings(Box<SettingsForm>),
    Picker(Picker),
    Confirm(DialRequest),
    /// Every message of this run, in full, newest first.
    Messages {
        scroll: u16,
    },
    /// Hang up this call? One key: y or Enter confirms, any other cancels.
    HangUp(AttemptId),
    /// Quit with calls live? A second quitting key, y or Enter confirms; any other stays.
    Quit,
    Steer(SteerLine),
    /// A dial the recent-call guard held back, until an explicit second key or Esc.
    Held(Box<HeldDial>),
    /// Drop the rows the newly picked agent does not declare?
    Undeclared(Undeclared),
    Compare(Box<CompareView>),
    Stats(StatsView),
    Notes(NotesForm),
    Sweep(SweepPrompt),
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

#[derive(Clone)]
pub struct App {
    /// The form; its fields read as the app's own (`app.draft`).
    pub form: Form,
    pub settings: Settings,
    pub backend: BackendInfo,
    pub focus: Pane,
    pub history: History,
    pub detail: Option<Detail>,
    /// The detail pane fills the screen.
    pub detail_open: bool,
    pub overlay: Option<Overlay>,
    pub notice: Option<Notice>,
    /// Every notice of this run, oldest first.
    pub log: Vec<Notice>,
    /// Dials the dialer is working on, and failures seen this run.
    pub in_flight: Flights,
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
    /// The redial key's intent to call its callee again, for one call.
    pub intent: Option<Intent>,
    /// The transcript so far of the call in progress shown in the attempt pane.
    pub transcript: LiveTranscript,
    /// Attempts marked in History for Compare.
    pub marks: Marks,
    /// The sweep running, by its last line of progress.
    pub sweeping: Option<String>,
}

impl Deref for App {
    type Target = Form;
    fn deref(&self) -> &Form {
        &self.form
    }
}

impl DerefMut for App {
    fn deref_mut(&mut self) -> &mut Form {
        &mut self.form
    }
}

impl App {
    pub fn new(draft: DialDraft, settings: Settings, backend: BackendInfo, time: TimeFmt) -> App {
        App {
            form: Form::new(draft),
            settings,
            backend,
            focus: Pane::Callee,
            history: History::default(),
            detail: None,
            detail_open: false,
            overlay: None,
            notice: None,
            log: Vec::new(),
            in_flight: Flights::default(),
            size: (80, 24),
            settings_file: None,
            time,
            color: true,
            quit: false,
            now_ms: 0,
            unsent: None,
            intent: None,
            transcript: LiveTranscript::default(),
            marks: Marks::default(),
            sweeping: None,
        }
    }

    /// The effects to run when the app starts: the first page of history.
    pub fn start(&mut self) -> Vec<Effect> {
        vec![self.history.query()]
    }

    pub fn notify(&mut self, level: Level, text: impl Into<String>) {
        self.show(Notice::new(level, text));
    }

    /// Attempts the dialer is working on, including those not yet recorded.
    pub fn attempts_in_flight(&self) -> usize {
        self.in_flight.count()
    }

    /// What of the state changes the layout.
    pub fn shape(&self) -> Shape {
        let width = super::layout::form_width(self.size.0);
        let shape = |problem_width| Shape {
            detail_open: self.detail_open,
            footer_lines: self.footer_lines(),
            problem_width,
            ..self.form.shape(problem_width)
        };
        let wrapped = shape(width);
        if wrapped.fits(self.size.1) {
            wrapped
        } else {
            shape(u16::MAX)
        }
    }

    /// Rows of history on screen, from the layout of the current size.
    pub fn history_height(&self) -> u64 {
        Layout::new(self.size, self.shape()).history_rows as u64
    }

    /// The mode keys are read in.
    pub fn scope(&self) -> Scope {
        match &self.overlay {
            Some(Overlay::Confirm(_)) => Scope::Confirm,
            Some(Overlay::Steer(_)) => Scope::SteerLine,
            Some(Overlay::Settings(_)) => Scope::Settings,
            Some(_) => Scope::Popup,
            None if self.form.editing.is_some() => Scope::Typing,
            None if self.history.filtering.is_some() => Scope::Filter,
            None => Scope::Pane(self.focus),
        }
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Mouse(m) => self.on_mouse(m),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.keep_selection_visible()
            }
            Msg::Dialer(event) => self.on_dialer(event),
            Msg::Campaigns(m) => self.on_campaigns_msg(m),
            Msg::Held(held) => self.on_held(*held),
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
                    let detail = Detail::new(*attempt, events, scroll);
                    if let Some(r) = &detail.report {
                        self.history.words.insert(r.id.clone(), r.word);
                    }
                    self.detail = Some(detail);
                }
                Vec::new()
            }
            Msg::Outcomes(words) => {
                self.history.words.extend(words);
                Vec::new()
            }
            Msg::AgentsPage {
                page_number,
                result,
            } => self.on_agents(page_number, result),
            Msg::Numbers(result) => {
                if let Some(Overlay::Picker(p)) = &mut self.overlay {
                    p.on_numbers(result);
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
            Msg::HistoryChanged => {
                // A live call another process follows is read again; ours come as events.
                let shown = self
                    .detail
                    .as_ref()
                    .map(|d| &d.attempt)
                    .filter(|a| a.status.is_live() && !self.in_flight.follows(&a.id));
                let reload = shown.map(|a| Effect::LoadDetail(a.id.clone()));
                let mut effects = vec![self.history.query()];
                effects.extend(reload);
                effects.extend(self.campaigns_on_history_changed());
                effects
            }
            Msg::Tick(now_ms) => {
                self.now_ms = now_ms;
                let mut effects: Vec<Effect> = self
                    .transcript
                    .poll(self.detail.as_ref(), now_ms)
                    .into_iter()
                    .collect();
                if self.notice.as_ref().is_some_and(|n| n.until_ms <= now_ms) {
                    self.notice = None;
                    effects.extend(self.keep_selection_visible());
                }
                effects
            }
            Msg::Transcript { id, records } => {
                self.transcript.on_answer(&id, records);
                Vec::new()
            }
            Msg::Bench(m) => self.on_bench_msg(m),
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
        let scope = self.scope();
        let action = keymap::action(scope, &key);
        if action == Some(Action::Quit) {
            return self.quit();
        }
        match scope {
            Scope::Popup => self.on_popup_key(key),
            Scope::Filter => self
                .history
                .on_filter_key(action, key, self.now_ms)
                .into_iter()
                .collect(),
            Scope::Confirm => self.on_confirm_key(action),
            Scope::SteerLine => self.on_steer_key(action, key),
            Scope::Settings => self.on_settings_key(action, key),
            Scope::Typing => self.on_typing_key(action, key),
            Scope::Pane(pane) => match action {
                Some(action) => self.on_pane_key(pane, action, &key),
                None => Vec::new(),
            },
        }
    }

    fn on_pane_key(&mut self, pane: Pane, action: Action, key: &KeyEvent) -> Vec<Effect> {
        match action {
            Action::Dial => self.dial(),
            Action::NextPane | Action::PrevPane => {
                self.detail_open = false;
                self.focus = self.focus.step(action == Action::NextPane);
                Vec::new()
            }
            Action::Focus(pane) => {
                self.detail_open = false;
                self.focus = pane;
                Vec::new()
            }
            Action::OpenSettings => {
                self.open_settings();
                Vec::new()
            }
            Action::OpenHelp => {
                self.overlay = Some(Overlay::Help { scroll: 0 });
                Vec::new()
            }
            Action::OpenCampaigns => self.open_campaigns(),
            Action::OpenMessages => {
                self.overlay = Some(Overlay::Messages { scroll: 0 });
                Vec::new()
            }
            Action::Pick => self.open_picker(),
            Action::Undo => self.form.undo(),
            Action::Mark | Action::Compare | Action::Stats | Action::Annotate | Action::Sweep => {
                self.on_bench_action(action)
            }
            _ if pane == Pane::History => self.on_history_key(action),
            _ => self.form.on_key(pane, action, key).unwrap_or_default(),
        }
    }

    fn open_settings(&mut self) {
        self.overlay = Some(Overlay::Settings(Box::new(SettingsForm::new(
            &self.settings,
        ))));
    }

    fn on_typing_key(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
        let mut effects = match action {
            None | Some(Action::EditText) => {
                self.form.type_key(key);
                return Vec::new();
            }
            Some(Action::NextPane | Action::PrevPane)
                if self.form.tab_within_row(action == Some(Action::NextPane)) =>
            {
                return vec![self.form.save()];
            }
            Some(Action::Undo) => return self.form.undo(),
            Some(_) => self.finish_typing(),
        };
        match action {
            Some(Action::Dial) => effects.extend(self.dial()),
            Some(Action::NextPane | Action::PrevPane) => {
                self.focus = self.focus.step(action == Some(Action::NextPane));
            }
            Some(Action::Up | Action::Down) => {
                self.form
                    .move_within(self.focus, action == Some(Action::Down));
            }
            Some(Action::OpenSettings) => self.open_settings(),
            Some(Action::Focus(pane)) => self.focus = pane,
            Some(Action::Sweep) => effects.extend(self.on_bench_action(Action::Sweep)),
            _ => {}
        }
        effects
    }

    /// Ends typing, telling the user how a number is written, and saves the draft.
    pub(super) fn finish_typing(&mut self) -> Vec<Effect> {
        if self.form.editing.is_none() {
            return Vec::new();
        }
        if let Some(note) = self.form.finish_editing() {
            self.notify(Level::Info, note);
        }
        vec![self.form.save()]
    }

    // ---- dialing ----

    fn dial(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        let normalized = self.form.draft.normalized();
        if normalized != self.form.draft {
            self.form.draft = normalized;
            effects.push(self.form.save());
        }
        let (sendable, _, kept) = self.form.sendable();
        match sendable.validate() {
            Err(mut problems) => {
                // Problems of the variables sent point at their rows in the form.
                for p in &mut problems {
                    if let Field::Variable(i) = &mut p.field {
                        *i = kept.get(*i).copied().unwrap_or(*i);
                    }
                }
                let n = problems.len();
                if let Some(first) = problems.first() {
                    self.focus = Pane::of(first.field);
                }
                self.form.problems = problems;
                // Without colours the marks are the ✗ lines and the doubled frames.
                let marked = if self.color {
                    "marked in red"
                } else {
                    "marked ✗, in double frames"
                };
                let plural = if n == 1 { "" } else { "s" };
                self.notify(
                    Level::Error,
                    format!(
                        "Not dialed: {n} problem{plural} ({marked}); fix and press Ctrl-S again"
                    ),
                );
            }
            Ok(request) => {
                self.form.problems.clear();
                if self.settings.confirm_before_dial {
                    self.overlay = Some(Overlay::Confirm(request));
                } else {
                    effects.extend(self.send(request));
                }
            }
        }
        effects
    }

    pub(super) fn send(&mut self, request: DialRequest) -> Vec<Effect> {
        self.in_flight.dialed();
        let empty = self.form.empty_declared();
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
        vec![self.dial_effect(request), self.form.save()]
    }

    fn on_dialer(&mut self, event: DialerEvent) -> Vec<Effect> {
        let id = event.id().clone();
        let (seen, notice) = self.in_flight.on_event(event);
        if let Some(notice) = notice {
            self.show(notice);
        }
        match seen {
            Seen::Queued => {
                self.history.selected = 0;
                self.history.scroll = 0;
            }
            Seen::Changed => {}
            Seen::NotRecorded => return Vec::new(),
            // A followed call changed: the history has it, the detail reloads it.
            Seen::Watch(w) => self.on_watch(w),
        }
        let mut effects = vec![self.history.query()];
        if self.detail.as_ref().is_some_and(|d| d.attempt.id == id) {
            effects.push(Effect::LoadDetail(id));
        }
        effects
    }

    fn on_watch(&mut self, event: WatchEvent) {
        if let WatchEvent::Pushed {
            id,
            kind,
            text,
            result: Ok(()),
        } = &event
            && self.unsent.as_ref().is_some_and(|u| u.is(id, *kind, text))
        {
            self.unsent = None;
        }
        if let Some(notice) = Notice::of_watch(event) {
            self.show(notice);
        }
    }

    // ---- the shown call ----

    /// What the keys on the shown attempt do; `None` when the key is not for it.
    fn on_call_key(&mut self, action: Action) -> Option<Vec<Effect>> {
        let d = self.detail.as_ref()?;
        let a = &d.attempt;
        let live = a.status.is_live() && a.session_id.is_some();
        let id = a.id.clone();
        match action {
            Action::HangUp if live => {
                self.overlay = Some(Overlay::HangUp(id));
                Some(Vec::new())
            }
            Action::Say | Action::AskLlm | Action::LastWords if live => {
                let kind = match action {
                    Action::Say => PushKind::Text,
                    Action::AskLlm => PushKind::Llm,
                    _ => PushKind::LastWords,
                };
                let line = SteerLine::open(&mut self.unsent, id, kind);
                self.overlay = Some(Overlay::Steer(line));
                Some(Vec::new())
            }
            Action::Reconcile if a.status == AttemptStatus::Unknown && a.session_id.is_none() => {
                self.notify(
                    Level::Info,
                    format!(
                        "Looking for the call of {} in the call records…",
                        id.short()
                    ),
                );
                Some(vec![Effect::Reconcile(id)])
            }
            Action::CopySession => {
                let session = a.session_id.clone()?;
                self.notify(Level::Info, format!("Copied SessionId {session}"));
                Some(vec![Effect::Copy(session)])
            }
            Action::CopyRecording => {
                let url = d.report.as_ref()?.record_url.clone()?;
                self.notify(Level::Info, "Copied the recording link");
                Some(vec![Effect::Copy(url)])
            }
            _ => None,
        }
    }

    fn on_steer_key(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
        let Some(Overlay::Steer(line)) = &mut self.overlay else {
            return Vec::new();
        };
        match line.on_key(action, key) {
            Steered::Stay => Vec::new(),
            Steered::Cancelled(kept) => {
                // What was typed stays for the next `s` / `l`.
                if kept.is_some() {
                    self.unsent = kept;
                }
                self.overlay = None;
                Vec::new()
            }
            Steered::Empty => {
                self.notify(Level::Warning, "Type the text first; Esc cancels");
                Vec::new()
            }
            Steered::Send(effect) => {
                let line = line.clone();
                self.overlay = None;
                self.notify(Level::Info, "Sending…");
                self.unsent = Some(line);
                vec![*effect]
            }
        }
    }

    // ---- history ----

    /// Scrolls so the selection is on screen and asks for rows that are not loaded.
    fn keep_selection_visible(&mut self) -> Vec<Effect> {
        let height = self.history_height();
        self.history.keep_selection_visible(height)
    }

    fn on_history_page(
        &mut self,
        generation: u64,
        total: u64,
        offset: u64,
        rows: Vec<Attempt>,
    ) -> Vec<Effect> {
        let before = self.history.selected_attempt().map(|a| a.id.clone());
        if !self.history.on_page(generation, total, offset, rows) {
            return Vec::new();
        }
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

    pub(super) fn on_history_key(&mut self, action: Action) -> Vec<Effect> {
        let before = self.history.selected;
        let page = self.history_height();
        if !self.history.move_selection(action, page) {
            match action {
                Action::Open if self.history.selected_attempt().is_some() => {
                    self.detail_open = true
                }
                Action::Close if self.detail_open => self.detail_open = false,
                Action::Close if !self.history.filter.is_empty() => {
                    return vec![self.history.clear_filter()];
                }
                Action::Filter => self.history.start_filter(),
                Action::Redial => return self.redial(),
                Action::ScrollDown | Action::ScrollUp => {
                    let down = action == Action::ScrollDown;
                    match self.detail.as_mut().filter(|_| self.detail_open) {
                        Some(d) if down => d.scroll += 1,
                        Some(d) => d.scroll = d.scroll.saturating_sub(1),
                        None => {
                            let step = if down { Action::Down } else { Action::Up };
                            self.history.move_selection(step, page);
                        }
                    }
                }
                _ => {
                    if let Some(effects) = self.on_call_key(action) {
                        return effects;
                    }
                }
            }
        }
        self.after_move(before)
    }

    /// After the selection moved from `before`: keep it on screen, load what it shows.
    pub(super) fn after_move(&mut self, before: u64) -> Vec<Effect> {
        let mut effects = self.keep_selection_visible();
        if self.history.selected != before
            && let Some(a) = self.history.selected_attempt()
        {
            effects.push(Effect::LoadDetail(a.id.clone()));
        }
        effects
    }

    // ---- popups ----

    /// Keys of the popups that show their own keys: help, picker, hang-up and the filter.
    fn on_popup_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match &mut self.overlay {
            Some(Overlay::Help { scroll } | Overlay::Messages { scroll }) => {
                match key.code {
                    KeyCode::Up => *scroll = scroll.saturating_sub(1),
                    KeyCode::Down => *scroll += 1,
                    KeyCode::Esc | KeyCode::Enter | KeyCode::Char('?' | 'm' | 'q') => {
                        self.overlay = None
                    }
                    _ => {}
                }
                Vec::new()
            }
            Some(Overlay::Quit) => self.on_quit_key(key),
            Some(Overlay::Campaigns(_)) => self.on_campaigns_key(&key),
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
            Some(Overlay::Picker(p)) => match p.on_key(key) {
                Picked::Stay => Vec::new(),
                Picked::Close => {
                    self.overlay = None;
                    Vec::new()
                }
                Picked::Agent(agent) => {
                    self.overlay = None;
                    self.pick_agent(agent)
                }
                Picked::Number(number) => {
                    if let Some(why) = number.unusable_reason() {
                        self.notify(
                            Level::Warning,
                            format!("{} is not offered: {why}", number.number),
                        );
                        return Vec::new();
                    }
                    self.overlay = None;
                    self.form.pick_number(number.number)
                }
            },
            Some(Overlay::Held(_)) => self.on_held_key(key),
            Some(Overlay::Undeclared(_)) => self.on_undeclared_key(key),
            Some(
                Overlay::Compare(_) | Overlay::Stats(_) | Overlay::Notes(_) | Overlay::Sweep(_),
            ) => self.on_bench_key(key),
            _ => Vec::new(),
        }
    }

    fn on_settings_key(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
        let Some(Overlay::Settings(form)) = &mut self.overlay else {
            return Vec::new();
        };
        let outcome = if action == Some(Action::Save) {
            form.save()
        } else {
            form.on_key(key)
        };
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
                if self.form.draft.sdk_app_id.trim().is_empty()
                    && let Some(id) = settings.default_sdk_app_id
                {
                    self.form.draft.sdk_app_id = id.to_string();
                    effects.push(self.form.save());
                }
                let (saves, next_start) = saved(&self.settings, &settings, credential);
                if next_start {
                    self.notify(
                        Level::Info,
                        "Saved; the endpoint, region and credentials apply from the next start, \
                         which clears the form's SdkAppId and agent if the backend changed",
                    );
                }
                self.settings = settings;
                effects.extend(saves);
                effects
            }
        }
    }
}
