//! Credentials and where they come from.
//!
//! [`resolve`] walks the chain users of the official tools expect, first match wins:
//! 1. explicit values (command line or settings);
//! 2. the environment, skipped when `--profile` is given (as tccli does);
//! 3. tccli's `~/.tccli/<profile>.credential` (JSON);
//! 4. the SDKs' INI file, `$TENCENTCLOUD_CREDENTIALS_FILE` or `~/.tencentcloud/credentials`.
//!
//! A source that is configured but wrong is an error naming the source, never a silent
//! fall-through to the next one. No error, warning or `Debug` output shows the SecretKey.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::fsutil::{create_private_dir, write_atomically};

mod ini;
use ini::parse_ini;

pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
/// Token variables, by priority: tccli's, then the ecosystem's, then an alias.
pub const ENV_TOKENS: [&str; 3] = [
    "TENCENTCLOUD_TOKEN",
    "TENCENTCLOUD_SECURITY_TOKEN",
    "TENCENTCLOUD_SESSION_TOKEN",
];
pub const ENV_REGION: &str = "TENCENTCLOUD_REGION";
pub const ENV_PROFILE: &str = "TCCLI_PROFILE";
pub const ENV_CREDENTIALS_FILE: &str = "TENCENTCLOUD_CREDENTIALS_FILE";
pub const DEFAULT_PROFILE: &str = "default";

const EXPLICIT_ORIGIN: &str = "explicit values (command line or settings)";
const ENV_ORIGIN: &str = "environment";

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
    /// A value refused where it was found (the environment, a file, the settings).
    #[error("{origin}: {problem}")]
    Invalid {
        origin: String,
        problem: Box<CredentialError>,
    },
    #[error("{origin} sets {present} but not {missing}; set both, or neither")]
    Incomplete {
        origin: String,
        present: &'static str,
        missing: &'static str,
    },
    #[error("{origin} has neither {id} nor {key}; add both")]
    NoKeys {
        origin: String,
        id: &'static str,
        key: &'static str,
    },
    #[error(
        "{}: {what} is not supported by ccc-dial; put a secretId and secretKey there instead, \
         or give them in the environment or the settings",
        path.display()
    )]
    Unsupported { path: PathBuf, what: String },
    #[error("{}: {problem}", path.display())]
    Malformed { path: PathBuf, problem: String },
    #[error("cannot read {}: {problem}", path.display())]
    Unreadable { path: PathBuf, problem: String },
    #[error("{var} names {}, which does not exist; fix the path or unset {var}", path.display())]
    MissingFile { var: &'static str, path: PathBuf },
    #[error(
        "profile \"{profile}\" was not found (looked in {looked_in}); check the name, or create it"
    )]
    ProfileNotFound { profile: String, looked_in: String },
    #[error(
        "profile name \"{0}\" is not valid: use letters, digits, '-', '_' or '.', not starting with '.'"
    )]
    BadProfileName(String),
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

/// The process environment as the chain sees it: variables and the home directory. Tests
/// build one by hand instead of changing the real environment.
#[derive(Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
    home: Option<PathBuf>,
}

impl Env {
    /// The real environment. Variables that are not valid UTF-8 are left out.
    pub fn from_process() -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        let home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
        Env { vars, home }
    }

    /// No variables, and `home` as the home directory.
    pub fn new(home: impl Into<PathBuf>) -> Self {
        Env {
            vars: HashMap::new(),
            home: Some(home.into()),
        }
    }

    pub fn with_var(mut self, name: &str, value: &str) -> Self {
        self.vars.insert(name.to_string(), value.to_string());
        self
    }

    /// A variable's value; an empty variable counts as unset, as in the SDKs.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }
}

/// Names only: the values include the SecretKey.
impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.vars.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_struct("Env")
            .field("vars", &names)
            .field("home", &self.home)
            .finish()
    }
}

/// Values given on the command line or in the settings; they come first in the chain.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Explicit {
    pub secret_id: Option<String>,
    pub secret_key: Option<String>,
    pub token: Option<String>,
}

impl fmt::Debug for Explicit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("Explicit")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &redacted(&self.secret_key))
            .field("token", &redacted(&self.token))
            .finish()
    }
}

/// Where the credential in use came from; its `Display` is for users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Explicit,
    Environment,
    TccliProfile { profile: String, path: PathBuf },
    IniFile { path: PathBuf, profile: String },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Explicit => f.write_str(EXPLICIT_ORIGIN),
            Source::Environment => write!(f, "environment ({ENV_SECRET_ID})"),
            Source::TccliProfile { profile, path } => {
                write!(f, "tccli profile {profile} ({})", path.display())
            }
            Source::IniFile { path, profile } => {
                write!(f, "credentials file {} [{profile}]", path.display())
            }
        }
    }
}

/// The outcome of the chain: the credential, where it came from, and what else the
/// configuration says (tccli's region and ccc endpoint, `TENCENTCLOUD_REGION`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub credential: Credential,
    pub source: Source,
    pub region: Option<String>,
    /// `ccc.endpoint` of tccli's `<profile>.configure`.
    pub endpoint: Option<String>,
    /// For the user, e.g. a credentials file others can read.
    pub warnings: Vec<String>,
}

/// Walks the chain. `Ok(None)`: nothing is configured anywhere (the app then offers the
/// simulator). `Err`: something is configured but wrong.
///
/// `profile` is the `--profile` flag (or the settings' profile); when given, the environment's
/// credentials are skipped, as tccli does. Without it, `TCCLI_PROFILE` names the profile.
pub fn resolve(
    explicit: &Explicit,
    profile: Option<&str>,
    env: &Env,
) -> Result<Option<Resolved>, CredentialError> {
    let named = profile.or_else(|| env.var(ENV_PROFILE));
    let profile_name = named.unwrap_or(DEFAULT_PROFILE);
    check_profile_name(profile_name)?;
    let use_env = profile.is_none();

    let tccli = env.home().map(|home| TccliFiles::new(home, profile_name));
    let configured = match &tccli {
        Some(files) => read_configure(&files.configure)?,
        None => TccliConfigure::default(),
    };
    let env_region = if use_env {
        env_value(env, ENV_REGION)?
    } else {
        None
    };
    let region = env_region.or(configured.region);
    let endpoint = configured.endpoint;

    let done = |credential, source, warnings| {
        Ok(Some(Resolved {
            credential,
            source,
            region: region.clone(),
            endpoint: endpoint.clone(),
            warnings,
        }))
    };

    if let Some(credential) = from_explicit(explicit)? {
        return done(credential, Source::Explicit, Vec::new());
    }
    if use_env && let Some(credential) = from_env(env)? {
        return done(credential, Source::Environment, Vec::new());
    }
    if let Some(files) = &tccli
        && let Some((credential, warnings)) = from_tccli(&files.credential)?
    {
        let source = Source::TccliProfile {
            profile: profile_name.to_string(),
            path: files.credential.clone(),
        };
        return done(credential, source, warnings);
    }
    let ini_path = ini_path(env);
    if let Some(path) = &ini_path {
        let named_by_env = env.var(ENV_CREDENTIALS_FILE).is_some();
        if let Some((credential, warnings)) = from_ini(path, profile_name, named_by_env)? {
            let source = Source::IniFile {
                path: path.clone(),
                profile: profile_name.to_string(),
            };
            return done(credential, source, warnings);
        }
    }

    if named.is_none() {
        return Ok(None);
    }
    let mut places: Vec<String> = Vec::new();
    if let Some(files) = &tccli {
        places.push(files.credential.display().to_string());
    }
    if let Some(path) = &ini_path {
        places.push(format!("[{profile_name}] of {}", path.display()));
    }
    let looked_in = if places.is_empty() {
        "nowhere: no home directory is known".to_string()
    } else {
        places.join(" and ")
    };
    Err(CredentialError::ProfileNotFound {
        profile: profile_name.to_string(),
        looked_in,
    })
}

/// Writes `~/.tccli/<profile>.credential` in tccli's format, so tccli can use it too.
///
/// The file is created with mode 0600 (never wider, not even for a moment) in a 0700
/// directory, and replaced atomically. Fields of an existing file that are not about the
/// keys are kept; its `type` is dropped, since the keys written are meant to be used.
pub fn write_profile(env: &Env, profile: &str, credential: &Credential) -> io::Result<PathBuf> {
    check_profile_name(profile).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let home = env.home().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            "no home directory is known, so ~/.tccli cannot be placed",
        )
    })?;
    let dir = home.join(".tccli");
    create_private_dir(&dir)?;
    let path = dir.join(format!("{profile}.credential"));

    let mut fields = match fs::read_to_string(&path) {
        Ok(text) if text.trim().is_empty() => Map::new(),
        Ok(text) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(fields)) => fields,
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{} exists but is not a JSON object; fix or remove it first",
                        path.display()
                    ),
                ));
            }
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Map::new(),
        Err(e) => return Err(e),
    };
    fields.insert("secretId".into(), credential.secret_id.clone().into());
    fields.insert(
        "secretKey".into(),
        credential.secret_key().expose().to_string().into(),
    );
    match &credential.token {
        Some(token) => fields.insert("token".into(), token.clone().into()),
        None => fields.shift_remove("token"),
    };
    fields.shift_remove("type");
    let mut text =
        serde_json::to_string_pretty(&Value::Object(fields)).map_err(io::Error::other)?;
    text.push('\n');
    write_atomically(&path, text.as_bytes())?;
    Ok(path)
}

/// The SecretId for display, as tccli shows it: 16 `*` and the last 4 characters (all
/// stars for an id too short to keep anything back).
pub fn masked_id(secret_id: &str) -> String {
    let chars: Vec<char> = secret_id.chars().collect();
    let shown: String = if chars.len() > 8 {
        chars[chars.len() - 4..].iter().collect()
    } else {
        String::new()
    };
    format!("{}{shown}", "*".repeat(16))
}

/// The rule for a profile's name, so it can be a section of the credentials file.
pub fn check_profile_name(name: &str) -> Result<(), CredentialError> {
    let fine = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if fine {
        Ok(())
    } else {
        Err(CredentialError::BadProfileName(name.to_string()))
    }
}

/// A variable of the environment, refused when it has surrounding whitespace.
fn env_value(env: &Env, name: &'static str) -> Result<Option<String>, CredentialError> {
    match env.var(name) {
        Some(v) if v.trim() != v => Err(invalid(ENV_ORIGIN, CredentialError::Whitespace(name))),
        v => Ok(v.map(str::to_string)),
    }
}

fn invalid(origin: &str, problem: CredentialError) -> CredentialError {
    CredentialError::Invalid {
        origin: origin.to_string(),
        problem: Box::new(problem),
    }
}

/// Names of the fields as the source spells them, for messages.
struct Names {
    id: &'static str,
    key: &'static str,
    token: &'static str,
}

/// A credential from one source's values, with messages in that source's own terms.
fn build(
    origin: &str,
    names: &Names,
    id: Option<String>,
    key: Option<String>,
    token: Option<String>,
) -> Result<Credential, CredentialError> {
    let (id, key) = match (id, key) {
        (Some(id), Some(key)) => (id, key),
        (Some(_), None) => {
            return Err(CredentialError::Incomplete {
                origin: origin.to_string(),
                present: names.id,
                missing: names.key,
            });
        }
        (None, Some(_)) => {
            return Err(CredentialError::Incomplete {
                origin: origin.to_string(),
                present: names.key,
                missing: names.id,
            });
        }
        (None, None) => {
            return Err(CredentialError::NoKeys {
                origin: origin.to_string(),
                id: names.id,
                key: names.key,
            });
        }
    };
    for (name, value) in [
        (names.id, Some(&id)),
        (names.key, Some(&key)),
        (names.token, token.as_ref()),
    ] {
        if value.is_some_and(|v| v.trim() != v) {
            return Err(invalid(origin, CredentialError::Whitespace(name)));
        }
    }
    Credential::new(id, key, token).map_err(|problem| invalid(origin, problem))
}

fn non_empty(value: Option<&String>) -> Option<String> {
    value.filter(|v| !v.is_empty()).cloned()
}

fn from_explicit(explicit: &Explicit) -> Result<Option<Credential>, CredentialError> {
    let id = non_empty(explicit.secret_id.as_ref());
    let key = non_empty(explicit.secret_key.as_ref());
    let token = non_empty(explicit.token.as_ref());
    if id.is_none() && key.is_none() {
        return match token {
            Some(_) => Err(CredentialError::Incomplete {
                origin: EXPLICIT_ORIGIN.to_string(),
                present: "a token",
                missing: "SecretId and SecretKey",
            }),
            None => Ok(None),
        };
    }
    let names = Names {
        id: "SecretId",
        key: "SecretKey",
        token: "token",
    };
    build(EXPLICIT_ORIGIN, &names, id, key, token).map(Some)
}

/// A token alone in the environment is left alone: other tools set one for their own use.
fn from_env(env: &Env) -> Result<Option<Credential>, CredentialError> {
    let id = env.var(ENV_SECRET_ID).map(str::to_string);
    let key = env.var(ENV_SECRET_KEY).map(str::to_string);
    if id.is_none() && key.is_none() {
        return Ok(None);
    }
    let token_var = ENV_TOKENS.into_iter().find(|name| env.var(name).is_some());
    let names = Names {
        id: ENV_SECRET_ID,
        key: ENV_SECRET_KEY,
        token: token_var.unwrap_or(ENV_TOKENS[0]),
    };
    let token = token_var.and_then(|name| env.var(name)).map(str::to_string);
    build(ENV_ORIGIN, &names, id, key, token).map(Some)
}

struct TccliFiles {
    credential: PathBuf,
    configure: PathBuf,
}

impl TccliFiles {
    fn new(home: &Path, profile: &str) -> Self {
        let dir = home.join(".tccli");
        TccliFiles {
            credential: dir.join(format!("{profile}.credential")),
            configure: dir.join(format!("{profile}.configure")),
        }
    }
}

#[derive(Default)]
struct TccliConfigure {
    region: Option<String>,
    endpoint: Option<String>,
}

fn read_configure(path: &Path) -> Result<TccliConfigure, CredentialError> {
    let Some(file) = read_optional(path)? else {
        return Ok(TccliConfigure::default());
    };
    let fields = json_object(path, &file.text)?;
    let section = |name: &str| match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(inner)) => Ok(Some(inner)),
        Some(_) => Err(CredentialError::Malformed {
            path: path.to_path_buf(),
            problem: format!("\"{name}\" must be a JSON object"),
        }),
    };
    let field = |section: Option<&Map<String, Value>>, label: &str, name: &str| match section {
        Some(inner) => string_field(path, inner, label, name),
        None => Ok(None),
    };
    Ok(TccliConfigure {
        region: field(section("_sys_param")?, "_sys_param.region", "region")?,
        endpoint: field(section("ccc")?, "ccc.endpoint", "endpoint")?,
    })
}

fn from_tccli(path: &Path) -> Result<Option<(Credential, Vec<String>)>, CredentialError> {
    let Some(file) = read_optional(path)? else {
        return Ok(None);
    };
    let fields = json_object(path, &file.text)?;
    if let Some(kind) = string_field(path, &fields, "type", "type")? {
        return Err(CredentialError::Unsupported {
            path: path.to_path_buf(),
            what: format!("credential type \"{kind}\""),
        });
    }
    if string_field(path, &fields, "role-arn", "role-arn")?.is_some() {
        return Err(CredentialError::Unsupported {
            path: path.to_path_buf(),
            what: "\"role-arn\" (assuming a role)".to_string(),
        });
    }
    let names = Names {
        id: "secretId",
        key: "secretKey",
        token: "token",
    };
    let credential = build(
        &path.display().to_string(),
        &names,
        string_field(path, &fields, "secretId", "secretId")?,
        string_field(path, &fields, "secretKey", "secretKey")?,
        string_field(path, &fields, "token", "token")?,
    )?;
    Ok(Some((credential, file.warnings(path))))
}

fn ini_path(env: &Env) -> Option<PathBuf> {
    match env.var(ENV_CREDENTIALS_FILE) {
        Some(path) => Some(PathBuf::from(path)),
        None => env
            .home()
            .map(|home| home.join(".tencentcloud").join("credentials")),
    }
}

fn from_ini(
    path: &Path,
    profile: &str,
    named_by_env: bool,
) -> Result<Option<(Credential, Vec<String>)>, CredentialError> {
    let Some(file) = read_optional(path)? else {
        return if named_by_env {
            Err(CredentialError::MissingFile {
                var: ENV_CREDENTIALS_FILE,
                path: path.to_path_buf(),
            })
        } else {
            Ok(None)
        };
    };
    let sections = parse_ini(&file.text).map_err(|problem| CredentialError::Malformed {
        path: path.to_path_buf(),
        problem,
    })?;
    let Some(section) = sections.get(profile) else {
        return Ok(None);
    };
    let names = Names {
        id: "secret_id",
        key: "secret_key",
        token: "token",
    };
    let credential = build(
        &format!("{} [{profile}]", path.display()),
        &names,
        non_empty(section.get("secret_id")),
        non_empty(section.get("secret_key")),
        non_empty(section.get("token")),
    )?;
    Ok(Some((credential, file.warnings(path))))
}

struct FileText {
    text: String,
    /// Permission bits (0 where the platform has none).
    mode: u32,
}

impl FileText {
    fn warnings(&self, path: &Path) -> Vec<String> {
        if self.mode & 0o044 != 0 {
            vec![format!(
                "{} is readable by group or others (mode {:03o}); run `chmod 600 {}`",
                path.display(),
                self.mode & 0o777,
                path.display()
            )]
        } else {
            Vec::new()
        }
    }
}

/// A file's text, or `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<FileText>, CredentialError> {
    let unreadable = |e: io::Error| CredentialError::Unreadable {
        path: path.to_path_buf(),
        problem: e.to_string(),
    };
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(e)),
    };
    let metadata = file.metadata().map_err(unreadable)?;
    if metadata.is_dir() {
        return Err(CredentialError::Unreadable {
            path: path.to_path_buf(),
            problem: "it is a directory".to_string(),
        });
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(unreadable)?;
    let text = String::from_utf8(bytes).map_err(|_| CredentialError::Malformed {
        path: path.to_path_buf(),
        problem: "not UTF-8 text".to_string(),
    })?;
    Ok(Some(FileText {
        text,
        mode: mode_of(&metadata),
    }))
}

#[cfg(unix)]
fn mode_of(metadata: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode()
}

#[cfg(not(unix))]
fn mode_of(_: &fs::Metadata) -> u32 {
    0
}

/// serde_json's syntax errors give a position, never the text, so they are safe to show.
fn json_object(path: &Path, text: &str) -> Result<Map<String, Value>, CredentialError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(CredentialError::Malformed {
            path: path.to_path_buf(),
            problem: "expected a JSON object `{...}`".to_string(),
        }),
        Err(e) => Err(CredentialError::Malformed {
            path: path.to_path_buf(),
            problem: format!("not valid JSON: {e}"),
        }),
    }
}

/// A string field; empty counts as absent. The message of a wrong type names the field only.
fn string_field(
    path: &Path,
    fields: &Map<String, Value>,
    label: &str,
    name: &str,
) -> Result<Option<String>, CredentialError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(CredentialError::Malformed {
            path: path.to_path_buf(),
            problem: format!("\"{label}\" must be a string"),
        }),
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
