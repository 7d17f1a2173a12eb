//! Text from the server made safe for a terminal: control characters (an escape sequence can
//! move the cursor, retitle the window or write to the clipboard) and the marks that reorder
//! text are shown as `\u{..}` instead of acting.

use std::borrow::Cow;

use serde_json::Value;

fn acts(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character that would act on a terminal written out as `\u{..}`.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Escapes every string in `value`, keys included, in place.
pub fn escape_json(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Cow::Owned(safe) = escape(s) {
                *s = safe;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(escape_json),
        Value::Object(map) => {
            if map.keys().any(|k| k.chars().any(acts)) {
                let old = std::mem::take(map);
                for (k, mut v) in old {
                    escape_json(&mut v);
                    map.insert(escape(&k).into_owned(), v);
                }
            } else {
                map.values_mut().for_each(escape_json);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_reordering_characters_are_written_out() {
        assert!(matches!(escape("plain 中文 text"), Cow::Borrowed(_)));
        assert_eq!(
            escape("a\u{1b}]52;c;eA==\u{7}b"),
            "a\\u{1b}]52;c;eA==\\u{7}b"
        );
        assert_eq!(escape("x\ny\r\u{9b}z"), "x\\u{a}y\\u{d}\\u{9b}z");
        assert_eq!(escape("\u{202e}evil"), "\\u{202e}evil");
    }

    #[test]
    fn every_string_of_an_answer_is_escaped() {
        let mut v = serde_json::json!({
            "SessionId": "s\u{1b}[2J",
            "List": [{"Tag": "\u{7}"}, 3],
            "K\u{1b}": true,
        });
        escape_json(&mut v);
        assert_eq!(v["SessionId"], "s\\u{1b}[2J");
        assert_eq!(v["List"][0]["Tag"], "\\u{7}");
        assert_eq!(v["K\\u{1b}"], true);
    }
}
