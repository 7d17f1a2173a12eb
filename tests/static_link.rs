//! The executable is linked at a fixed address, and statically wherever glibc's static C
//! library is installed (`build.rs`): a start then maps one file and patches nothing.

use std::path::PathBuf;
use std::process::Command;

/// ELF program header types.
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
/// An executable at a fixed address, as opposed to a position-independent one (3).
const ET_EXEC: u16 = 2;

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(bytes[at..at + 2].try_into().unwrap())
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

fn u64_at(bytes: &[u8], at: usize) -> usize {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize
}

/// The type of the executable and of each of its program headers (64-bit little-endian ELF).
fn elf(path: &str) -> (u16, Vec<u32>) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        &bytes[..6],
        b"\x7fELF\x02\x01",
        "a 64-bit little-endian ELF file"
    );
    let (at, size, count) = (
        u64_at(&bytes, 0x20),
        u16_at(&bytes, 0x36),
        u16_at(&bytes, 0x38),
    );
    let kinds = (0..usize::from(count))
        .map(|i| u32_at(&bytes, at + i * usize::from(size)))
        .collect();
    (u16_at(&bytes, 0x10), kinds)
}

fn static_libc_installed() -> bool {
    Command::new("cc")
        .arg("-print-file-name=libc.a")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|path| PathBuf::from(path.trim()))
        .is_some_and(|path| path.is_absolute() && path.is_file())
}

#[cfg(all(target_os = "linux", target_arch = "x86_64", target_env = "gnu"))]
#[test]
fn the_executable_has_a_fixed_address_and_no_loader() {
    let (kind, headers) = elf(env!("CARGO_BIN_EXE_ccc-dial"));
    assert_eq!(kind, ET_EXEC, "linked at a fixed address");
    if static_libc_installed() {
        assert!(
            !headers.contains(&PT_INTERP),
            "no dynamic loader: {headers:?}"
        );
        assert!(
            !headers.contains(&PT_DYNAMIC),
            "no shared library: {headers:?}"
        );
    } else {
        assert!(
            headers.contains(&PT_INTERP),
            "linked dynamically without libc.a"
        );
    }
}
