//! The headers a signed request sends: every value in one buffer, so signing a request
//! allocates once for all of them. What they hold is the signer's business.

use std::fmt;

/// What is sent, in this order; the ones in `OPTIONAL` only when they have a value.
const NAMES: [&str; 9] = [
    "Content-Type",
    "Host",
    "X-TC-Action",
    "X-TC-Version",
    "X-TC-Timestamp",
    "X-TC-Region",
    "X-TC-Token",
    "X-TC-Language",
    "Authorization",
];
const OPTIONAL: std::ops::Range<usize> = 5..8;

/// The headers to send, in a stable order, `Authorization` last.
#[derive(Clone)]
pub struct Headers {
    /// The values, one after the other, in the order of `NAMES`.
    text: String,
    /// Where each value of `NAMES` ends in `text` (it starts where the one before ends).
    ends: [usize; NAMES.len()],
}

impl Headers {
    /// The headers with these `values`, in the order of `NAMES` but the last, and the
    /// `Authorization` value that `authorization` writes in at most `authorization_room` bytes.
    pub(super) fn new(
        values: [&str; NAMES.len() - 1],
        authorization_room: usize,
        authorization: impl FnOnce(&mut String),
    ) -> Self {
        let room = values.iter().map(|v| v.len()).sum::<usize>() + authorization_room;
        let mut headers = Headers {
            text: String::with_capacity(room),
            ends: [0; NAMES.len()],
        };
        for (i, value) in values.into_iter().enumerate() {
            headers.text.push_str(value);
            headers.end(i);
        }
        authorization(&mut headers.text);
        headers.end(NAMES.len() - 1);
        headers
    }

    /// Ends the value of the `i`th header of `NAMES` where the text now ends.
    fn end(&mut self, i: usize) {
        self.ends[i] = self.text.len();
    }

    /// The value of the header `name` (in any case), if it is sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The headers, as (name, value), in the order they are sent.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            headers: self,
            next: 0,
        }
    }
}

impl<'a> IntoIterator for &'a Headers {
    type Item = (&'static str, &'a str);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The (name, value) pairs of [`Headers`], in the order they are sent.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    headers: &'a Headers,
    next: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'static str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let h = self.headers;
        while self.next < NAMES.len() {
            let i = self.next;
            self.next += 1;
            let start = if i == 0 { 0 } else { h.ends[i - 1] };
            let value = &h.text[start..h.ends[i]];
            if !(value.is_empty() && OPTIONAL.contains(&i)) {
                return Some((NAMES[i], value));
            }
        }
        None
    }
}

impl PartialEq for Headers {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Headers {}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
