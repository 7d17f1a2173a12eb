//! The History pane and the attempt shown beside it. The list is a window of a newest-first
//! history that may be far longer than memory should hold.

use std::collections::HashMap;

use crossterm::event::KeyEvent;

use super::filter;
use super::input::Input;
use super::keymap::Action;
use super::msg::Effect;
use crate::dialer::{CallReport, CallWord, LiveCall};
use crate::history::{Attempt, AttemptId, AttemptStatus, Event, Filter, Page};

/// Rows fetched per history query; the view shows a window of them.
pub const HISTORY_PAGE: u64 = 200;

/// `rows` holds the attempts `offset..offset+rows.len()`.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub filter: String,
    /// The filter while `/` is being typed.
    pub filtering: Option<Input>,
    /// The filter the list shows: the last one typed that reads.
    query: Filter,
    /// What is wrong with the filter as typed.
    pub problem: Option<String>,
    pub total: u64,
    pub offset: u64,
    pub rows: Vec<Attempt>,
    pub selected: u64,
    /// The first row on screen.
    pub scroll: u64,
    generation: u64,
    /// How finished attempts ended, as far as their call records are read.
    pub words: HashMap<AttemptId, Option<CallWord>>,
    /// The labels of the attempts read.
    pub labels: HashMap<AttemptId, Vec<String>>,
}

/// Where an attempt of the list stands, in the user's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The call ended, and its call record says how.
    Call(CallWord),
    /// The call ended without a call record.
    NoRecord,
    /// The call ended; its record is not read yet.
    Ended,
    /// Not ended: live, or never a call (refused, not sent, unknown).
    Status(AttemptStatus),
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

    pub fn outcome(&self, a: &Attempt) -> Outcome {
        match (a.status, self.words.get(&a.id)) {
            (AttemptStatus::Finished, Some(Some(word))) => Outcome::Call(*word),
            (AttemptStatus::Finished, Some(None)) => Outcome::NoRecord,
            (AttemptStatus::Finished, None) => Outcome::Ended,
            (status, _) => Outcome::Status(status),
        }
    }

    /// The filter in force, as the history reads it.
    pub fn filter(&self) -> Filter {
        self.query.clone()
    }

    /// Asks for the rows around the scroll position; older answers are ignored.
    pub fn query(&mut self) -> Effect {
        self.generation += 1;
        let offset = self.scroll.saturating_sub(HISTORY_PAGE / 4);
        Effect::QueryHistory {
            generation: self.generation,
            filter: self.query.clone(),
            page: Page {
                offset,
                limit: HISTORY_PAGE,
            },
        }
    }

    /// Takes a page of rows; false when it answers an older query.
    pub fn on_page(
        &mut self,
        generation: u64,
        total: u64,
        offset: u64,
        rows: Vec<Attempt>,
    ) -> bool {
        if generation != self.generation {
            return false;
        }
        self.total = total;
        self.offset = offset;
        self.rows = rows;
        self.selected = self.selected.min(total.saturating_sub(1));
        true
    }

    /// Scrolls so the selection is on screen (`height` rows) and asks for rows that are not
    /// loaded.
    pub fn keep_selection_visible(&mut self, height: u64) -> Vec<Effect> {
        let height = height.max(1);
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + height {
            self.scroll = self.selected + 1 - height;
        }
        let end = (self.scroll + height).min(self.total);
        let loaded = self.offset..self.offset + self.rows.len() as u64;
        if self.total > 0
            && (!loaded.contains(&self.scroll) || (end > 0 && !loaded.contains(&(end - 1))))
        {
            vec![self.query()]
        } else {
            Vec::new()
        }
    }

    /// Moves the selection for a key; false when the action is not a move.
    pub fn move_selection(&mut self, action: Action, page: u64) -> bool {
        let last = self.total.saturating_sub(1);
        let sel = &mut self.selected;
        match action {
            Action::Up => *sel = sel.saturating_sub(1),
            Action::Down => *sel = (*sel + 1).min(last),
            Action::PageUp => *sel = sel.saturating_sub(page.max(1)),
            Action::PageDown => *sel = (*sel + page.max(1)).min(last),
            Action::First => *sel = 0,
            Action::Last => *sel = last,
            _ => return false,
        }
        true
    }

    /// Starts typing a filter, from the one in force.
    pub fn start_filter(&mut self) {
        self.filtering = Some(Input::new(&self.filter));
    }

    /// A key while the filter is typed: Enter keeps it (unless it does not read), Esc
    /// clears it, others type. Returns the query when the list must change; `now_ms`
    /// anchors ages such as `since:7d`.
    pub fn on_filter_key(
        &mut self,
        action: Option<Action>,
        key: KeyEvent,
        now_ms: i64,
    ) -> Option<Effect> {
        let input = self.filtering.as_mut()?;
        match action {
            Some(Action::Yes) if self.problem.is_none() => {
                self.filter = input.text().trim().to_string();
                self.filtering = None;
                None
            }
            Some(Action::Yes) => None,
            Some(Action::No) => Some(self.clear_filter()),
            _ if input.handle(key) => match filter::parse(input.text(), now_ms) {
                Ok(query) => {
                    self.problem = None;
                    self.query = query;
                    Some(self.restart())
                }
                Err(e) => {
                    self.problem = Some(e.to_string());
                    None
                }
            },
            _ => None,
        }
    }

    /// The whole history again.
    pub fn clear_filter(&mut self) -> Effect {
        self.filter.clear();
        self.filtering = None;
        self.problem = None;
        self.query = Filter::default();
        self.restart()
    }

    /// The list from its top, for a changed filter.
    fn restart(&mut self) -> Effect {
        self.selected = 0;
        self.scroll = 0;
        self.query()
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
