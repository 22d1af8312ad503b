//! `cargo xtask <job>`: project chores that cargo alone does not do.

fn main() {}
