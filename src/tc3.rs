//! TC3-HMAC-SHA256, the request signature of Tencent Cloud API 3.0.
//!
//! Everything here is a pure function of its inputs (no clock, no IO), so the client, the
//! simulator's verifier and the test vectors all go through the same code.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::credentials::Credential;

pub mod headers;
pub use headers::Headers;

pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// What the official SDKs sign; the service requires at least these two.
pub const DEFAULT_SIGNED_HEADERS: &[&str] = &["content-type", "host"];
/// Hex SHA-256 of the empty payload (GET requests).
pub const EMPTY_PAYLOAD_HASH: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

type HmacSha256 = Hmac<Sha256>;

/// One request to sign. Header values are taken as they will be sent.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The Host header exactly as sent (`host[:port]`, or a literal `http://…` from tccli).
    pub host: &'a str,
    /// The product name: the first label of the API host (`ccc`).
    pub service: &'a str,
    pub action: &'a str,
    pub version: &'a str,
    pub region: Option<&'a str>,
    pub language: Option<&'a str>,
    pub timestamp: i64,
    pub content_type: &'a str,
    /// The canonical query string: empty for POST.
    pub query: &'a str,
    pub payload: &'a [u8],
    /// Lower-case names of the headers to sign; must contain `content-type` and `host`.
    pub signed_headers: &'a [&'a str],
}

impl<'a> Request<'a> {
    /// A JSON POST as the official SDKs send it, signing `content-type;host`.
    pub fn post_json(host: &'a str, action: &'a str, timestamp: i64, payload: &'a [u8]) -> Self {
        Request {
            method: "POST",
            host,
            service: service_of(host),
            action,
            version: crate::ccc::API_VERSION,
            region: None,
            language: None,
            timestamp,
            content_type: "application/json",
            query: "",
            payload,
            signed_headers: DEFAULT_SIGNED_HEADERS,
        }
    }

    fn write_canonical(&self, out: &mut impl Sink, payload_hash: &str) {
        self.write_canonical_head(out);
        out.put(payload_hash);
    }

    /// The canonical request but its last line, the payload's hash.
    fn write_canonical_head(&self, out: &mut impl Sink) {
        write_canonical_head(
            out,
            self.method,
            self.query,
            self.signed_headers.len(),
            |i| self.signed_header(i),
        );
    }

    /// The `i`th signed header name and the value signed for it (empty when none is sent).
    fn signed_header(&self, i: usize) -> (&'a str, &'a str) {
        let name = self.signed_headers[i];
        (name, self.header_value(name).unwrap_or(""))
    }

    /// The value this request sends for a (lower-case) header name, if it sends one.
    pub fn header_value(&self, lower_name: &str) -> Option<&'a str> {
        match lower_name {
            "content-type" => Some(self.content_type),
            "host" => Some(self.host),
            "x-tc-action" => Some(self.action),
            "x-tc-version" => Some(self.version),
            "x-tc-region" => self.region,
            "x-tc-language" => self.language,
            _ => None,
        }
    }
}

/// The signature and every intermediate value, so tests and `--dry-run` can show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub canonical_request: String,
    pub hashed_canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
    pub authorization: String,
    /// The headers to send, in a stable order, `Authorization` last.
    pub headers: Headers,
}

/// Signs `req` with `cred`, keeping every intermediate text. A signed header name the request
/// has no value for is signed empty. [`Signer`] computes the same signature without the texts.
pub fn sign(cred: &Credential, req: &Request<'_>) -> Signed {
    let date = date_of(req.timestamp);
    let mut canonical = String::with_capacity(256);
    req.write_canonical(&mut canonical, &sha256_hex(req.payload));
    let hashed_canonical = sha256_hex(canonical.as_bytes());
    let scope = credential_scope(date.as_str(), req.service);
    let to_sign = string_to_sign(req.timestamp, &scope, &hashed_canonical);
    let key = signing_key(cred.secret_key().expose(), date.as_str(), req.service);
    let signature = signature(&key, &to_sign);
    let timestamp = Short::number(req.timestamp);
    let headers = headers(cred, req, timestamp.as_str(), date.as_str(), &signature);
    Signed {
        canonical_request: canonical,
        hashed_canonical_request: hashed_canonical,
        string_to_sign: to_sign,
        signature,
        authorization: headers.get("Authorization").unwrap_or_default().to_owned(),
        headers,
    }
}

/// Signs for one credential, keeping the derived key of the UTC day it last signed for and
/// the hashed head of the canonical request (the same for every request of a client but its
/// payload): a signature is then two SHA-256 hashes and one HMAC, and computing it
/// allocates nothing.
pub struct Signer {
    credential: Credential,
    kept: Mutex<Kept>,
}

/// What a [`Signer`] keeps from one signature to the next.
#[derive(Default)]
struct Kept {
    day_key: Option<DayKey>,
    head: Option<CanonicalHead>,
}

/// The canonical request up to its payload's hash, hashed, with what it was made from.
struct CanonicalHead {
    method: String,
    query: String,
    /// The signed headers' names and values, as the request gave them.
    headers: Vec<(String, String)>,
    hashed: Sha256,
}

impl CanonicalHead {
    fn of(req: &Request<'_>) -> CanonicalHead {
        let mut hashed = Sha256::new();
        req.write_canonical_head(&mut hashed);
        CanonicalHead {
            method: req.method.to_owned(),
            query: req.query.to_owned(),
            headers: (0..req.signed_headers.len())
                .map(|i| req.signed_header(i))
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect(),
            hashed,
        }
    }

    fn fits(&self, req: &Request<'_>) -> bool {
        same(&self.method, req.method)
            && same(&self.query, req.query)
            && self.headers.len() == req.signed_headers.len()
            && self.headers.iter().enumerate().all(|(i, (name, value))| {
                let (n, v) = req.signed_header(i);
                same(name, n) && same(value, v)
            })
    }
}

/// `a == b` compared in place: the texts checked on every signature are a few bytes long,
/// shorter than a call into the C library's `memcmp` costs.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// `SecretSigning` for one (UTC day, service), as an HMAC already keyed with it.
struct DayKey {
    day: i64,
    /// The day as `YYYY-MM-DD`, as the scope and the `Authorization` header name it.
    date: Short,
    service: String,
    mac: HmacSha256,
}

/// One signature computed by a [`Signer`], with the texts its headers repeat.
struct Signature {
    hex: Hex,
    timestamp: Short,
    date: Short,
}

impl Signer {
    pub fn new(credential: Credential) -> Signer {
        Signer {
            credential,
            kept: Mutex::default(),
        }
    }

    /// The lower-case hex signature of `req`, byte for byte the one [`sign`] computes.
    pub fn signature(&self, req: &Request<'_>) -> Hex {
        self.sign(req).hex
    }

    /// The headers to send, `Authorization` last, as [`sign`] gives them.
    pub fn headers(&self, req: &Request<'_>) -> Headers {
        let signed = self.sign(req);
        headers(
            &self.credential,
            req,
            signed.timestamp.as_str(),
            signed.date.as_str(),
            signed.hex.as_str(),
        )
    }

    fn sign(&self, req: &Request<'_>) -> Signature {
        let payload_hash = hex_of(&Sha256::digest(req.payload).into());
        let (mut canonical, mut mac, date) = self.kept(req);
        Digest::update(&mut canonical, payload_hash.0);
        let hashed_canonical = hex_of(&canonical.finalize().into());
        let timestamp = Short::number(req.timestamp);
        write_string_to_sign(
            &mut mac,
            timestamp.as_str(),
            &[date.as_str(), "/", req.service, "/tc3_request"],
            hashed_canonical.as_str(),
        );
        Signature {
            hex: hex_of(&mac.finalize().into_bytes().into()),
            timestamp,
            date,
        }
    }

    /// The canonical request's head hashed, and the HMAC keyed for `req`'s day with that
    /// day's date: kept ones when they fit, else made and kept.
    fn kept(&self, req: &Request<'_>) -> (Sha256, HmacSha256, Short) {
        let day = req.timestamp.div_euclid(86_400);
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let head = match &kept.head {
            Some(head) if head.fits(req) => head.hashed.clone(),
            _ => kept.head.insert(CanonicalHead::of(req)).hashed.clone(),
        };
        let key = match &kept.day_key {
            Some(key) if key.day == day && same(&key.service, req.service) => key,
            _ => {
                let date = date_of(req.timestamp);
                let secret = self.credential.secret_key();
                let key = signing_key(secret.expose(), date.as_str(), req.service);
                kept.day_key.insert(DayKey {
                    day,
                    date,
                    service: req.service.to_owned(),
                    mac: keyed(&key),
                })
            }
        };
        (head, key.mac.clone(), key.date)
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("credential", &self.credential)
            .finish_non_exhaustive()
    }
}

/// The headers to send for `req` signed with `signature` at `timestamp` (its decimal text), on
/// `date` (its UTC day, `YYYY-MM-DD`).
fn headers(
    cred: &Credential,
    req: &Request<'_>,
    timestamp: &str,
    date: &str,
    signature: &str,
) -> Headers {
    let values = [
        req.content_type,
        req.host,
        req.action,
        req.version,
        timestamp,
        req.region.unwrap_or_default(),
        cred.token.as_deref().unwrap_or_default(),
        req.language.unwrap_or_default(),
    ];
    let scope = [" Credential=", &cred.secret_id, "/", date, "/", req.service];
    let names: usize = req.signed_headers.iter().map(|n| n.len() + 1).sum();
    // The algorithm and the fixed text around the names and the signature: 55 bytes.
    let room = scope.iter().map(|p| p.len()).sum::<usize>() + names + signature.len() + 55;
    Headers::new(values, room, |out| {
        for part in [ALGORITHM].iter().chain(&scope) {
            out.push_str(part);
        }
        out.push_str("/tc3_request, SignedHeaders=");
        write_names(out, req.signed_headers.len(), |i| req.signed_headers[i]);
        for part in [", Signature=", signature] {
            out.push_str(part);
        }
    })
}

/// Where canonical text goes: a `String` to show it, or a hash to sign it without building it.
trait Sink {
    fn put(&mut self, text: &str);
}

impl Sink for String {
    fn put(&mut self, text: &str) {
        self.push_str(text);
    }
}

impl Sink for Sha256 {
    fn put(&mut self, text: &str) {
        Digest::update(self, text.as_bytes());
    }
}

impl Sink for HmacSha256 {
    fn put(&mut self, text: &str) {
        Mac::update(self, text.as_bytes());
    }
}

/// `signed` holds (lower-case name, raw value) pairs; they are sorted here as the service does.
pub fn canonical_request(
    method: &str,
    query: &str,
    signed: &[(&str, &str)],
    payload_hash: &str,
) -> String {
    let mut out = String::with_capacity(256);
    write_canonical_head(&mut out, method, query, signed.len(), |i| signed[i]);
    out.push_str(payload_hash);
    out
}

/// The canonical request of the `count` headers `header(i)` gives, in name order, but its
/// last line, the payload's hash.
fn write_canonical_head<'h>(
    out: &mut impl Sink,
    method: &str,
    query: &str,
    count: usize,
    header: impl Fn(usize) -> (&'h str, &'h str),
) {
    for part in [method, "\n/\n", query, "\n"] {
        out.put(part);
    }
    for i in name_order(count, |i| header(i).0) {
        let (name, value) = header(i);
        put_ascii_lower(out, name);
        out.put(":");
        let value = value.trim();
        if value.is_ascii() {
            put_ascii_lower(out, value);
        } else {
            out.put(&value.to_lowercase());
        }
        out.put("\n");
    }
    out.put("\n");
    write_names(out, count, |i| header(i).0);
    out.put("\n");
}

/// The lower-case names joined by `;`, in name order.
fn write_names<'h>(out: &mut impl Sink, count: usize, name: impl Fn(usize) -> &'h str) {
    for (n, i) in name_order(count, &name).enumerate() {
        if n > 0 {
            out.put(";");
        }
        put_ascii_lower(out, name(i));
    }
}

/// Indices in the order of a stable sort by lower-case name, without allocating: a request
/// signs a handful of headers, so choosing the next one each time costs nothing.
fn name_order<'h>(count: usize, name: impl Fn(usize) -> &'h str) -> impl Iterator<Item = usize> {
    let before = move |a: usize, b: usize| {
        let lower = |i: usize| name(i).bytes().map(|c| c.to_ascii_lowercase());
        lower(a).cmp(lower(b)).then(a.cmp(&b)).is_lt()
    };
    let mut last: Option<usize> = None;
    std::iter::from_fn(move || {
        let next = (0..count)
            .filter(|&i| last.is_none_or(|l| before(l, i)))
            .reduce(|m, i| if before(i, m) { i } else { m })?;
        last = Some(next);
        Some(next)
    })
}

/// Writes `text` with ASCII capitals lowered, in runs, without a copy.
fn put_ascii_lower(out: &mut impl Sink, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(|c: char| c.is_ascii_uppercase()) {
        out.put(&rest[..at]);
        let mut buf = [0u8; 4];
        out.put(char::from(rest.as_bytes()[at].to_ascii_lowercase()).encode_utf8(&mut buf));
        rest = &rest[at + 1..];
    }
    out.put(rest);
}

pub fn credential_scope(date: &str, service: &str) -> String {
    format!("{date}/{service}/tc3_request")
}

pub fn string_to_sign(timestamp: i64, scope: &str, hashed_canonical: &str) -> String {
    let mut out = String::with_capacity(128);
    let timestamp = Short::number(timestamp);
    write_string_to_sign(&mut out, timestamp.as_str(), &[scope], hashed_canonical);
    out
}

/// The string to sign; the scope is given in parts so signing need not join them.
fn write_string_to_sign(
    out: &mut impl Sink,
    timestamp: &str,
    scope: &[&str],
    hashed_canonical: &str,
) {
    out.put(ALGORITHM);
    out.put("\n");
    out.put(timestamp);
    out.put("\n");
    for part in scope {
        out.put(part);
    }
    out.put("\n");
    out.put(hashed_canonical);
}

/// SecretSigning = HMAC(HMAC(HMAC("TC3" + key, date), service), "tc3_request").
pub fn signing_key(secret_key: &str, date: &str, service: &str) -> [u8; 32] {
    let mut prefixed = Vec::with_capacity(3 + secret_key.len());
    prefixed.extend_from_slice(b"TC3");
    prefixed.extend_from_slice(secret_key.as_bytes());
    let secret_date = hmac(&prefixed, date.as_bytes());
    let secret_service = hmac(&secret_date, service.as_bytes());
    hmac(&secret_service, b"tc3_request")
}

pub fn signature(signing_key: &[u8], string_to_sign: &str) -> String {
    hex::encode(hmac(signing_key, string_to_sign.as_bytes()))
}

/// A SHA-256 or HMAC-SHA256 value as lower-case hex, kept on the stack.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Hex([u8; 64]);

impl Hex {
    pub fn as_str(&self) -> &str {
        // Only hex digits are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lower-case hex of a 32-byte digest, by arithmetic over fixed-size arrays so that the
/// compiler can do it 16 bytes at a time.
fn hex_of(digest: &[u8; 32]) -> Hex {
    // 0..=9 to '0'..='9', 10..=15 to 'a'..='f' ('a' is 39 past '0' + 10), without a branch.
    let digit = |n: u8| n + b'0' + ((n + 6) >> 4) * 39;
    let mut out = [0u8; 64];
    for (i, byte) in digest.iter().enumerate() {
        out[2 * i] = digit(byte >> 4);
        out[2 * i + 1] = digit(byte & 0x0f);
    }
    Hex(out)
}

/// A short text written on the stack: a timestamp or a date, so signing neither allocates
/// nor goes through `core::fmt`.
#[derive(Clone, Copy)]
struct Short {
    buf: [u8; 24],
    len: usize,
}

impl Short {
    fn new() -> Short {
        Short {
            buf: [0; 24],
            len: 0,
        }
    }

    /// The decimal text of `n`.
    fn number(n: i64) -> Short {
        let mut out = Short::new();
        if n < 0 {
            out.push(b'-');
        }
        out.digits(n.unsigned_abs(), 1);
        out
    }

    /// `n` in decimal, zero-padded to `width` digits at least.
    fn digits(&mut self, n: u64, width: usize) {
        let mut tmp = [b'0'; 20];
        let mut at = tmp.len();
        let mut rest = n;
        while rest > 0 || tmp.len() - at < width {
            at -= 1;
            tmp[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        for &b in &tmp[at..] {
            self.push(b);
        }
    }

    /// Appends a byte; past the end (longer than any i64 or date) it is dropped.
    fn push(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

/// The parts of an `Authorization` header, for the simulator's verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    pub secret_id: &'a str,
    pub date: &'a str,
    pub service: &'a str,
    pub signed_headers: Vec<&'a str>,
    pub signature: &'a str,
}

/// Parses `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=HEX`.
pub fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix(ALGORITHM)?.trim_start();
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (key, val) = part.trim().split_once('=')?;
        match key {
            "Credential" => credential = Some(val),
            "SignedHeaders" => signed = Some(val),
            "Signature" => signature = Some(val),
            _ => return None,
        }
    }
    let mut scope = credential?.rsplitn(4, '/');
    if scope.next()? != "tc3_request" {
        return None;
    }
    let service = scope.next()?;
    let date = scope.next()?;
    let secret_id = scope.next()?;
    Some(Authorization {
        secret_id,
        date,
        service,
        signed_headers: signed?.split(';').collect(),
        signature: signature?,
    })
}

/// The product name the service expects in the scope: the first label of the API host.
pub fn service_of(host: &str) -> &str {
    let bare = host
        .strip_prefix("https://")
        .or_else(|| host.strip_prefix("http://"))
        .unwrap_or(host);
    match bare.split_once('.') {
        // An IP or `localhost[:port]` is a simulator standing in for `ccc`.
        Some((first, _)) if !first.chars().all(|c| c.is_ascii_digit()) => first,
        _ => "ccc",
    }
}

/// UTC calendar date of a Unix timestamp as YYYY-MM-DD (never local time).
pub fn utc_date(timestamp: i64) -> String {
    date_of(timestamp).as_str().to_owned()
}

fn date_of(timestamp: i64) -> Short {
    let (y, m, d) = civil_from_days(timestamp.div_euclid(86_400));
    let mut out = Short::new();
    if y < 0 {
        out.push(b'-');
    }
    out.digits(y.unsigned_abs(), 4);
    out.push(b'-');
    out.digits(u64::from(m), 2);
    out.push(b'-');
    out.digits(u64::from(d), 2);
    out
}

// Howard Hinnant's days-to-civil algorithm: proleptic Gregorian, exact for any i64 day.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub(crate) fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

fn keyed(key: &[u8]) -> HmacSha256 {
    <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC accepts any key length")
}

/// Constant-time comparison, so the verifier does not leak how much of a signature matched.
pub fn same_signature(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests;
