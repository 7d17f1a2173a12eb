//! Links the `ccc-dial` executable statically and at a fixed address on Linux with glibc, so
//! that a start maps one file and patches nothing:
//! - a position-independent executable makes the loader patch some 48,000 pointers at every
//!   start, about 1.3 ms of the few milliseconds that one `ccc-dial call` takes;
//! - loading the C library, libm and libgcc_s at every start (mapping, symbol binding, the
//!   pages each one touches and the unmapping at exit) costs about 0.6 ms more.
//!
//! Rust's standard library asks the linker for the shared C libraries (`-lc`, `-lgcc_s`, …)
//! unless the whole build sets `crt-static`, which Cargo cannot do for one executable without
//! also breaking the procedural macros the build compiles for itself. So this script writes
//! small linker scripts under those names that stand for the static archives, and links the
//! executable with `-static`. Where the static C library is not installed (`libc.a`, e.g.
//! Fedora without `glibc-static`), the executable is linked dynamically as before.

use std::path::PathBuf;
use std::process::Command;

/// The C libraries Rust's standard library links, each with the archive that stands for it:
/// the unwinder comes from `libgcc_eh.a`, the static half of `libgcc_s`.
const STATIC_FOR: [(&str, &str); 7] = [
    ("c", "libc.a"),
    ("m", "libm.a"),
    ("dl", "libdl.a"),
    ("rt", "librt.a"),
    ("pthread", "libpthread.a"),
    ("util", "libutil.a"),
    ("gcc_s", "libgcc_eh.a"),
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target = |key: &str| std::env::var(key).unwrap_or_default();
    // A build that sets `crt-static` itself links statically already, and a fixed address
    // would contradict its static-pie.
    if target("CARGO_CFG_TARGET_OS") != "linux"
        || target("CARGO_CFG_TARGET_FEATURE").contains("crt-static")
    {
        return;
    }
    println!("cargo:rustc-link-arg-bins=-no-pie");
    if target("CARGO_CFG_TARGET_ENV") != "gnu" {
        return;
    }
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        return;
    };
    let linker = std::env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".into());
    let mut scripts = Vec::new();
    for (name, archive) in STATIC_FOR {
        match archive_path(&linker, archive) {
            Some(path) => scripts.push((name, path)),
            None => {
                println!(
                    "cargo:warning=no static {archive} for {linker}: ccc-dial is linked dynamically (it starts about 0.6 ms slower)"
                );
                return;
            }
        }
    }
    // Named as shared libraries, because the standard library's `-l` flags look for those
    // first; each one only names its archive.
    for (name, path) in scripts {
        let script = format!("INPUT({})\n", path.display());
        if std::fs::write(out.join(format!("lib{name}.so")), script).is_err() {
            return;
        }
    }
    println!("cargo:rustc-link-arg-bins=-static");
    println!("cargo:rustc-link-arg-bins=-L{}", out.display());
}

/// Where the C compiler finds `archive`, if it has one: it answers the bare name otherwise.
fn archive_path(linker: &str, archive: &str) -> Option<PathBuf> {
    let answer = Command::new(linker)
        .arg(format!("-print-file-name={archive}"))
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(answer.stdout).ok()?.trim());
    (path.is_absolute() && path.is_file()).then_some(path)
}
