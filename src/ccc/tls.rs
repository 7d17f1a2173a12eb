//! Which certificate authorities an https endpoint is checked against. Roots are loaded only
//! for an https endpoint, and at most once per process: a plain http endpoint (a local
//! simulator) never reads a certificate.

use std::sync::OnceLock;

use reqwest::{Certificate, ClientBuilder, Url};

/// Chooses the roots: unset or `bundled`, the Mozilla set built into the program; `system`,
/// the operating system's store (with any corporate CA added to it, or `SSL_CERT_FILE`).
pub const ROOTS_VARIABLE: &str = "CCC_DIAL_TLS_ROOTS";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Roots {
    Bundled,
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsError {
    #[error("{ROOTS_VARIABLE} is `{0}`; set it to `bundled` (the default) or `system`")]
    UnknownRoots(String),
    #[error(
        "no certificate authority could be read from the system store{detail}; install the \
         ca-certificates package, point SSL_CERT_FILE to a PEM bundle, or unset {ROOTS_VARIABLE}"
    )]
    NoSystemRoots { detail: String },
}

impl Roots {
    /// The roots an endpoint needs given the variable's value: none for plain http.
    pub fn for_endpoint(url: &Url, setting: Option<&str>) -> Result<Option<Roots>, TlsError> {
        if url.scheme() != "https" {
            return Ok(None);
        }
        match setting.map(str::trim) {
            None | Some("") | Some("bundled") => Ok(Some(Roots::Bundled)),
            Some("system") => Ok(Some(Roots::System)),
            Some(other) => Err(TlsError::UnknownRoots(other.to_string())),
        }
    }

    fn load(self) -> Result<Vec<Certificate>, TlsError> {
        let der: Vec<Certificate> = match self {
            Roots::Bundled => webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .filter_map(|c| Certificate::from_der(c).ok())
                .collect(),
            Roots::System => {
                let found = rustls_native_certs::load_native_certs();
                let certs: Vec<Certificate> = found
                    .certs
                    .iter()
                    .filter_map(|c| Certificate::from_der(c).ok())
                    .collect();
                if certs.is_empty() {
                    let detail = found
                        .errors
                        .first()
                        .map(|e| format!(" ({e})"))
                        .unwrap_or_default();
                    return Err(TlsError::NoSystemRoots { detail });
                }
                certs
            }
        };
        Ok(der)
    }

    /// This process's roots of this kind, read the first time they are asked for.
    fn certificates(self) -> Result<Vec<Certificate>, TlsError> {
        static BUNDLED: OnceLock<Result<Vec<Certificate>, TlsError>> = OnceLock::new();
        static SYSTEM: OnceLock<Result<Vec<Certificate>, TlsError>> = OnceLock::new();
        let cell = match self {
            Roots::Bundled => &BUNDLED,
            Roots::System => &SYSTEM,
        };
        cell.get_or_init(|| self.load()).clone()
    }
}

/// Gives `builder` exactly the roots `url` needs: none for plain http.
pub fn with_roots(builder: ClientBuilder, url: &Url) -> Result<ClientBuilder, TlsError> {
    let setting = std::env::var(ROOTS_VARIABLE).ok();
    let certificates = match Roots::for_endpoint(url, setting.as_deref())? {
        Some(roots) => roots.certificates()?,
        None => Vec::new(),
    };
    Ok(builder.tls_certs_only(certificates))
}

/// A hint to add to a failed connection whose cause is an unknown certificate authority.
pub fn hint(detail: &str) -> Option<String> {
    let lower = detail.to_ascii_lowercase();
    (lower.contains("unknownissuer") || lower.contains("unknown issuer")).then(|| {
        format!(
            "; if a proxy of your organisation re-signs https, add its CA to the system store \
             and set {ROOTS_VARIABLE}=system"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn plain_http_needs_no_roots_whatever_the_setting() {
        for setting in [None, Some("system"), Some("nonsense")] {
            assert_eq!(
                Roots::for_endpoint(&url("http://127.0.0.1:8080/"), setting),
                Ok(None)
            );
        }
    }

    #[test]
    fn https_uses_the_bundled_roots_unless_told_system() {
        let https = url("https://ccc.intl.tencentcloudapi.com/");
        for bundled in [None, Some(""), Some("bundled"), Some(" bundled ")] {
            assert_eq!(
                Roots::for_endpoint(&https, bundled),
                Ok(Some(Roots::Bundled))
            );
        }
        assert_eq!(
            Roots::for_endpoint(&https, Some("system")),
            Ok(Some(Roots::System))
        );
        let message = Roots::for_endpoint(&https, Some("mozilla"))
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("CCC_DIAL_TLS_ROOTS is `mozilla`") && message.contains("`system`"),
            "{message}"
        );
    }

    #[test]
    fn the_bundled_roots_are_the_mozilla_set() {
        let first = Roots::Bundled.certificates().unwrap();
        assert!(first.len() > 100, "{} roots", first.len());
        assert_eq!(Roots::Bundled.certificates().unwrap().len(), first.len());
    }

    #[test]
    fn unknown_issuers_get_a_hint() {
        let hint = hint("invalid peer certificate: UnknownIssuer").unwrap();
        assert!(hint.contains("CCC_DIAL_TLS_ROOTS=system"), "{hint}");
        assert_eq!(super::hint("connection refused"), None);
    }
}
