//! What a request asks, in any of the forms the official SDKs send: a JSON body signed with
//! TC3-HMAC-SHA256 (the default), GET with the parameters in the query (TC3 too), or the older
//! HmacSHA256 signature over form-encoded parameters (GET query or POST form body) that carry
//! the action and version themselves.

use axum::http::{HeaderMap, Method, Uri, header};
use serde_json::{Map, Value};

use super::auth::V1_COMMON;
use super::params;

/// How the request is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signing {
    /// TC3-HMAC-SHA256 in the Authorization header.
    Tc3,
    /// The older signature in the parameters, all of which are kept here to verify it.
    Hmac(Vec<(String, String)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    /// Empty when the request names none.
    pub action: String,
    pub version: Option<String>,
    /// The action's parameters: an object, or the body as a string when it is not JSON.
    pub params: Value,
    pub signing: Signing,
}

fn text(v: &axum::http::HeaderValue) -> String {
    String::from_utf8_lossy(v.as_bytes()).into_owned()
}

/// Reads a request as received.
pub fn read(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Incoming {
    let header = |name: &str| headers.get(name).map(text);
    let form_body = header(header::CONTENT_TYPE.as_str())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let form: Option<Vec<(String, String)>> = if method == Method::GET {
        Some(serde_urlencoded::from_str(uri.query().unwrap_or("")).unwrap_or_default())
    } else if form_body {
        Some(serde_urlencoded::from_bytes(body).unwrap_or_default())
    } else {
        None
    };
    let Some(pairs) = form else {
        return Incoming {
            action: header("x-tc-action").unwrap_or_default(),
            version: header("x-tc-version"),
            params: serde_json::from_slice(body)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned())),
            signing: Signing::Tc3,
        };
    };
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let tc3 = headers.contains_key(header::AUTHORIZATION);
    let (action, version, own): (_, _, Vec<(String, String)>) = if tc3 {
        (header("x-tc-action"), header("x-tc-version"), pairs.clone())
    } else {
        let own = pairs
            .iter()
            .filter(|(k, _)| !V1_COMMON.contains(&k.as_str()))
            .cloned()
            .collect();
        (param("Action"), param("Version"), own)
    };
    let action = action.unwrap_or_default();
    let params = params::from_form(params::schema(&action), &own);
    Incoming {
        action,
        version,
        params: Value::Object(params),
        signing: if tc3 {
            Signing::Tc3
        } else {
            Signing::Hmac(pairs)
        },
    }
}

impl Incoming {
    /// The parameters as an object; an empty body counts as no parameters.
    pub fn object(&self) -> Option<Map<String, Value>> {
        match &self.params {
            Value::Object(m) => Some(m.clone()),
            Value::String(s) if s.trim().is_empty() => Some(Map::new()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sdk_form_is_read() {
        let mut h = HeaderMap::new();
        h.insert("x-tc-action", "DescribeTelSession".parse().unwrap());
        let json = read(
            &Method::POST,
            &"/".parse().unwrap(),
            &h,
            br#"{"SdkAppId": 1}"#,
        );
        assert_eq!(
            (json.action.as_str(), &json.signing),
            ("DescribeTelSession", &Signing::Tc3)
        );
        assert_eq!(json.params["SdkAppId"], 1);

        h.insert(header::AUTHORIZATION, "TC3-HMAC-SHA256 x".parse().unwrap());
        let uri: Uri = "/?SdkAppId=1&SessionId=a%20b".parse().unwrap();
        let get = read(&Method::GET, &uri, &h, b"");
        assert_eq!(get.signing, Signing::Tc3);
        assert_eq!(get.params["SessionId"], "a b");
        assert_eq!(get.params["SdkAppId"], 1);

        let v1: Uri = "/?Action=HangUpCall&Version=2020-02-10&SdkAppId=1&SessionId=s&Signature=x"
            .parse()
            .unwrap();
        let old = read(&Method::GET, &v1, &HeaderMap::new(), b"");
        assert_eq!(old.action, "HangUpCall");
        assert_eq!(old.version.as_deref(), Some("2020-02-10"));
        assert!(matches!(old.signing, Signing::Hmac(ref p) if p.len() == 5));
        assert_eq!(
            old.params,
            serde_json::json!({"SdkAppId": 1, "SessionId": "s"})
        );
        assert_eq!(old.object().unwrap().len(), 2);
    }
}
