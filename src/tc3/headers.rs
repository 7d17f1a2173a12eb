//! The headers a signed request sends: every value in one buffer, so signing a request
//! allocates once for all of them.

use std::fmt;

use super::{ALGORITHM, Request, Short, write_names};
use crate::credentials::Credential;

/// Content-Type, Host, Action, Version, Timestamp, Region, Token, Language, Authorization.
const MOST: usize = 9;

/// The headers to send, in a stable order, `Authorization` last.
#[derive(Clone)]
pub struct Headers {
    /// The values, one after the other.
    text: String,
    /// Each header's name and where its value ends in `text` (it starts where the one before
    /// ends); the first `len` are used.
    names: [&'static str; MOST],
    ends: [usize; MOST],
    len: usize,
}

impl Headers {
    /// The headers for `req` signed with `signature` on `date` (its UTC day, `YYYY-MM-DD`).
    pub(super) fn of(cred: &Credential, req: &Request<'_>, date: &str, signature: &str) -> Self {
        let region = req.region.filter(|r| !r.is_empty());
        let token = cred.token.as_deref().filter(|t| !t.is_empty());
        let language = req.language.filter(|l| !l.is_empty());
        let optional = [region, token, language].map(|v| v.map_or(0, str::len));
        let names: usize = req.signed_headers.iter().map(|n| n.len() + 1).sum();
        // The Authorization header's fixed text, the timestamp and the date fit in 128 bytes.
        let room = [req.content_type, req.host, req.action, req.version]
            .iter()
            .map(|v| v.len())
            .chain(optional)
            .sum::<usize>()
            + cred.secret_id.len()
            + req.service.len()
            + names
            + signature.len()
            + 128;
        let mut headers = Headers {
            text: String::with_capacity(room),
            names: [""; MOST],
            ends: [0; MOST],
            len: 0,
        };
        headers.push("Content-Type", &[req.content_type]);
        headers.push("Host", &[req.host]);
        headers.push("X-TC-Action", &[req.action]);
        headers.push("X-TC-Version", &[req.version]);
        headers.push("X-TC-Timestamp", &[Short::number(req.timestamp).as_str()]);
        for (name, value) in [
            ("X-TC-Region", region),
            ("X-TC-Token", token),
            ("X-TC-Language", language),
        ] {
            if let Some(value) = value {
                headers.push(name, &[value]);
            }
        }
        let scope = [" Credential=", &cred.secret_id, "/", date, "/", req.service];
        headers.push("Authorization", &[ALGORITHM]);
        headers.extend(&scope);
        headers.extend(&["/tc3_request, SignedHeaders="]);
        write_names(&mut headers.text, req.signed_headers.len(), |i| {
            req.signed_headers[i]
        });
        headers.extend(&[", Signature=", signature]);
        headers
    }

    /// Adds a header whose value is `parts` joined.
    fn push(&mut self, name: &'static str, parts: &[&str]) {
        self.names[self.len] = name;
        self.len += 1;
        self.extend(parts);
    }

    /// Appends `parts` to the value of the last header.
    fn extend(&mut self, parts: &[&str]) {
        for part in parts {
            self.text.push_str(part);
        }
        self.ends[self.len - 1] = self.text.len();
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
        let i = self.next;
        if i >= h.len {
            return None;
        }
        self.next += 1;
        let start = if i == 0 { 0 } else { h.ends[i - 1] };
        Some((h.names[i], &h.text[start..h.ends[i]]))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.headers.len - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

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
