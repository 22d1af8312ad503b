//! Runs `cargo xtask tidy`'s checks as part of `cargo test`.

#[path = "../src/tidy.rs"]
#[allow(dead_code)] // The test uses only the checks, not the job entry point.
mod tidy;

#[test]
fn workspace_is_tidy() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let problems = tidy::problems(root);
    assert!(
        problems.is_empty(),
        "tidy found problems:\n{}",
        problems.join("\n")
    );
}
