// sqlx::migrate! embeds crates/store/migrations at compile time; without this, adding a migration
// file does not rebuild the crate and a binary runs the old set (sqlx's documented advice).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
