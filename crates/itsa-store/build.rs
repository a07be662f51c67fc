//! Rebuild when a migration is added: `sqlx::migrate!` embeds the folders' files, and cargo
//! would otherwise only notice changes to files it already knew of.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
