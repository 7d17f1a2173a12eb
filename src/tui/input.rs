//! A single-line text input: the text, a cursor, and the editing keys of a shell prompt.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    text: String,
    /// In bytes, on a character boundary, 0..=text.len(): typing at the end (a paste) is
    /// then a push, whatever the length of the text.
    cursor: usize,
}

impl Input {
    /// An input holding `text`, with the cursor at its end.
    pub fn new(text: &str) -> Input {
        Input {
            text: text.to_string(),
            cursor: text.len(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.before_cursor().chars().count()
    }

    /// The text up to the cursor, to place the terminal cursor after it.
    pub fn before_cursor(&self) -> &str {
        &self.text[..self.cursor]
    }

    /// The character `key` would add at the end of the text, if that is all it would do.
    pub fn appends(&self, key: &KeyEvent) -> Option<char> {
        let c = typed(key)?;
        (self.cursor == self.text.len()).then_some(c)
    }

    pub fn insert_str(&mut self, s: &str) {
        self.text.insert_str(self.cursor, s);
        self.cursor += s.len();
    }

    /// Where the character before the cursor starts.
    fn previous(&self) -> Option<usize> {
        let c = self.before_cursor().chars().next_back()?;
        Some(self.cursor - c.len_utf8())
    }

    /// Where the character after the cursor ends.
    fn next(&self) -> Option<usize> {
        let c = self.text[self.cursor..].chars().next()?;
        Some(self.cursor + c.len_utf8())
    }

    /// Applies an editing key. Returns whether the text changed; keys it does not know are
    /// left alone (and return false).
    pub fn handle(&mut self, key: KeyEvent) -> bool {
        if let Some(c) = typed(&key) {
            let mut buf = [0u8; 4];
            self.insert_str(c.encode_utf8(&mut buf));
            return true;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('u') if ctrl => {
                let at = self.cursor;
                self.text.replace_range(..at, "");
                self.cursor = 0;
                at > 0
            }
            KeyCode::Char('k') if ctrl => {
                let changed = self.cursor < self.text.len();
                self.text.truncate(self.cursor);
                changed
            }
            KeyCode::Char('a') if ctrl => {
                self.cursor = 0;
                false
            }
            KeyCode::Char('e') if ctrl => {
                self.cursor = self.text.len();
                false
            }
            KeyCode::Backspace => match self.previous() {
                Some(at) => {
                    self.text.replace_range(at..self.cursor, "");
                    self.cursor = at;
                    true
                }
                None => false,
            },
            KeyCode::Delete => match self.next() {
                Some(end) => {
                    self.text.replace_range(self.cursor..end, "");
                    true
                }
                None => false,
            },
            KeyCode::Left => {
                self.cursor = self.previous().unwrap_or(0);
                false
            }
            KeyCode::Right => {
                self.cursor = self.next().unwrap_or(self.cursor);
                false
            }
            KeyCode::Home => {
                self.cursor = 0;
                false
            }
            KeyCode::End => {
                self.cursor = self.text.len();
                false
            }
            _ => false,
        }
    }
}

/// The character a key types, if it types one.
fn typed(key: &KeyEvent) -> Option<char> {
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(c) if plain && !c.is_control() => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn edits_unicode_at_the_cursor() {
        let mut i = Input::new("张三");
        assert!(i.handle(key(KeyCode::Char('!'))));
        i.handle(key(KeyCode::Left));
        i.handle(key(KeyCode::Left));
        assert!(i.handle(key(KeyCode::Backspace)));
        assert_eq!(i.text(), "三!");
        assert_eq!(i.before_cursor(), "");
        i.handle(key(KeyCode::End));
        assert!(i.handle(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
        assert_eq!(i.text(), "");
        assert!(!i.handle(key(KeyCode::Backspace)));
    }

    #[test]
    fn moves_and_deletes_whole_characters() {
        let mut i = Input::new("a张b");
        i.handle(key(KeyCode::Left));
        i.handle(key(KeyCode::Left));
        assert_eq!(i.before_cursor(), "a");
        assert_eq!(i.cursor(), 1);
        assert!(i.handle(key(KeyCode::Delete)));
        assert_eq!(i.text(), "ab");
        i.handle(key(KeyCode::Right));
        i.handle(key(KeyCode::Right));
        assert_eq!(i.cursor(), 2, "the cursor stops at the end");
        assert!(!i.handle(key(KeyCode::Delete)));
        assert!(!i.handle(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::CONTROL)));
        assert!(i.handle(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL)));
        assert_eq!(i.text(), "");
    }

    #[test]
    fn only_plain_characters_at_the_end_append() {
        let mut i = Input::new("ab");
        assert_eq!(i.appends(&key(KeyCode::Char('三'))), Some('三'));
        let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_eq!(i.appends(&ctrl_u), None);
        assert_eq!(i.appends(&key(KeyCode::Backspace)), None);
        i.handle(key(KeyCode::Left));
        assert_eq!(i.appends(&key(KeyCode::Char('x'))), None);
    }

    #[test]
    fn a_long_paste_is_held_whole() {
        let mut i = Input::new("");
        let pasted: String = (0..20_000)
            .map(|n| char::from(b'a' + (n % 26) as u8))
            .collect();
        for c in pasted.chars() {
            assert!(i.handle(key(KeyCode::Char(c))));
        }
        assert_eq!(i.text(), pasted);
        assert_eq!(i.cursor(), 20_000);
    }
}
