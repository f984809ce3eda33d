// The migrations are compiled in (`include_str!` in migrate.rs): rebuild when one is added.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
