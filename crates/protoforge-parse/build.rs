//! Generates the parser from `src/grammar.lalrpop` at build time.

fn main() {
    println!("cargo:rerun-if-changed=src/grammar.lalrpop");
    if let Err(e) = lalrpop::Configuration::new()
        .use_cargo_dir_conventions()
        .emit_rerun_directives(false)
        .process()
    {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
