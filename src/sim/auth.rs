//! TC3-HMAC-SHA256 verification as the service does it, over the headers exactly as received
//! (including tccli's literal `http://127.0.0.1:PORT` Host).

use axum::http::HeaderMap;
use base64::Engine;

use super::reply::ApiError;
use crate::credentials::Credential;
use crate::tc3;

/// How far the client's X-TC-Timestamp may be from the server's clock.
pub const MAX_SKEW_SECS: i64 = 300;

const BAD_SIGNATURE: &str =
    "The provided credentials could not be validated. Please check your signature is correct.";

/// Verifies the request's signature; `now_s` is the server's real time in Unix seconds.
pub fn verify(
    headers: &HeaderMap,
    method: &str,
    query: &str,
    body: &[u8],
    cred: &Credential,
    now_s: i64,
) -> Result<(), ApiError> {
    let Some(auth_value) = header(headers, "authorization") else {
        return Err(ApiError::new(
            "AuthFailure.InvalidAuthorization",
            "The Authorization header is missing; sign the request with TC3-HMAC-SHA256.",
        ));
    };
    let Some(ts_value) = header(headers, "x-tc-timestamp") else {
        return Err(ApiError::new(
            "MissingParameter",
            "The request is missing a required parameter `Timestamp` (header X-TC-Timestamp).",
        ));
    };
    let Ok(timestamp) = ts_value.trim().parse::<i64>() else {
        return Err(ApiError::new(
            "InvalidParameter",
            format!("X-TC-Timestamp must be Unix seconds, got {ts_value:?}."),
        ));
    };
    if (now_s - timestamp).abs() > MAX_SKEW_SECS {
        return Err(ApiError::new(
            "AuthFailure.SignatureExpire",
            format!(
                "Signature expired. Timestamp:{timestamp}, Server Time:{now_s} ({} s apart; at most {MAX_SKEW_SECS} allowed). Check the client's clock.",
                (now_s - timestamp).abs()
            ),
        ));
    }
    let Some(auth) = tc3::parse_authorization(&auth_value) else {
        return Err(ApiError::new(
            "AuthFailure.InvalidAuthorization",
            "The Authorization header is malformed; expected `TC3-HMAC-SHA256 Credential=ID/DATE/ccc/tc3_request, SignedHeaders=content-type;host, Signature=HEX`.",
        ));
    };
    if auth.secret_id != cred.secret_id {
        return Err(ApiError::new(
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found, please ensure that your SecretId is correct.",
        ));
    }
    for needed in ["content-type", "host"] {
        if !auth.signed_headers.contains(&needed) {
            return Err(ApiError::new(
                "AuthFailure.SignatureFailure",
                format!("{BAD_SIGNATURE} SignedHeaders must include {needed}."),
            ));
        }
    }
    let date = tc3::utc_date(timestamp);
    if auth.date != date || auth.service != "ccc" {
        return Err(ApiError::new(
            "AuthFailure.SignatureFailure",
            format!(
                "{BAD_SIGNATURE} The credential scope must be {date}/ccc/tc3_request (the UTC date of X-TC-Timestamp), got {}/{}/tc3_request.",
                auth.date, auth.service
            ),
        ));
    }
    let values: Vec<String> = auth
        .signed_headers
        .iter()
        .map(|name| header(headers, name).unwrap_or_default())
        .collect();
    let signed: Vec<(&str, &str)> = auth
        .signed_headers
        .iter()
        .zip(&values)
        .map(|(n, v)| (*n, v.as_str()))
        .collect();
    let canonical = tc3::canonical_request(method, query, &signed, &tc3::sha256_hex(body));
    let scope = tc3::credential_scope(&date, "ccc");
    let to_sign = tc3::string_to_sign(timestamp, &scope, &tc3::sha256_hex(canonical.as_bytes()));
    let key = tc3::signing_key(cred.secret_key().expose(), &date, "ccc");
    if tc3::same_signature(&tc3::signature(&key, &to_sign), auth.signature) {
        Ok(())
    } else {
        Err(ApiError::new("AuthFailure.SignatureFailure", BAD_SIGNATURE))
    }
}

/// The parameters of the older signature (HmacSHA256 over the sorted parameters), which a
/// request carries beside the action's own; the verifier takes them out.
pub const V1_COMMON: &[&str] = &[
    "Action",
    "Version",
    "Timestamp",
    "Nonce",
    "SecretId",
    "SignatureMethod",
    "Signature",
    "Region",
    "Token",
    "Language",
    "RequestClient",
];

/// Verifies a request signed the older way (`SignatureMethod=HmacSHA256`): the signature is
/// base64 HMAC-SHA256 of `METHOD` + host + path + `?` + every other parameter as `k=v`, sorted
/// by name and joined with `&`, values decoded.
pub fn verify_v1(
    method: &str,
    host: &str,
    path: &str,
    pairs: &[(String, String)],
    cred: &Credential,
    now_s: i64,
) -> Result<(), ApiError> {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let Some(signature) = get("Signature") else {
        return Err(ApiError::new(
            "MissingParameter",
            "The request is missing a required parameter `Signature`; sign with TC3-HMAC-SHA256 (header Authorization) or HmacSHA256.",
        ));
    };
    let timestamp = get("Timestamp").unwrap_or("");
    let Ok(timestamp) = timestamp.parse::<i64>() else {
        return Err(ApiError::new(
            "InvalidParameter",
            format!("Timestamp must be Unix seconds, got {timestamp:?}."),
        ));
    };
    if (now_s - timestamp).abs() > MAX_SKEW_SECS {
        return Err(ApiError::new(
            "AuthFailure.SignatureExpire",
            format!(
                "Signature expired. Timestamp:{timestamp}, Server Time:{now_s}. Check the client's clock."
            ),
        ));
    }
    if get("SecretId") != Some(cred.secret_id.as_str()) {
        return Err(ApiError::new(
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found, please ensure that your SecretId is correct.",
        ));
    }
    match get("SignatureMethod") {
        Some("HmacSHA256") => {}
        other => {
            return Err(ApiError::new(
                "AuthFailure.SignatureFailure",
                format!(
                    "{BAD_SIGNATURE} The simulator verifies SignatureMethod HmacSHA256 and TC3-HMAC-SHA256, not {}.",
                    other.unwrap_or("HmacSHA1 (the default when SignatureMethod is absent)")
                ),
            ));
        }
    }
    let mut signed: Vec<(String, &str)> = pairs
        .iter()
        .filter(|(k, _)| k != "Signature")
        .map(|(k, v)| (k.replace('_', "."), v.as_str()))
        .collect();
    signed.sort();
    let joined: Vec<String> = signed.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let text = format!("{method}{host}{path}?{}", joined.join("&"));
    let mac = tc3::hmac(cred.secret_key().expose().as_bytes(), text.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac);
    if tc3::same_signature(&expected, signature) {
        Ok(())
    } else {
        Err(ApiError::new("AuthFailure.SignatureFailure", BAD_SIGNATURE))
    }
}

/// A header's value as received; bytes that are not UTF-8 are kept lossily, which then fails
/// the signature as the service would.
fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const C3_BODY: &str = r#"{"SdkAppId":1400000000,"AIAgentId":15,"Callee":"008613012345678"}"#;

    fn c6_headers() -> HeaderMap {
        // Vector C6: what tccli sends to `--endpoint http://127.0.0.1:18081`.
        let mut h = HeaderMap::new();
        h.insert("content-type", HeaderValue::from_static("application/json"));
        h.insert("host", HeaderValue::from_static("http://127.0.0.1:18081"));
        h.insert("x-tc-timestamp", HeaderValue::from_static("1551113065"));
        h.insert("authorization", HeaderValue::from_static(
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/ccc/tc3_request, SignedHeaders=content-type;host, Signature=cb5d985f525c7054c0b087a52b9a7c720fce70bc01dd1653d2294ea5379baf98"));
        h
    }

    fn cred() -> Credential {
        Credential::new(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE".into(),
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE".into(),
            None,
        )
        .unwrap()
    }

    #[test]
    fn vector_c6_verifies_with_the_literal_http_host() {
        let h = c6_headers();
        assert_eq!(
            verify(&h, "POST", "", C3_BODY.as_bytes(), &cred(), 1_551_113_065),
            Ok(())
        );
        let e = verify(&h, "POST", "", b"{}", &cred(), 1_551_113_065).unwrap_err();
        assert_eq!(e.code, "AuthFailure.SignatureFailure");
    }

    #[test]
    fn expiry_is_checked_on_both_sides_of_300_seconds() {
        let h = c6_headers();
        let ok = verify(
            &h,
            "POST",
            "",
            C3_BODY.as_bytes(),
            &cred(),
            1_551_113_065 + 300,
        );
        assert_eq!(ok, Ok(()));
        let e = verify(
            &h,
            "POST",
            "",
            C3_BODY.as_bytes(),
            &cred(),
            1_551_113_065 - 301,
        )
        .unwrap_err();
        assert_eq!(e.code, "AuthFailure.SignatureExpire");
    }
}
