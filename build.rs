//! Links the `ccc-dial` executable at a fixed address on Linux: a position-independent one
//! makes the loader patch some 48,000 pointers at every start, which by itself is about
//! 1.3 ms and 300 written pages of the few milliseconds that one `ccc-dial call` takes.

fn main() {
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if linux {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
