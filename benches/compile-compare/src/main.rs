//! `protox-compile`: compiles `.proto` files with the protox crate and writes the
//! `FileDescriptorSet`, taking the same command line as protoforge-compile's `compile` example
//! (see [`compile_compare::Args`]). `cargo xtask bench compile` times it beside protoforge
//! and protoc. Errors go to stderr and the exit code is 1, like protoc.

use std::process::ExitCode;

use compile_compare::Args;

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1), |path| {
        std::fs::read_to_string(path).map_err(|e| e.to_string())
    }) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("protox-compile: {message}");
            return ExitCode::FAILURE;
        }
    };
    // protox's default include path is none; like protoc, fall back to the current directory.
    let includes = if args.includes.is_empty() {
        vec![".".into()]
    } else {
        args.includes
    };
    let mut compiler = match protox::Compiler::new(&includes) {
        Ok(compiler) => compiler,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    compiler
        .include_imports(args.include_imports)
        .include_source_info(args.include_source_info);
    if let Err(e) = compiler.open_files(&args.files) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    if let Some(out) = &args.out {
        let bytes = compiler.encode_file_descriptor_set();
        if let Err(e) = std::fs::write(out, bytes) {
            eprintln!("{}: {e}", out.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
