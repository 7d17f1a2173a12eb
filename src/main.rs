fn main() {
    println!("ccc-dial");
}
