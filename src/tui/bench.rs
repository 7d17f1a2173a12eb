//! The tester's keys on the dialer screen: marking attempts and comparing them, statistics
//! over the History's filter (or any filter), labels and a note, and sweeping the form over
//! a file of variable sets. Each screen's state is in its own module; this routes to them.

use crossterm::event::KeyEvent;

use super::app::{App, Level, Overlay};
use super::bench_msg::{BenchEffect, BenchMsg};
use super::compare::{CompareView, Compared};
use super::keymap::Action;
use super::msg::Effect;
use super::notes::{Noted, NotesForm};
use super::stats::StatsView;
use super::sweep::{Prompted, SweepPrompt};
use crate::history::Filter;

impl App {
    pub(super) fn on_bench_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Mark => self.toggle_mark(),
            Action::Compare => match self.marks.to_compare() {
                Ok(ids) => {
                    self.overlay = Some(Overlay::Compare(Box::new(CompareView::loading(
                        ids.clone(),
                    ))));
                    vec![Effect::Bench(BenchEffect::LoadRuns(ids))]
                }
                Err(why) => {
                    self.notify(Level::Warning, why);
                    Vec::new()
                }
            },
            Action::Stats => {
                let filter = self.history.filter();
                let scope = match &filter.text {
                    Some(text) => format!("/{text}"),
                    None => "all attempts".into(),
                };
                self.open_stats(filter, scope)
            }
            Action::Annotate => match self.history.selected_attempt() {
                Some(a) => vec![Effect::Bench(BenchEffect::LoadNotes(a.id.clone()))],
                None => Vec::new(),
            },
            Action::Sweep => self.open_sweep(),
            _ => Vec::new(),
        }
    }

    /// Opens the Stats screen over `filter`; `scope` says what it covers (`all attempts`,
    /// `/prompt-v2`, `batch 3f2a…`).
    pub fn open_stats(&mut self, filter: Filter, scope: impl Into<String>) -> Vec<Effect> {
        self.overlay = Some(Overlay::Stats(StatsView::gathering(
            filter.clone(),
            scope.into(),
        )));
        vec![Effect::Bench(BenchEffect::GatherStats(filter))]
    }

    fn toggle_mark(&mut self) -> Vec<Effect> {
        let Some(id) = self.history.selected_attempt().map(|a| a.id.clone()) else {
            return Vec::new();
        };
        let marked = self.marks.toggle(&id);
        let n = self.marks.len();
        let text = match (marked, n) {
            (true, 1) => format!(
                "Marked {}; mark one more with Space, then C compares",
                id.short()
            ),
            (true, _) => format!("Marked {} ({n} marked); C compares them", id.short()),
            (false, _) => format!("Unmarked {} ({n} marked)", id.short()),
        };
        self.notify(Level::Info, text);
        // Down to the next attempt, to mark a run of them quickly.
        let before = self.history.selected;
        self.history
            .move_selection(Action::Down, self.history_height());
        self.after_move(before)
    }

    fn open_sweep(&mut self) -> Vec<Effect> {
        if let Some(line) = &self.sweeping {
            let text = format!("A sweep is running ({line}); a phone takes one call at a time");
            self.notify(Level::Warning, text);
            return Vec::new();
        }
        self.overlay = Some(Overlay::Sweep(SweepPrompt::default()));
        Vec::new()
    }

    /// Keys of the tester's screens.
    pub(super) fn on_bench_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match &mut self.overlay {
            Some(Overlay::Compare(c)) => {
                if c.on_key(key) == Compared::Close {
                    self.overlay = None;
                }
                Vec::new()
            }
            Some(Overlay::Stats(_)) => {
                if matches!(
                    key.code,
                    crossterm::event::KeyCode::Esc | crossterm::event::KeyCode::Char('q' | 'S')
                ) {
                    self.overlay = None;
                }
                Vec::new()
            }
            Some(Overlay::Notes(form)) => match form.on_key(key) {
                Noted::Stay => Vec::new(),
                Noted::Close => {
                    self.overlay = None;
                    Vec::new()
                }
                Noted::Save {
                    id,
                    add,
                    remove,
                    note,
                } => {
                    self.overlay = None;
                    vec![Effect::Bench(BenchEffect::Annotate {
                        id,
                        add,
                        remove,
                        note,
                    })]
                }
            },
            Some(Overlay::Sweep(prompt)) => match prompt.on_key(key) {
                Prompted::Stay => Vec::new(),
                Prompted::Close => {
                    self.overlay = None;
                    Vec::new()
                }
                Prompted::Run(path) => {
                    self.sweeping = Some("starting".into());
                    vec![Effect::Bench(BenchEffect::Sweep {
                        draft: self.form.sendable().0,
                        path,
                        endpoint: self.backend.label.clone(),
                    })]
                }
            },
            _ => Vec::new(),
        }
    }

    /// The mouse wheel over a tester's screen; true when one took it.
    pub(super) fn on_bench_wheel(&mut self, down: bool) -> bool {
        let Some(Overlay::Compare(c)) = &mut self.overlay else {
            return false;
        };
        c.scroll_by(if down { 3 } else { -3 });
        true
    }

    pub(super) fn on_bench_msg(&mut self, msg: BenchMsg) -> Vec<Effect> {
        match msg {
            BenchMsg::Runs(result) => {
                if let Some(Overlay::Compare(c)) = &mut self.overlay {
                    match result {
                        Ok(runs) => {
                            c.comparison = Some(crate::results::compare::Comparison::new(runs))
                        }
                        Err(e) => {
                            self.overlay = None;
                            self.notify(Level::Error, format!("Cannot compare: {e}"));
                        }
                    }
                }
            }
            BenchMsg::Stats(filter, result) => {
                if let Some(Overlay::Stats(s)) = &mut self.overlay
                    && s.filter == *filter
                {
                    match result {
                        Ok(stats) => s.stats = Some(stats),
                        Err(e) => {
                            self.overlay = None;
                            self.notify(Level::Error, format!("Cannot gather statistics: {e}"));
                        }
                    }
                }
            }
            BenchMsg::Labels(labels) => self.history.labels.extend(labels),
            BenchMsg::Notes(id, Ok(notes)) => {
                if self.overlay.is_none() {
                    self.overlay = Some(Overlay::Notes(NotesForm::new(id, notes)));
                }
            }
            BenchMsg::Notes(_, Err(e)) => self.notify(Level::Error, e),
            BenchMsg::Annotated(id, Ok(notes)) => {
                let text = match notes.labels.is_empty() {
                    true => format!("Saved the note of {}; no labels", id.short()),
                    false => format!("Labelled {}: {}", id.short(), notes.labels.join(" ")),
                };
                self.history.labels.insert(id, notes.labels);
                self.notify(Level::Success, text);
            }
            BenchMsg::Annotated(_, Err(e)) => self.notify(Level::Error, format!("Not saved: {e}")),
            BenchMsg::SweepRefused(why) => {
                self.sweeping = None;
                match &mut self.overlay {
                    Some(Overlay::Sweep(p)) => p.problem = Some(why),
                    _ => self.notify(Level::Error, why),
                }
            }
            BenchMsg::SweepProgress(line) => {
                if matches!(self.overlay, Some(Overlay::Sweep(_))) {
                    self.overlay = None;
                }
                self.notify(Level::Info, format!("Sweep {line}"));
                self.sweeping = Some(line);
            }
            BenchMsg::Swept { runs, ended } => return self.on_swept(runs, ended),
        }
        Vec::new()
    }

    /// A sweep ended: say how, and compare its runs when there are two or more.
    fn on_swept(
        &mut self,
        runs: Vec<crate::history::AttemptId>,
        ended: Result<String, String>,
    ) -> Vec<Effect> {
        self.sweeping = None;
        match ended {
            Ok(text) => self.notify(Level::Success, text),
            Err(text) => self.notify(Level::Error, text),
        }
        if runs.len() < 2 || self.overlay.is_some() {
            return Vec::new();
        }
        let ids: Vec<_> = runs.into_iter().take(super::marks::COMPARE_MAX).collect();
        self.overlay = Some(Overlay::Compare(Box::new(CompareView::loading(
            ids.clone(),
        ))));
        vec![Effect::Bench(BenchEffect::LoadRuns(ids))]
    }
}
