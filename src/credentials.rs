//! Credentials and where they come from.

use std::fmt;

/// The SecretKey. Its `Debug` and `Display` never show it; only signing reads it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// A SecretId/SecretKey pair, with the session token of temporary credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    pub secret_id: String,
    secret_key: SecretKey,
    pub token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("{0} is empty")]
    Empty(&'static str),
    #[error("{0} has leading or trailing whitespace; the service would reject it, remove it")]
    Whitespace(&'static str),
}

impl Credential {
    /// Refuses empty values and values with surrounding whitespace, as the official SDKs do.
    pub fn new(
        secret_id: String,
        secret_key: String,
        token: Option<String>,
    ) -> Result<Self, CredentialError> {
        check("SecretId", &secret_id)?;
        check("SecretKey", &secret_key)?;
        if token.as_ref().is_some_and(|t| t.trim() != t) {
            return Err(CredentialError::Whitespace("token"));
        }
        Ok(Credential {
            secret_id,
            secret_key: SecretKey(secret_key),
            token: token.filter(|t| !t.is_empty()),
        })
    }

    pub fn secret_key(&self) -> &SecretKey {
        &self.secret_key
    }
}

fn check(what: &'static str, value: &str) -> Result<(), CredentialError> {
    if value.is_empty() {
        Err(CredentialError::Empty(what))
    } else if value.trim() != value {
        Err(CredentialError::Whitespace(what))
    } else {
        Ok(())
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &self.secret_key)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_key_and_token() {
        let c =
            Credential::new("AKIDabc".into(), "s3cr3t-key".into(), Some("tok3n".into())).unwrap();
        let shown = format!("{c:?}");
        assert!(shown.contains("AKIDabc"));
        assert!(!shown.contains("s3cr3t-key"));
        assert!(!shown.contains("tok3n"));
    }

    #[test]
    fn whitespace_and_empty_refused() {
        assert_eq!(
            Credential::new(" AKID".into(), "k".into(), None),
            Err(CredentialError::Whitespace("SecretId"))
        );
        assert_eq!(
            Credential::new("AKID".into(), "k\n".into(), None),
            Err(CredentialError::Whitespace("SecretKey"))
        );
        assert_eq!(
            Credential::new("AKID".into(), "".into(), None),
            Err(CredentialError::Empty("SecretKey"))
        );
    }
}
