//! The official Tencent Cloud Python tools, installed by `tests/sdk/setup.sh` into target/.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Once;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

static SETUP: Once = Once::new();

/// Runs the idempotent setup once per test binary; a file lock keeps parallel binaries apart.
fn ensure_installed() {
    SETUP.call_once(|| {
        std::fs::create_dir_all(root().join("target")).unwrap();
        let lock = std::fs::File::create(root().join("target/.sdk-setup.lock")).unwrap();
        lock.lock().unwrap();
        let status = Command::new("bash")
            .arg(root().join("tests/sdk/setup.sh"))
            .status()
            .expect("bash runs tests/sdk/setup.sh");
        assert!(
            status.success(),
            "installing the official Tencent Cloud SDK failed; run tests/sdk/setup.sh to see why"
        );
    });
}

/// The Python of the venv holding tencentcloud-sdk-python-common and -ccc.
pub fn python() -> PathBuf {
    ensure_installed();
    root().join("target/sdk-venv/bin/python")
}

/// The Python of the venv holding tencentcloud-sdk-python-intl-en (the international models).
pub fn python_intl() -> PathBuf {
    ensure_installed();
    root().join("target/sdk-intl-venv/bin/python")
}

/// The `tccli` of the tccli-intl-en venv.
pub fn tccli() -> PathBuf {
    ensure_installed();
    root().join("target/tccli-venv/bin/tccli")
}

pub fn script(name: &str) -> PathBuf {
    root().join("tests/sdk").join(name)
}
