//! The credential chain against a temporary home: every source, their order, and how each
//! one fails when it is configured but wrong.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use ccc_dial::credentials::{
    Credential, CredentialError, Env, Explicit, Resolved, Source, masked_id, resolve, write_profile,
};

const KEY: &str = "Sup3rS3cretKeyValue0123456789abcd";
const OTHER_KEY: &str = "An0therS3cretKeyValue9876543210xy";

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn env(&self) -> Env {
        Env::new(self.path())
    }

    fn write(&self, relative: &str, text: &str, mode: u32) -> PathBuf {
        let path = self.path().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    fn tccli(&self, profile: &str, id: &str, key: &str) -> PathBuf {
        self.write(
            &format!(".tccli/{profile}.credential"),
            &format!(r#"{{"secretId": "{id}", "secretKey": "{key}"}}"#),
            0o600,
        )
    }

    fn configure(&self, profile: &str, region: &str, endpoint: &str) -> PathBuf {
        self.write(
            &format!(".tccli/{profile}.configure"),
            &format!(
                r#"{{"_sys_param": {{"region": "{region}", "output": "json"}},
                    "ccc": {{"endpoint": "{endpoint}", "version": "2020-02-10"}},
                    "cvm": {{"endpoint": "cvm.tencentcloudapi.com"}}}}"#
            ),
            0o644,
        )
    }

    fn ini(&self, text: &str) -> PathBuf {
        self.write(".tencentcloud/credentials", text, 0o600)
    }
}

fn with_env_keys(env: Env, id: &str) -> Env {
    env.with_var("TENCENTCLOUD_SECRET_ID", id)
        .with_var("TENCENTCLOUD_SECRET_KEY", KEY)
}

fn explicit(id: &str, key: &str) -> Explicit {
    Explicit {
        secret_id: Some(id.into()),
        secret_key: Some(key.into()),
        token: None,
    }
}

fn found(result: Result<Option<Resolved>, CredentialError>) -> Resolved {
    match result {
        Ok(Some(resolved)) => resolved,
        other => panic!("expected a credential, got {other:?}"),
    }
}

fn failed(result: Result<Option<Resolved>, CredentialError>) -> CredentialError {
    match result {
        Err(e) => e,
        other => panic!("expected an error, got {other:?}"),
    }
}

fn none() -> Explicit {
    Explicit::default()
}

#[test]
fn nothing_configured_is_none() {
    let home = Home::new();
    assert_eq!(resolve(&none(), None, &home.env()), Ok(None));
    // A configure file alone (region, endpoint) is no credential.
    home.configure("default", "ap-guangzhou", "ccc.tencentcloudapi.com");
    assert_eq!(resolve(&none(), None, &home.env()), Ok(None));
    // Empty variables count as unset, as in the SDKs.
    let env = home
        .env()
        .with_var("TENCENTCLOUD_SECRET_ID", "")
        .with_var("TENCENTCLOUD_SECRET_KEY", "");
    assert_eq!(resolve(&none(), None, &env), Ok(None));
    // Without a home directory there is nothing to look at but the environment.
    assert_eq!(resolve(&none(), None, &Env::default()), Ok(None));
}

#[test]
fn sources_in_order_explicit_env_tccli_ini() {
    let home = Home::new();
    let tccli = home.tccli("default", "AKIDtccli", KEY);
    let ini = home.ini(&format!(
        "[default]\nsecret_id = AKIDini\nsecret_key = {KEY}\n"
    ));
    let env = with_env_keys(home.env(), "AKIDenv");

    let r = found(resolve(&explicit("AKIDflag", KEY), None, &env));
    assert_eq!(
        (r.credential.secret_id.as_str(), &r.source),
        ("AKIDflag", &Source::Explicit)
    );
    assert_eq!(r.credential.secret_key().expose(), KEY);

    let r = found(resolve(&none(), None, &env));
    assert_eq!(
        (r.credential.secret_id.as_str(), &r.source),
        ("AKIDenv", &Source::Environment)
    );

    let r = found(resolve(&none(), None, &home.env()));
    assert_eq!(r.credential.secret_id, "AKIDtccli");
    assert_eq!(
        r.source,
        Source::TccliProfile {
            profile: "default".into(),
            path: tccli.clone()
        }
    );

    fs::remove_file(&tccli).unwrap();
    let r = found(resolve(&none(), None, &home.env()));
    assert_eq!(r.credential.secret_id, "AKIDini");
    assert_eq!(
        r.source,
        Source::IniFile {
            path: ini,
            profile: "default".into()
        }
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn source_names_for_users() {
    assert_eq!(
        Source::Environment.to_string(),
        "environment (TENCENTCLOUD_SECRET_ID)"
    );
    assert_eq!(
        Source::TccliProfile {
            profile: "default".into(),
            path: "/home/u/.tccli/default.credential".into()
        }
        .to_string(),
        "tccli profile default (/home/u/.tccli/default.credential)"
    );
    assert_eq!(
        Source::IniFile {
            path: "/home/u/.tencentcloud/credentials".into(),
            profile: "work".into()
        }
        .to_string(),
        "credentials file /home/u/.tencentcloud/credentials [work]"
    );
    assert!(
        Source::Explicit
            .to_string()
            .contains("command line or settings")
    );
}

#[test]
fn environment_tokens_by_priority() {
    let home = Home::new();
    let base = with_env_keys(home.env(), "AKIDenv");
    let token = |env: &Env| found(resolve(&none(), None, env)).credential.token;
    assert_eq!(token(&base), None);
    assert_eq!(
        token(
            &base
                .clone()
                .with_var("TENCENTCLOUD_SESSION_TOKEN", "session")
        ),
        Some("session".into())
    );
    let security = base
        .clone()
        .with_var("TENCENTCLOUD_SESSION_TOKEN", "session")
        .with_var("TENCENTCLOUD_SECURITY_TOKEN", "security");
    assert_eq!(token(&security), Some("security".into()));
    let all = security.with_var("TENCENTCLOUD_TOKEN", "tccli");
    assert_eq!(token(&all), Some("tccli".into()));
    // A token alone belongs to some other tool: the chain goes on.
    let alone = home.env().with_var("TENCENTCLOUD_TOKEN", "tccli");
    assert_eq!(resolve(&none(), None, &alone), Ok(None));
}

#[test]
fn region_and_endpoint_from_environment_and_tccli_configure() {
    let home = Home::new();
    home.tccli("default", "AKIDtccli", KEY);
    home.configure("default", "ap-singapore", "ccc.intl.tencentcloudapi.com");

    let r = found(resolve(&none(), None, &home.env()));
    assert_eq!(r.region.as_deref(), Some("ap-singapore"));
    assert_eq!(r.endpoint.as_deref(), Some("ccc.intl.tencentcloudapi.com"));

    let env = home.env().with_var("TENCENTCLOUD_REGION", "ap-guangzhou");
    let r = found(resolve(&none(), None, &env));
    assert_eq!(r.region.as_deref(), Some("ap-guangzhou"));
    // With --profile the environment is not consulted, its region included.
    let r = found(resolve(&none(), Some("default"), &env));
    assert_eq!(r.region.as_deref(), Some("ap-singapore"));

    let bad = home.env().with_var("TENCENTCLOUD_REGION", "ap-guangzhou ");
    let e = failed(resolve(&none(), None, &bad));
    assert!(
        e.to_string()
            .contains("TENCENTCLOUD_REGION has leading or trailing whitespace"),
        "{e}"
    );
}

#[test]
fn profile_flag_skips_the_environment() {
    let home = Home::new();
    let path = home.tccli("work", "AKIDwork", KEY);
    let env = with_env_keys(home.env(), "AKIDenv");

    let r = found(resolve(&none(), Some("work"), &env));
    assert_eq!(
        r.source,
        Source::TccliProfile {
            profile: "work".into(),
            path
        }
    );
    // Even half-configured variables are not looked at.
    let half = home.env().with_var("TENCENTCLOUD_SECRET_ID", "AKIDenv");
    assert_eq!(
        found(resolve(&none(), Some("work"), &half))
            .credential
            .secret_id,
        "AKIDwork"
    );
    // An explicit profile that exists nowhere is an error, not the environment's keys.
    let e = failed(resolve(&none(), Some("default"), &env));
    assert!(
        matches!(e, CredentialError::ProfileNotFound { .. }),
        "{e:?}"
    );
    let message = e.to_string();
    assert!(
        message.contains("profile \"default\" was not found"),
        "{message}"
    );
    assert!(message.contains(".tccli/default.credential"), "{message}");
    assert!(message.contains("[default] of"), "{message}");
}

#[test]
fn tccli_profile_variable_names_the_profile_but_keeps_the_environment() {
    let home = Home::new();
    home.tccli("work", "AKIDwork", KEY);
    home.tccli("default", "AKIDdefault", KEY);
    let env = home.env().with_var("TCCLI_PROFILE", "work");
    assert_eq!(
        found(resolve(&none(), None, &env)).credential.secret_id,
        "AKIDwork"
    );
    // The flag wins over the variable.
    assert_eq!(
        found(resolve(&none(), Some("default"), &env))
            .credential
            .secret_id,
        "AKIDdefault"
    );
    let with_keys = with_env_keys(env, "AKIDenv");
    assert_eq!(
        found(resolve(&none(), None, &with_keys)).source,
        Source::Environment
    );

    let missing = home.env().with_var("TCCLI_PROFILE", "nosuch");
    let e = failed(resolve(&none(), None, &missing));
    assert!(
        e.to_string().contains("profile \"nosuch\" was not found"),
        "{e}"
    );
}

#[test]
fn profile_names_cannot_escape_the_directory() {
    let home = Home::new();
    for name in ["../etc/passwd", "a/b", ".hidden", "", "work profile"] {
        let e = failed(resolve(&none(), Some(name), &home.env()));
        assert_eq!(e, CredentialError::BadProfileName(name.into()));
    }
    let env = home.env().with_var("TCCLI_PROFILE", "../x");
    assert!(matches!(
        failed(resolve(&none(), None, &env)),
        CredentialError::BadProfileName(_)
    ));
}

#[test]
fn ini_file_sections_tokens_and_override_path() {
    let home = Home::new();
    home.ini(&format!(
        "; comment\n# another\n[default]\nsecret_id=AKIDdefault\nsecret_key={KEY}\n\n\
         [work]\nSECRET_ID : AKIDwork\n  secret_key = {KEY}  \ntoken = tok\nrole_arn = ignored\n"
    ));
    let r = found(resolve(&none(), None, &home.env()));
    assert_eq!(
        (r.credential.secret_id.as_str(), r.credential.token),
        ("AKIDdefault", None)
    );
    let r = found(resolve(&none(), Some("work"), &home.env()));
    assert_eq!(r.credential.secret_id, "AKIDwork");
    assert_eq!(r.credential.secret_key().expose(), KEY);
    assert_eq!(r.credential.token.as_deref(), Some("tok"));

    let elsewhere = home.write(
        "elsewhere.ini",
        &format!("[default]\nsecret_id = AKIDelsewhere\nsecret_key = {KEY}\n"),
        0o600,
    );
    let env = home
        .env()
        .with_var("TENCENTCLOUD_CREDENTIALS_FILE", elsewhere.to_str().unwrap());
    let r = found(resolve(&none(), None, &env));
    assert_eq!(r.credential.secret_id, "AKIDelsewhere");
    assert_eq!(
        r.source,
        Source::IniFile {
            path: elsewhere,
            profile: "default".into()
        }
    );

    let gone = home
        .env()
        .with_var("TENCENTCLOUD_CREDENTIALS_FILE", "/nonexistent/credentials");
    let e = failed(resolve(&none(), None, &gone));
    assert!(
        e.to_string().contains(
            "TENCENTCLOUD_CREDENTIALS_FILE names /nonexistent/credentials, which does not exist"
        ),
        "{e}"
    );
    // A file without the default section is simply not configured.
    let other = Home::new();
    other.ini("[work]\nsecret_id = a\nsecret_key = b\n");
    assert_eq!(resolve(&none(), None, &other.env()), Ok(None));
}

#[test]
fn surrounding_whitespace_is_refused_in_every_source() {
    let home = Home::new();
    let e = failed(resolve(
        &explicit("AKID", &format!("{KEY} ")),
        None,
        &home.env(),
    ));
    assert!(
        e.to_string()
            .contains("SecretKey has leading or trailing whitespace"),
        "{e}"
    );

    let env = home
        .env()
        .with_var("TENCENTCLOUD_SECRET_ID", " AKIDenv")
        .with_var("TENCENTCLOUD_SECRET_KEY", KEY);
    let e = failed(resolve(&none(), None, &env));
    assert!(
        e.to_string()
            .contains("environment: TENCENTCLOUD_SECRET_ID has leading or trailing whitespace"),
        "{e}"
    );
    let env = with_env_keys(home.env(), "AKIDenv").with_var("TENCENTCLOUD_SECURITY_TOKEN", "t\n");
    let e = failed(resolve(&none(), None, &env));
    assert!(
        e.to_string()
            .contains("TENCENTCLOUD_SECURITY_TOKEN has leading"),
        "{e}"
    );

    let path = home.tccli("default", "AKIDtccli", &format!("{KEY}\\t"));
    let e = failed(resolve(&none(), None, &home.env()));
    assert!(e.to_string().contains(&path.display().to_string()), "{e}");
    assert!(
        e.to_string()
            .contains("secretKey has leading or trailing whitespace"),
        "{e}"
    );
}

#[test]
fn half_configured_sources_name_what_is_missing() {
    let home = Home::new();
    // Each is an error even though a complete source follows in the chain.
    home.ini(&format!(
        "[default]\nsecret_id = AKIDini\nsecret_key = {KEY}\n"
    ));

    let only_id = Explicit {
        secret_id: Some("AKID".into()),
        ..Explicit::default()
    };
    let e = failed(resolve(&only_id, None, &home.env()));
    assert!(
        e.to_string().contains("sets SecretId but not SecretKey"),
        "{e}"
    );
    let only_token = Explicit {
        token: Some("tok".into()),
        ..Explicit::default()
    };
    let e = failed(resolve(&only_token, None, &home.env()));
    assert!(e.to_string().contains("not SecretId and SecretKey"), "{e}");

    let env = home.env().with_var("TENCENTCLOUD_SECRET_ID", "AKIDenv");
    let e = failed(resolve(&none(), None, &env));
    assert_eq!(
        e.to_string(),
        "environment sets TENCENTCLOUD_SECRET_ID but not TENCENTCLOUD_SECRET_KEY; set both, or neither"
    );
    let env = home.env().with_var("TENCENTCLOUD_SECRET_KEY", KEY);
    let e = failed(resolve(&none(), None, &env));
    assert!(
        e.to_string().contains("but not TENCENTCLOUD_SECRET_ID"),
        "{e}"
    );

    home.write(
        ".tccli/default.credential",
        r#"{"secretId": "AKIDtccli"}"#,
        0o600,
    );
    let e = failed(resolve(&none(), None, &home.env()));
    assert!(
        e.to_string().contains("sets secretId but not secretKey"),
        "{e}"
    );
    home.write(
        ".tccli/default.credential",
        r#"{"secretId": "", "secretKey": ""}"#,
        0o600,
    );
    let e = failed(resolve(&none(), None, &home.env()));
    assert!(
        e.to_string().contains("has neither secretId nor secretKey"),
        "{e}"
    );
    fs::remove_file(home.path().join(".tccli/default.credential")).unwrap();

    home.ini(&format!("[default]\nsecret_key = {KEY}\n"));
    let e = failed(resolve(&none(), None, &home.env()));
    assert!(
        e.to_string()
            .contains("[default] sets secret_key but not secret_id"),
        "{e}"
    );
}

#[test]
fn malformed_files_are_errors_naming_the_file() {
    let cases: &[(&str, &str, &str)] = &[
        (
            ".tccli/default.credential",
            "{\"secretId\": \"AKID\",",
            "not valid JSON",
        ),
        (
            ".tccli/default.credential",
            "[1, 2]",
            "expected a JSON object",
        ),
        (
            ".tccli/default.credential",
            "{\"secretId\": \"AKID\", \"secretKey\": 12345}",
            "\"secretKey\" must be a string",
        ),
        (".tccli/default.configure", "not json", "not valid JSON"),
        (
            ".tccli/default.configure",
            "{\"_sys_param\": {\"region\": 5}}",
            "\"_sys_param.region\" must be a string",
        ),
        (
            ".tccli/default.configure",
            "{\"ccc\": \"x\"}",
            "\"ccc\" must be a JSON object",
        ),
        (
            ".tencentcloud/credentials",
            "[default\nsecret_id = a\n",
            "line 1: a section header must end",
        ),
        (
            ".tencentcloud/credentials",
            "secret_id = a\n",
            "line 1: `secret_id` comes before any [section]",
        ),
        (
            ".tencentcloud/credentials",
            "[default]\nsecret_id = a\njust some words\n",
            "line 3: expected `[section]`, `key = value` or a comment",
        ),
        (
            ".tencentcloud/credentials",
            "[default]\nsecret_id = a\nsecret_id = b\n",
            "line 3: `secret_id` is set twice in [default]",
        ),
        (
            ".tencentcloud/credentials",
            "[]\n",
            "line 1: empty section name",
        ),
        (
            ".tencentcloud/credentials",
            "[default]\n= value\n",
            "line 2: a value without a key",
        ),
    ];
    for (file, text, expected) in cases {
        let home = Home::new();
        let path = home.write(file, text, 0o600);
        let e = failed(resolve(&none(), None, &home.env()));
        let message = e.to_string();
        assert!(
            message.starts_with(&path.display().to_string()),
            "{file}: {message}"
        );
        assert!(message.contains(expected), "{file}: {message}");
    }

    let home = Home::new();
    let path = home.path().join(".tccli/default.credential");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, [0xff, 0xfe, b'{']).unwrap();
    let e = failed(resolve(&none(), None, &home.env()));
    assert!(e.to_string().contains("not UTF-8"), "{e}");

    // A directory where the file should be cannot be read.
    let home = Home::new();
    fs::create_dir_all(home.path().join(".tencentcloud/credentials")).unwrap();
    let e = failed(resolve(&none(), None, &home.env()));
    assert!(matches!(e, CredentialError::Unreadable { .. }), "{e:?}");
    assert!(e.to_string().starts_with("cannot read "), "{e}");
}

#[test]
fn a_broken_configure_file_is_reported_even_with_other_credentials() {
    let home = Home::new();
    home.write(".tccli/default.configure", "{", 0o644);
    let e = failed(resolve(&explicit("AKID", KEY), None, &home.env()));
    assert!(e.to_string().contains("default.configure"), "{e}");
}

#[test]
fn files_readable_by_others_get_a_warning() {
    let home = Home::new();
    let path = home.tccli("default", "AKIDtccli", KEY);
    assert!(
        found(resolve(&none(), None, &home.env()))
            .warnings
            .is_empty()
    );

    for mode in [0o644, 0o640, 0o604] {
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        let r = found(resolve(&none(), None, &home.env()));
        assert_eq!(r.warnings.len(), 1, "{mode:o}");
        let warning = &r.warnings[0];
        assert!(warning.contains(&path.display().to_string()), "{warning}");
        assert!(warning.contains(&format!("mode {mode:03o}")), "{warning}");
        assert!(warning.contains("chmod 600"), "{warning}");
    }

    let home = Home::new();
    let ini = home.ini(&format!(
        "[default]\nsecret_id = AKIDini\nsecret_key = {KEY}\n"
    ));
    fs::set_permissions(&ini, fs::Permissions::from_mode(0o644)).unwrap();
    let r = found(resolve(&none(), None, &home.env()));
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].contains("readable by group or others"));
}

#[test]
fn role_and_login_credential_types_are_refused_clearly() {
    for kind in ["cvm-role", "oauth", "sso"] {
        let home = Home::new();
        home.write(
            ".tccli/default.credential",
            &format!(r#"{{"type": "{kind}", "secretId": "", "secretKey": ""}}"#),
            0o600,
        );
        let e = failed(resolve(&none(), None, &home.env()));
        assert!(matches!(e, CredentialError::Unsupported { .. }), "{e:?}");
        let message = e.to_string();
        assert!(
            message.contains(&format!("credential type \"{kind}\" is not supported")),
            "{message}"
        );
    }
    let home = Home::new();
    home.write(
        ".tccli/default.credential",
        &format!(r#"{{"secretId": "AKID", "secretKey": "{KEY}", "role-arn": "qcs::cam::uin/1:roleName/x"}}"#),
        0o600,
    );
    let e = failed(resolve(&none(), None, &home.env()));
    assert!(
        e.to_string()
            .contains("\"role-arn\" (assuming a role) is not supported"),
        "{e}"
    );
    // tccli writes empty role fields by default: those are fine.
    home.write(
        ".tccli/default.credential",
        &format!(r#"{{"secretId": "AKID", "secretKey": "{KEY}", "role-arn": "", "role-session-name": "", "type": ""}}"#),
        0o600,
    );
    assert_eq!(
        found(resolve(&none(), None, &home.env()))
            .credential
            .secret_id,
        "AKID"
    );
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn write_profile_creates_private_files_tccli_and_the_chain_can_read() {
    let home = Home::new();
    let credential = Credential::new("AKIDwritten".into(), KEY.into(), Some("tok".into())).unwrap();
    let path = write_profile(&home.env(), "work", &credential).unwrap();
    assert_eq!(path, home.path().join(".tccli/work.credential"));
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&home.path().join(".tccli")), 0o700);

    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"secretId": "AKIDwritten", "secretKey": KEY, "token": "tok"})
    );
    let r = found(resolve(&none(), Some("work"), &home.env()));
    assert_eq!(r.credential, credential);
    assert!(r.warnings.is_empty());
}

#[test]
fn write_profile_keeps_other_fields_and_replaces_atomically() {
    let home = Home::new();
    let path = home.write(
        ".tccli/default.credential",
        r#"{"secretId": "AKIDold", "secretKey": "old", "token": "oldtok", "type": "cvm-role", "role-session-name": "me", "extra": {"a": 1}}"#,
        0o644,
    );
    let before = fs::metadata(&path).unwrap().ino();
    let credential = Credential::new("AKIDnew".into(), OTHER_KEY.into(), None).unwrap();
    assert_eq!(
        write_profile(&home.env(), "default", &credential).unwrap(),
        path
    );

    // A new file was renamed into place: a new inode, and its own mode, not the old one's.
    assert_ne!(fs::metadata(&path).unwrap().ino(), before);
    assert_eq!(mode(&path), 0o600);
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"secretId": "AKIDnew", "secretKey": OTHER_KEY, "role-session-name": "me", "extra": {"a": 1}})
    );
    // The fields kept keep their order, so a diff of the file shows only what changed.
    let text = fs::read_to_string(&path).unwrap();
    let order: Vec<usize> = ["secretId", "secretKey", "role-session-name", "extra"]
        .iter()
        .map(|field| text.find(&format!("\"{field}\"")).unwrap())
        .collect();
    assert!(order.is_sorted(), "{text}");
    // Nothing else is left in the directory.
    let names: Vec<_> = fs::read_dir(home.path().join(".tccli"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["default.credential"]);
    assert_eq!(
        found(resolve(&none(), None, &home.env())).credential,
        credential
    );
}

#[test]
fn readers_never_see_a_partly_written_profile() {
    let home = Home::new();
    let env = home.env();
    let first = Credential::new("AKID0".into(), format!("{KEY}0"), None).unwrap();
    let path = write_profile(&env, "default", &first).unwrap();
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut reads = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let text = fs::read_to_string(&path).unwrap();
                let json: serde_json::Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("a reader saw a partial file ({e}): {text:?}"));
                let id = json["secretId"].as_str().unwrap();
                let n = id.strip_prefix("AKID").unwrap();
                assert_eq!(json["secretKey"].as_str().unwrap(), format!("{KEY}{n}"));
                reads += 1;
            }
            reads
        });
        for n in 1..60 {
            let credential =
                Credential::new(format!("AKID{n}"), format!("{KEY}{n}"), None).unwrap();
            write_profile(&env, "default", &credential).unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0);
    });
}

#[test]
fn write_profile_refuses_to_clobber_a_broken_file_or_a_bad_name() {
    let home = Home::new();
    let path = home.write(".tccli/default.credential", "{ not json", 0o600);
    let credential = Credential::new("AKID".into(), KEY.into(), None).unwrap();
    let e = write_profile(&home.env(), "default", &credential).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
    assert!(
        e.to_string()
            .contains("not a JSON object; fix or remove it first"),
        "{e}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), "{ not json");

    let e = write_profile(&home.env(), "../escape", &credential).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    assert!(!home.path().join("escape.credential").exists());

    let e = write_profile(&Env::default(), "default", &credential).unwrap_err();
    assert!(e.to_string().contains("no home directory"), "{e}");
}

#[test]
fn masked_ids_show_only_the_last_four() {
    assert_eq!(
        masked_id("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"),
        "****************MPLE"
    );
    assert_eq!(masked_id("AKID1234"), "****************");
    assert_eq!(masked_id(""), "****************");
    assert_eq!(masked_id("AKIDé1234567ü"), "****************567ü");
}

fn record(shown: &mut Vec<String>, result: Result<Option<Resolved>, CredentialError>) {
    match result {
        Ok(Some(r)) => {
            shown.push(format!("{r:?}"));
            shown.push(r.source.to_string());
            shown.extend(r.warnings.iter().cloned());
            shown.push(format!("{:?}", r.credential));
        }
        Ok(None) => {}
        Err(e) => {
            shown.push(e.to_string());
            shown.push(format!("{e:?}"));
        }
    }
}

/// Every message, warning and `Debug` the chain can produce, checked for the key.
#[test]
fn the_secret_key_never_shows() {
    let home = Home::new();
    let mut shown: Vec<String> = Vec::new();

    let with_key = Explicit {
        secret_id: Some("AKID".into()),
        secret_key: Some(KEY.into()),
        token: Some("tok".into()),
    };
    shown.push(format!("{with_key:?}"));
    record(&mut shown, resolve(&with_key, None, &home.env()));
    record(
        &mut shown,
        resolve(&explicit("AKID", &format!(" {KEY}")), None, &home.env()),
    );
    record(
        &mut shown,
        resolve(
            &Explicit {
                secret_key: Some(KEY.into()),
                ..Explicit::default()
            },
            None,
            &home.env(),
        ),
    );

    let env = with_env_keys(home.env(), "AKIDenv");
    shown.push(format!("{env:?}"));
    record(&mut shown, resolve(&none(), None, &env));
    record(
        &mut shown,
        resolve(
            &none(),
            None,
            &home.env().with_var("TENCENTCLOUD_SECRET_KEY", KEY),
        ),
    );
    record(
        &mut shown,
        resolve(
            &none(),
            None,
            &home
                .env()
                .with_var("TENCENTCLOUD_SECRET_ID", "AKID")
                .with_var("TENCENTCLOUD_SECRET_KEY", &format!("{KEY}\n")),
        ),
    );

    let tccli_texts = [
        format!(r#"{{"secretId": "AKID", "secretKey": "{KEY}"}}"#),
        format!(r#"{{"secretId": "AKID", "secretKey": "{KEY} "}}"#),
        format!(r#"{{"secretKey": "{KEY}"}}"#),
        format!(r#"{{"secretId": "AKID", "secretKey": "{KEY}""#),
        format!(r#"{{"secretId": "AKID", "secretKey": "{KEY}" "x": 1}}"#),
        format!(r#"{{"secretId": ["{KEY}"], "secretKey": "{KEY}"}}"#),
        format!(r#"{{"type": "cvm-role", "secretKey": "{KEY}"}}"#),
        format!(r#"{{"secretId": "AKID", "secretKey": "{KEY}", "role-arn": "r"}}"#),
    ];
    for text in &tccli_texts {
        home.write(".tccli/default.credential", text, 0o644);
        record(&mut shown, resolve(&none(), None, &home.env()));
    }
    fs::remove_file(home.path().join(".tccli/default.credential")).unwrap();

    let ini_texts = [
        format!("[default]\nsecret_id = AKID\nsecret_key = {KEY}\n"),
        format!("[default]\nsecret_key = {KEY}\n"),
        format!("[default]\nsecret_id = AKID\n{KEY}\n"),
        format!("[default]\nsecret_key = {KEY}\nsecret_key = {KEY}\n"),
        format!("secret_key = {KEY}\n"),
        format!("[{KEY}\n"),
    ];
    for text in &ini_texts {
        home.write(".tencentcloud/credentials", text, 0o644);
        record(&mut shown, resolve(&none(), None, &home.env()));
    }

    let credential = Credential::new("AKID".into(), KEY.into(), None).unwrap();
    home.write(".tccli/default.credential", &format!("{{{KEY}"), 0o600);
    let e = write_profile(&home.env(), "default", &credential).unwrap_err();
    shown.push(e.to_string());
    shown.push(format!("{e:?}"));

    assert!(shown.len() > 30, "only {} outputs checked", shown.len());
    for text in &shown {
        assert!(!text.contains(KEY), "the key shows in: {text}");
        assert!(
            !text.contains(&KEY[..12]),
            "part of the key shows in: {text}"
        );
    }
}

#[test]
fn help_documents_every_variable() {
    use clap::CommandFactory;
    let help = ccc_dial::cli::Cli::command().render_long_help().to_string();
    for name in [
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "TENCENTCLOUD_TOKEN",
        "TENCENTCLOUD_SECURITY_TOKEN",
        "TENCENTCLOUD_SESSION_TOKEN",
        "TENCENTCLOUD_REGION",
        "TCCLI_PROFILE",
        "TENCENTCLOUD_CREDENTIALS_FILE",
        "CCC_DIAL_CONFIG",
    ] {
        assert!(help.contains(name), "--help does not mention {name}");
    }
}
