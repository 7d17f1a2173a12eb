//! The API endpoint: a host or URL from the flags or settings, turned into the URL requests go
//! to and the Host header they sign. Signed requests travel over https; plain http is allowed
//! only to this machine (a local simulator).

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;

pub const INTERNATIONAL_HOST: &str = "ccc.intl.tencentcloudapi.com";
pub const MAINLAND_HOST: &str = "ccc.tencentcloudapi.com";

/// Which published API model a service follows; the international one lacks a few actions
/// and fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Flavour {
    /// ccc.intl.tencentcloudapi.com
    #[default]
    International,
    /// ccc.tencentcloudapi.com
    Mainland,
}

impl Flavour {
    /// The flavour of the service at `host_or_url`: mainland for its host, else international.
    pub fn of_endpoint(host_or_url: &str) -> Flavour {
        let host = host_or_url
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .split(['/', ':'])
            .next()
            .unwrap_or("");
        if host.eq_ignore_ascii_case(MAINLAND_HOST) {
            Flavour::Mainland
        } else {
            Flavour::International
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Flavour::International => "international",
            Flavour::Mainland => "mainland",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Scheme, host and port, with the path `/` the API is served at.
    pub url: Url,
    /// `host[:port]` as sent and signed; the port only when it is not the scheme's default.
    pub host_header: String,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.url.as_str())
    }
}

/// Accepts a bare host (`ccc.intl.tencentcloudapi.com`, `127.0.0.1:8080`), an `https://` URL,
/// or an `http://` URL to a loopback host (127.0.0.0/8, ::1, localhost).
pub fn endpoint_url(input: &str) -> Result<Endpoint, String> {
    let text = input.trim();
    if text.is_empty() {
        return Err(
            "the endpoint is empty; give a host such as ccc.intl.tencentcloudapi.com or an https:// URL"
                .to_string(),
        );
    }
    // Without a scheme, `localhost:8080` would parse as the scheme `localhost`.
    let url = if text.contains("://") {
        Url::parse(text)
    } else {
        Url::parse(&format!("https://{text}"))
    }
    .map_err(|e| format!("endpoint `{text}` is not a valid host or URL: {e}"))?;

    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(format!(
                "endpoint `{text}` uses plain http to a host other than this machine: a signed \
                 request would travel in the clear; use https"
            ));
        }
        other => {
            return Err(format!(
                "endpoint `{text}` has the scheme `{other}`; use https (or http to \
                 127.0.0.1 or localhost for a local simulator)"
            ));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "endpoint `{text}` carries a user name or password; remove it"
        ));
    }
    if url.path() != "/" {
        return Err(format!(
            "endpoint `{text}` has the path `{}`; the API is served at `/`, give only the host \
             (and port)",
            url.path()
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "endpoint `{text}` has a query or fragment; give only the host (and port)"
        ));
    }
    let host = url
        .host_str()
        .ok_or_else(|| format!("endpoint `{text}` has no host"))?;
    let host_header = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    Ok(Endpoint { url, host_header })
}

/// Whether the URL names this machine.
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> (String, String) {
        let e = endpoint_url(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        (e.url.to_string(), e.host_header)
    }

    fn refused(input: &str) -> String {
        match endpoint_url(input) {
            Ok(e) => panic!("{input} accepted as {e:?}"),
            Err(message) => message,
        }
    }

    #[test]
    fn bare_hosts_become_https() {
        assert_eq!(
            ok("ccc.intl.tencentcloudapi.com"),
            (
                "https://ccc.intl.tencentcloudapi.com/".into(),
                "ccc.intl.tencentcloudapi.com".into()
            )
        );
        assert_eq!(
            ok("ccc.tencentcloudapi.com/"),
            (
                "https://ccc.tencentcloudapi.com/".into(),
                "ccc.tencentcloudapi.com".into()
            )
        );
        assert_eq!(
            ok("  CCC.Intl.TencentCloudAPI.com  "),
            (
                "https://ccc.intl.tencentcloudapi.com/".into(),
                "ccc.intl.tencentcloudapi.com".into()
            )
        );
        assert_eq!(
            ok("localhost:8443"),
            ("https://localhost:8443/".into(), "localhost:8443".into())
        );
    }

    #[test]
    fn https_urls_keep_ports_but_not_default_ones() {
        assert_eq!(
            ok("https://ccc.intl.tencentcloudapi.com"),
            (
                "https://ccc.intl.tencentcloudapi.com/".into(),
                "ccc.intl.tencentcloudapi.com".into()
            )
        );
        assert_eq!(
            ok("HTTPS://example.com:443/"),
            ("https://example.com/".into(), "example.com".into())
        );
        assert_eq!(
            ok("https://example.com:8443"),
            (
                "https://example.com:8443/".into(),
                "example.com:8443".into()
            )
        );
    }

    #[test]
    fn plain_http_only_to_loopback() {
        assert_eq!(
            ok("http://127.0.0.1:8080"),
            ("http://127.0.0.1:8080/".into(), "127.0.0.1:8080".into())
        );
        assert_eq!(
            ok("HTTP://LOCALHOST:9000/"),
            ("http://localhost:9000/".into(), "localhost:9000".into())
        );
        assert_eq!(
            ok("http://127.45.6.7"),
            ("http://127.45.6.7/".into(), "127.45.6.7".into())
        );
        assert_eq!(
            ok("http://[::1]:8080"),
            ("http://[::1]:8080/".into(), "[::1]:8080".into())
        );
        assert_eq!(ok("http://[::ffff:127.0.0.1]").1, "[::ffff:7f00:1]");
        for remote in [
            "http://ccc.intl.tencentcloudapi.com",
            "http://10.0.0.1:8080",
            "http://128.0.0.1",
            "http://[::2]:80",
            "http://localhost.example.com",
            "http://0.0.0.0:8080",
        ] {
            let message = refused(remote);
            assert!(
                message.contains("in the clear") && message.contains("use https"),
                "{remote}: {message}"
            );
        }
    }

    #[test]
    fn paths_queries_users_and_garbage_are_refused() {
        assert!(refused("https://example.com/v3").contains("path `/v3`"));
        assert!(refused("example.com/ccc/").contains("path `/ccc/`"));
        assert!(refused("https://example.com/?a=b").contains("query"));
        assert!(refused("https://example.com/#x").contains("fragment"));
        assert!(refused("https://user:pw@example.com").contains("user name or password"));
        assert!(refused("ftp://example.com").contains("scheme `ftp`"));
        assert!(refused("").contains("empty"));
        assert!(refused("   ").contains("empty"));
        assert!(refused("https://").contains("not a valid host or URL"));
        assert!(refused("exa mple.com").contains("not a valid host or URL"));
        assert!(refused("https://example.com:99999").contains("not a valid host or URL"));
        assert!(refused("http://[::1").contains("not a valid host or URL"));
    }
}
