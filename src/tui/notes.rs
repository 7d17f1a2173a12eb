//! The labels-and-note form of an attempt: labels as words on one line, a note on another.
//! Saving checks every label first, so a typo is told before anything is written.

use crossterm::event::{KeyCode, KeyEvent};

use super::input::Input;
use crate::history::{AttemptId, Notes, parse_label};

#[derive(Debug, Clone, PartialEq)]
pub struct NotesForm {
    pub id: AttemptId,
    /// The labels as they were, to tell what was added and removed.
    pub before: Vec<String>,
    pub labels: Input,
    pub note: Input,
    /// The note line has the keyboard, else the labels line.
    pub on_note: bool,
    pub problem: Option<String>,
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Noted {
    Stay,
    Close,
    Save {
        id: AttemptId,
        add: Vec<String>,
        remove: Vec<String>,
        note: String,
    },
}

impl NotesForm {
    pub fn new(id: AttemptId, notes: Notes) -> NotesForm {
        NotesForm {
            labels: Input::new(&notes.labels.join(" ")),
            note: Input::new(notes.note.as_deref().unwrap_or("")),
            before: notes.labels,
            id,
            on_note: false,
            problem: None,
        }
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Noted {
        match key.code {
            KeyCode::Esc => Noted::Close,
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                self.on_note = !self.on_note;
                Noted::Stay
            }
            KeyCode::Enter => self.save(),
            _ => {
                let input = if self.on_note {
                    &mut self.note
                } else {
                    &mut self.labels
                };
                if input.handle(key) {
                    self.problem = None;
                }
                Noted::Stay
            }
        }
    }

    /// The labels as typed, checked; or the first problem, which stays on the form.
    fn save(&mut self) -> Noted {
        let mut labels: Vec<String> = Vec::new();
        for word in self.labels.text().split_whitespace() {
            match parse_label(word) {
                Ok(l) if !labels.contains(&l) => labels.push(l),
                Ok(_) => {}
                Err(e) => {
                    self.problem = Some(e.to_string());
                    self.on_note = false;
                    return Noted::Stay;
                }
            }
        }
        Noted::Save {
            id: self.id.clone(),
            add: labels
                .iter()
                .filter(|l| !self.before.contains(l))
                .cloned()
                .collect(),
            remove: self
                .before
                .iter()
                .filter(|l| !labels.contains(l))
                .cloned()
                .collect(),
            note: self.note.text().to_owned(),
        }
    }
}
