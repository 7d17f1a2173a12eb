//! TC3-HMAC-SHA256, the request signature of Tencent Cloud API 3.0.
//!
//! Everything here is a pure function of its inputs (no clock, no IO), so the client, the
//! simulator's verifier and the test vectors all go through the same code.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::credentials::Credential;

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
        write_canonical(
            out,
            self.method,
            self.query,
            self.signed_headers.len(),
            |i| self.signed_header(i),
            payload_hash,
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
    pub headers: Vec<(&'static str, String)>,
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
    let headers = headers(cred, req, date.as_str(), &signature);
    Signed {
        canonical_request: canonical,
        hashed_canonical_request: hashed_canonical,
        string_to_sign: to_sign,
        signature,
        authorization: headers.last().map(|(_, v)| v.clone()).unwrap_or_default(),
        headers,
    }
}

/// Signs for one credential, keeping the derived key of the UTC day it last signed for: a
/// signature is then two SHA-256 hashes and one HMAC, and computing it allocates nothing.
pub struct Signer {
    credential: Credential,
    day_key: Mutex<Option<DayKey>>,
}

/// `SecretSigning` for one (UTC day, service), as an HMAC already keyed with it.
struct DayKey {
    day: i64,
    service: String,
    mac: HmacSha256,
}

impl Signer {
    pub fn new(credential: Credential) -> Signer {
        Signer {
            credential,
            day_key: Mutex::new(None),
        }
    }

    /// The lower-case hex signature of `req`, byte for byte the one [`sign`] computes.
    pub fn signature(&self, req: &Request<'_>) -> Hex {
        let date = date_of(req.timestamp);
        let payload_hash = hex_of(&Sha256::digest(req.payload));
        let mut canonical = Sha256::new();
        req.write_canonical(&mut canonical, payload_hash.as_str());
        let hashed_canonical = hex_of(&canonical.finalize());
        let mut mac = self.keyed_mac(req.timestamp, date.as_str(), req.service);
        write_string_to_sign(
            &mut mac,
            req.timestamp,
            &[date.as_str(), "/", req.service, "/tc3_request"],
            hashed_canonical.as_str(),
        );
        hex_of(&mac.finalize().into_bytes())
    }

    /// The headers to send, `Authorization` last, as [`sign`] gives them.
    pub fn headers(&self, req: &Request<'_>) -> Vec<(&'static str, String)> {
        let signature = self.signature(req);
        headers(
            &self.credential,
            req,
            date_of(req.timestamp).as_str(),
            signature.as_str(),
        )
    }

    fn keyed_mac(&self, timestamp: i64, date: &str, service: &str) -> HmacSha256 {
        let day = timestamp.div_euclid(86_400);
        let mut slot = self.day_key.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(key) = slot
            .as_ref()
            .filter(|k| k.day == day && k.service == service)
        {
            return key.mac.clone();
        }
        let key = signing_key(self.credential.secret_key().expose(), date, service);
        let mac = keyed(&key);
        *slot = Some(DayKey {
            day,
            service: service.to_owned(),
            mac: mac.clone(),
        });
        mac
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("credential", &self.credential)
            .finish_non_exhaustive()
    }
}

/// The headers to send for `req` signed with `signature`, in a stable order.
fn headers(
    cred: &Credential,
    req: &Request<'_>,
    date: &str,
    signature: &str,
) -> Vec<(&'static str, String)> {
    let mut authorization = String::with_capacity(192);
    for part in [ALGORITHM, " Credential=", &cred.secret_id, "/", date, "/"] {
        authorization.push_str(part);
    }
    for part in [req.service, "/tc3_request, SignedHeaders="] {
        authorization.push_str(part);
    }
    write_names(&mut authorization, req.signed_headers.len(), |i| {
        req.signed_headers[i]
    });
    authorization.push_str(", Signature=");
    authorization.push_str(signature);

    let mut headers = Vec::with_capacity(9);
    headers.extend([
        ("Content-Type", req.content_type.to_string()),
        ("Host", req.host.to_string()),
        ("X-TC-Action", req.action.to_string()),
        ("X-TC-Version", req.version.to_string()),
        ("X-TC-Timestamp", req.timestamp.to_string()),
    ]);
    if let Some(region) = req.region.filter(|r| !r.is_empty()) {
        headers.push(("X-TC-Region", region.to_string()));
    }
    if let Some(token) = cred.token.as_deref().filter(|t| !t.is_empty()) {
        headers.push(("X-TC-Token", token.to_string()));
    }
    if let Some(language) = req.language.filter(|l| !l.is_empty()) {
        headers.push(("X-TC-Language", language.to_string()));
    }
    headers.push(("Authorization", authorization));
    headers
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
    write_canonical(
        &mut out,
        method,
        query,
        signed.len(),
        |i| signed[i],
        payload_hash,
    );
    out
}

/// The canonical request of the `count` headers `header(i)` gives, in name order.
fn write_canonical<'h>(
    out: &mut impl Sink,
    method: &str,
    query: &str,
    count: usize,
    header: impl Fn(usize) -> (&'h str, &'h str),
    payload_hash: &str,
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
    out.put(payload_hash);
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
    write_string_to_sign(&mut out, timestamp, &[scope], hashed_canonical);
    out
}

/// The string to sign; the scope is given in parts so signing need not join them.
fn write_string_to_sign(
    out: &mut impl Sink,
    timestamp: i64,
    scope: &[&str],
    hashed_canonical: &str,
) {
    out.put(ALGORITHM);
    out.put("\n");
    out.put(Short::of(format_args!("{timestamp}")).as_str());
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

fn hex_of(digest: &[u8]) -> Hex {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [b'0'; 64];
    for (pair, byte) in out.chunks_exact_mut(2).zip(digest) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0f)];
    }
    Hex(out)
}

/// A short text formatted on the stack: a timestamp or a date, so signing does not allocate.
struct Short {
    buf: [u8; 24],
    len: usize,
}

impl Short {
    /// The text of `args`, cut short if it were longer than any i64 or date can be.
    fn of(args: fmt::Arguments<'_>) -> Short {
        let mut out = Short {
            buf: [0; 24],
            len: 0,
        };
        let _ = fmt::Write::write_fmt(&mut out, args);
        out
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

impl fmt::Write for Short {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let room = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        room.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
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
    Short::of(format_args!("{y:04}-{m:02}-{d:02}"))
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
mod tests {
    use super::*;

    const V_PAYLOAD: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    const C_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
    const C_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

    fn cvm(payload: &'static str, signed: &'static [&'static str]) -> Request<'static> {
        Request {
            method: "POST",
            host: "cvm.tencentcloudapi.com",
            service: "cvm",
            action: "DescribeInstances",
            version: "2017-03-12",
            region: Some("ap-guangzhou"),
            language: None,
            timestamp: 1_551_113_065,
            content_type: "application/json; charset=utf-8",
            query: "",
            payload: payload.as_bytes(),
            signed_headers: signed,
        }
    }

    #[test]
    fn v1_official_example_signs_x_tc_action() {
        let cred =
            Credential::new(format!("AKID{}", "*".repeat(32)), "*".repeat(32), None).unwrap();
        let req = cvm(V_PAYLOAD, &["content-type", "host", "x-tc-action"]);
        assert_eq!(V_PAYLOAD.len(), 86);
        assert_eq!(
            sha256_hex(req.payload),
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        let s = sign(&cred, &req);
        assert_eq!(
            s.canonical_request,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        assert_eq!(
            s.hashed_canonical_request,
            "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
        );
        assert_eq!(
            s.string_to_sign,
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
        );
        assert_eq!(
            s.signature,
            "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
        );
        assert_eq!(
            s.authorization,
            format!(
                "TC3-HMAC-SHA256 Credential=AKID{}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f",
                "*".repeat(32)
            )
        );
    }

    #[test]
    fn v1_intermediate_keys() {
        let date = hmac(format!("TC3{}", "*".repeat(32)).as_bytes(), b"2019-02-25");
        assert_eq!(
            hex::encode(date),
            "da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0"
        );
        let service = hmac(&date, b"cvm");
        assert_eq!(
            hex::encode(service),
            "8d70cbefb03939f929db64d32dc2ba89b1095620119fe3e050e2b18c5bd2752f"
        );
        assert_eq!(
            hex::encode(signing_key(&"*".repeat(32), "2019-02-25", "cvm")),
            "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af"
        );
    }

    #[test]
    fn v2_english_example_default_signed_headers() {
        let cred = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
        let s = sign(&cred, &cvm(V_PAYLOAD, DEFAULT_SIGNED_HEADERS));
        assert_eq!(
            s.canonical_request,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        assert_eq!(
            s.hashed_canonical_request,
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        assert_eq!(
            hex::encode(signing_key(C_KEY, "2019-02-25", "cvm")),
            "ac658d5dde49e9bfdd14e04e062f66b05d9f637d44b8a8d845327d4a77f666b1"
        );
        assert_eq!(
            s.signature,
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    struct Vector {
        host: &'static str,
        ts: i64,
        body: &'static str,
        payload_hash: &'static str,
        hashed_canonical: &'static str,
        signature: &'static str,
    }

    const C3_BODY: &str = r#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678"}"#;

    const CCC_VECTORS: &[Vector] = &[
        Vector {
            host: "ccc.intl.tencentcloudapi.com",
            ts: 1_551_113_065,
            body: r#"{"SdkAppId": 1400000000, "AIAgentId": 15, "Callee": "008613012345678", "Callers": ["008601012345678"], "Variables": [{"Key": "name", "Value": "Alice"}], "MaxRingTimeoutSecond": 30}"#,
            payload_hash: "75c906ebd7dbf13716c483bc265f02176a93c1ebe910132c07edde399d3060c3",
            hashed_canonical: "6b9e1d84dbb289f9f531d0aeec597e0619ad162d65b635a31ced8b202c4cfc27",
            signature: "300a8c0871a1b244bddc8ab562075b30bb0151f54a2f242011453f8acabe92bf",
        },
        Vector {
            host: "ccc.intl.tencentcloudapi.com",
            ts: 1_551_113_065,
            body: r#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678","Callers":["008601012345678"],"Variables":[{"Key":"name","Value":"Alice"}],"MaxRingTimeoutSecond":30}"#,
            payload_hash: "797f931e48c4c6c3efa62feab2f23911e3aa78b82d010c1d87f94f453837f830",
            hashed_canonical: "6bd6a0d034c73a735e2f7fdf3f60adddb593243ca8d18950015c6e966a380d7e",
            signature: "6ea7cbc422255974d55569709271a67a0c834aa405daad04a9afca3a427eea13",
        },
        Vector {
            host: "ccc.tencentcloudapi.com",
            ts: 1_551_113_065,
            body: C3_BODY,
            payload_hash: "177016ac2a96f89db8e2cedb371b88c25c3530c611b1ed26756d51966f852bd3",
            hashed_canonical: "f9c7f07679bf5322abbbbad7814a0f8567e8cd847585056fcf2d5572bd87b458",
            signature: "663c73c89e964cee064b6c0dae08ebe7eda0178d738787829439a90e3d4de283",
        },
        Vector {
            host: "ccc.tencentcloudapi.com",
            ts: 1_551_113_065,
            body: r#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678","Variables":[{"Key":"name","Value":"张三"}]}"#,
            payload_hash: "97a50d0fc52f0c62c85f1b94b331c99e9045f3403529209914453693c1aafd8c",
            hashed_canonical: "c8967dc7374ffa8a3b20f1c7f61e1f28e51d1223b5ee9ed5c0e1c74773e46c46",
            signature: "84c0eca539ce2a8a92cdff361815bc6a1e39966a6372db571f8317c19dcfcaf5",
        },
        Vector {
            host: "ccc.tencentcloudapi.com",
            ts: 1_700_006_399,
            body: "{}",
            payload_hash: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            hashed_canonical: "0f17126517e2a3af6fb88c31fbb9725201c72a265c090ffee51611e233e41b92",
            signature: "5ebf506cd4b58673e1b9a6c6bd46d14e82f11bb7be4bfbee0f5760628e298d49",
        },
        Vector {
            host: "ccc.tencentcloudapi.com",
            ts: 1_700_006_400,
            body: "{}",
            payload_hash: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            hashed_canonical: "0f17126517e2a3af6fb88c31fbb9725201c72a265c090ffee51611e233e41b92",
            signature: "5e370131d8d57d5028568772736281ac43761e476899e41ac1bd3204e8cd350b",
        },
        Vector {
            host: "http://127.0.0.1:18081",
            ts: 1_551_113_065,
            body: C3_BODY,
            payload_hash: "177016ac2a96f89db8e2cedb371b88c25c3530c611b1ed26756d51966f852bd3",
            hashed_canonical: "4995d39dae679ad69d92f9f8a52d9f4fecda80d5fc1890bd3b978f3ae9155ec0",
            signature: "cb5d985f525c7054c0b087a52b9a7c720fce70bc01dd1653d2294ea5379baf98",
        },
    ];

    #[test]
    fn ccc_vectors_c1_to_c6() {
        let cred = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
        for v in CCC_VECTORS {
            let req = Request {
                service: "ccc",
                ..Request::post_json(v.host, "CreateAIAgentCall", v.ts, v.body.as_bytes())
            };
            assert_eq!(sha256_hex(req.payload), v.payload_hash, "{}", v.body);
            let s = sign(&cred, &req);
            assert_eq!(s.hashed_canonical_request, v.hashed_canonical, "{}", v.body);
            assert_eq!(s.signature, v.signature, "{} at {}", v.body, v.ts);
        }
        assert_eq!(
            hex::encode(signing_key(C_KEY, "2019-02-25", "ccc")),
            "207b6710033c3c41d90564f77ee0039c567df44281c44a97a7a8e90e7918fb38"
        );
    }

    #[test]
    fn c1_full_header_set() {
        let cred = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
        let v = &CCC_VECTORS[0];
        let req = Request {
            region: Some("ap-singapore"),
            language: Some("en-US"),
            ..Request::post_json(v.host, "CreateAIAgentCall", v.ts, v.body.as_bytes())
        };
        let s = sign(&cred, &req);
        let get = |n: &str| {
            s.headers
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("Content-Type"), Some("application/json"));
        assert_eq!(get("Host"), Some("ccc.intl.tencentcloudapi.com"));
        assert_eq!(get("X-TC-Action"), Some("CreateAIAgentCall"));
        assert_eq!(get("X-TC-Timestamp"), Some("1551113065"));
        assert_eq!(get("X-TC-Version"), Some("2020-02-10"));
        assert_eq!(get("X-TC-Region"), Some("ap-singapore"));
        assert_eq!(get("X-TC-Language"), Some("en-US"));
        assert_eq!(get("X-TC-Token"), None);
        assert_eq!(
            get("Authorization"),
            Some(
                "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/ccc/tc3_request, SignedHeaders=content-type;host, Signature=300a8c0871a1b244bddc8ab562075b30bb0151f54a2f242011453f8acabe92bf"
            )
        );
    }

    #[test]
    fn token_is_sent_but_not_signed() {
        let plain = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
        let temp = Credential::new(C_ID.into(), C_KEY.into(), Some("tok".into())).unwrap();
        let req = Request::post_json("ccc.tencentcloudapi.com", "HangUpCall", 1, b"{}");
        let (a, b) = (sign(&plain, &req), sign(&temp, &req));
        assert_eq!(a.signature, b.signature);
        assert!(b.headers.contains(&("X-TC-Token", "tok".into())));
    }

    #[test]
    fn c7_get_describe_tel_session() {
        let cred = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
        let req = Request {
            method: "GET",
            content_type: "application/x-www-form-urlencoded",
            query: "SdkAppId=1400000000&SessionId=6bb56a09-2787-40bc-80c5-dc6dab783eff",
            ..Request::post_json(
                "ccc.intl.tencentcloudapi.com",
                "DescribeTelSession",
                1_551_113_065,
                b"",
            )
        };
        let s = sign(&cred, &req);
        assert!(s.canonical_request.ends_with(EMPTY_PAYLOAD_HASH));
        assert_eq!(
            s.hashed_canonical_request,
            "71e28bb7b1aea2e83a87124614ba5b0ebcce741b165ded5e7d80dd7238b82a64"
        );
        assert_eq!(
            s.signature,
            "159cf0d91875ce98640fbcdab706f59307b330c024946b26f5df76411f7de870"
        );
    }

    /// The cached-key path gives what the step-by-step path gives, headers included.
    fn same_as_sign(signer: &Signer, cred: &Credential, req: &Request<'_>) {
        let full = sign(cred, req);
        assert_eq!(signer.signature(req).as_str(), full.signature, "{req:?}");
        assert_eq!(signer.headers(req), full.headers, "{req:?}");
    }

    #[test]
    fn signer_matches_the_vectors_across_days_and_services() {
        let cred = Credential::new(C_ID.into(), C_KEY.into(), Some("tok".into())).unwrap();
        let signer = Signer::new(cred.clone());
        // 1_700_006_399 and 1_700_006_400 straddle a UTC midnight: the kept key must change.
        for v in CCC_VECTORS.iter().chain(CCC_VECTORS) {
            let req = Request {
                service: "ccc",
                ..Request::post_json(v.host, "CreateAIAgentCall", v.ts, v.body.as_bytes())
            };
            assert_eq!(signer.signature(&req).as_str(), v.signature);
            same_as_sign(&signer, &cred, &req);
        }
        let other = Signer::new(Credential::new(C_ID.into(), "another-key".into(), None).unwrap());
        let req = Request::post_json("ccc.tencentcloudapi.com", "X", 1_551_113_065, b"{}");
        assert_ne!(other.signature(&req), signer.signature(&req));
        let cvm = cvm(V_PAYLOAD, DEFAULT_SIGNED_HEADERS);
        assert_eq!(
            signer.signature(&cvm).as_str(),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn signer_sorts_and_lowers_names_and_values_as_the_service_does() {
        let cred = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
        let signer = Signer::new(cred.clone());
        for names in [
            &["host", "content-type"][..],
            &["X-TC-Action", "Host", "content-type"],
            &[
                "x-tc-region",
                "x-tc-action",
                "x-tc-language",
                "host",
                "content-type",
            ],
            &["host", "host", "content-type", "x-unknown"],
            &[],
        ] {
            let req = Request {
                host: "CCC.Example.COM",
                region: Some(" Ap-Singapore "),
                language: Some("Ünïcode-ΣΑΣ"),
                signed_headers: names,
                ..cvm(V_PAYLOAD, names)
            };
            same_as_sign(&signer, &cred, &req);
        }
    }

    proptest::proptest! {
        #[test]
        fn signer_equals_the_step_by_step_signature(
            ts in -100_000_000_000i64..100_000_000_000,
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
            host in "[A-Za-z0-9.:-]{1,30}",
            region in proptest::option::of("\\PC{0,12}"),
            picks in proptest::collection::vec(0usize..6, 0..8),
        ) {
            const NAMES: [&str; 6] =
                ["content-type", "Host", "x-tc-action", "X-TC-Region", "x-tc-language", "x-other"];
            let names: Vec<&str> = picks.iter().map(|&i| NAMES[i]).collect();
            let cred = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
            let req = Request {
                region: region.as_deref(),
                language: Some("en-US"),
                signed_headers: &names,
                ..Request::post_json(&host, "CreateAIAgentCall", ts, &body)
            };
            same_as_sign(&Signer::new(cred.clone()), &cred, &req);
        }
    }

    #[test]
    fn signer_debug_hides_the_key() {
        let signer = Signer::new(Credential::new(C_ID.into(), C_KEY.into(), None).unwrap());
        let req = Request::post_json("ccc.tencentcloudapi.com", "X", 1, b"{}");
        signer.signature(&req);
        let shown = format!("{signer:?}");
        assert!(shown.contains(C_ID) && !shown.contains(C_KEY), "{shown}");
    }

    #[test]
    fn utc_date_never_local() {
        assert_eq!(utc_date(1_551_113_065), "2019-02-25");
        assert_eq!(utc_date(1_700_006_399), "2023-11-14");
        assert_eq!(utc_date(1_700_006_400), "2023-11-15");
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(-1), "1969-12-31");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
    }

    #[test]
    fn authorization_round_trips() {
        let cred = Credential::new(C_ID.into(), C_KEY.into(), None).unwrap();
        let s = sign(
            &cred,
            &Request::post_json("ccc.tencentcloudapi.com", "X", 1_551_113_065, b"{}"),
        );
        let a = parse_authorization(&s.authorization).unwrap();
        assert_eq!(a.secret_id, C_ID);
        assert_eq!(a.date, "2019-02-25");
        assert_eq!(a.service, "ccc");
        assert_eq!(a.signed_headers, vec!["content-type", "host"]);
        assert_eq!(a.signature, s.signature);
        assert!(parse_authorization("Basic abc").is_none());
        assert!(parse_authorization("TC3-HMAC-SHA256 Credential=x/y, Signature=z").is_none());
    }

    #[test]
    fn service_is_the_first_host_label() {
        assert_eq!(service_of("ccc.intl.tencentcloudapi.com"), "ccc");
        assert_eq!(service_of("cvm.tencentcloudapi.com"), "cvm");
        assert_eq!(service_of("127.0.0.1:8080"), "ccc");
        assert_eq!(service_of("http://127.0.0.1:18081"), "ccc");
        assert_eq!(service_of("localhost:9"), "ccc");
    }

    #[test]
    fn constant_time_compare() {
        assert!(same_signature("abc", "abc"));
        assert!(!same_signature("abc", "abd"));
        assert!(!same_signature("abc", "ab"));
    }
}
