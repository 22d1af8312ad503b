//! The `protoforge` command: a protoc-compatible front end that compiles `.proto` files into a
//! `FileDescriptorSet` (`-o`/`--descriptor_set_out`), generates Rust (`--rust_out`,
//! `--rust-grpc_out`), runs any protoc plugin (`--plugin`, `--NAME_out`, `--NAME_opt`) and
//! converts messages between text and binary (`--encode`, `--decode`, `--decode_raw`), with
//! protoc's flags, exit codes and error texts, and a rich coloured error format for terminals.

mod breaking_cmd;
mod check_cmds;
mod descriptor_set;
mod encode_decode;
mod generate;
mod lint_cmd;
mod output;

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use protoforge::Message as _;
use protoforge::descriptor::FileDescriptorSet;
use protoforge_compile::resolve::{
    IncludePaths, MAX_MESSAGE_SIZE, MAX_SOURCE_SIZE, read_file_limited,
};
use protoforge_compile::{Compiled, Compiler, ErrorFormat, render_diagnostic};

use crate::descriptor_set::{encode_set_in_pieces, write_pieces};
use crate::encode_decode::Mode;
use crate::generate::{Generators, Inputs};

/// The allocator: see the `mimalloc` feature in Cargo.toml.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The protoc version whose behaviour protoforge reproduces.
const PROTOC_VERSION: &str = "35.1";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// `file:line:col: message` (protoc's default).
    Gcc,
    /// `file(line) : error in column=col: message`.
    Msvs,
    /// A rustc-like excerpt with carets (the default when stderr is a terminal).
    Pretty,
}

/// Compile .proto files into a FileDescriptorSet, like protoc.
#[derive(Debug, Parser)]
#[command(
    name = "protoforge",
    disable_version_flag = true,
    after_help = "Code generation, like protoc:\n  \
        --rust_out=[OPTIONS:]DIR       Generate Rust messages (`--rust_opt=k=v,...`).\n  \
        --rust-grpc_out=[OPTIONS:]DIR  Generate Rust gRPC services (`--rust-grpc_opt`).\n  \
        --plugin=[protoc-gen-NAME=]PATH  Use PATH as the plugin for --NAME_out.\n  \
        --NAME_out=[OPTIONS:]DIR       Run protoc-gen-NAME (found on PATH unless given).\n  \
        --NAME_opt=OPTIONS             More options for protoc-gen-NAME.\n\
        DIR may also be a .zip or .jar file.\n\n\
        Arguments of the form @FILE are read from FILE, one argument per line."
)]
struct Args {
    /// Directory in which to search for imports (repeatable; `VIRTUAL=DISK` maps a directory
    /// to a virtual prefix; several directories may be joined with `:`). Defaults to `.`.
    #[arg(short = 'I', long = "proto_path", value_name = "PATH")]
    proto_path: Vec<String>,

    /// Write a FileDescriptorSet (binary protobuf) of the input files to FILE.
    #[arg(short = 'o', long = "descriptor_set_out", value_name = "FILE")]
    descriptor_set_out: Option<String>,

    /// Take imports from these FileDescriptorSets (`:`-separated) when not found on the proto path.
    #[arg(long = "descriptor_set_in", value_name = "FILES")]
    descriptor_set_in: Vec<String>,

    /// With --descriptor_set_out, also include all dependencies of the input files.
    #[arg(long = "include_imports")]
    include_imports: bool,

    /// With --descriptor_set_out, keep SourceCodeInfo (source locations and comments).
    #[arg(long = "include_source_info")]
    include_source_info: bool,

    /// With --descriptor_set_out, keep options with source retention.
    #[arg(long = "retain_options")]
    retain_options: bool,

    /// How to print errors.
    #[arg(long = "error_format", value_enum, value_name = "FORMAT")]
    error_format: Option<Format>,

    /// Print the version and exit.
    #[arg(long = "version")]
    version: bool,

    /// Read a text-format message of this type from stdin, write it in binary to stdout.
    #[arg(long = "encode", value_name = "MESSAGE_TYPE")]
    encode: Option<String>,

    /// Read a binary message of this type from stdin, write it in text format to stdout.
    #[arg(long = "decode", value_name = "MESSAGE_TYPE")]
    decode: Option<String>,

    /// Read any binary message from stdin, write its raw fields in text format to stdout.
    #[arg(long = "decode_raw")]
    decode_raw: bool,

    /// With --encode, order map entries deterministically (accepted for compatibility).
    #[arg(long = "deterministic_output")]
    deterministic_output: bool,

    /// Allow generated file names to contain `..`.
    #[arg(long = "unsafe_allow_out_dir_escape")]
    unsafe_allow_out_dir_escape: bool,

    /// The .proto files to compile.
    #[arg(value_name = "PROTO_FILES")]
    files: Vec<String>,
}

/// Expands `@file` arguments (one argument per line, recursively), like protoc.
fn expand_args(args: Vec<String>, depth: usize) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for arg in args {
        match arg.strip_prefix('@') {
            Some(path) if depth < 16 => {
                let text = read_file_limited(path, MAX_SOURCE_SIZE)
                    .and_then(|b| String::from_utf8(b).map_err(std::io::Error::other))
                    .map_err(|e| format!("Failed to open argument file: {path}: {e}"))?;
                let lines = text
                    .lines()
                    .map(|l| l.trim_end_matches('\r').to_string())
                    .filter(|l| !l.is_empty())
                    .collect();
                out.extend(expand_args(lines, depth + 1)?);
            }
            _ => out.push(arg),
        }
    }
    Ok(out)
}

fn main() -> ExitCode {
    if let Some(code) = check_cmds::dispatch() {
        return code;
    }
    let code = match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    };
    exit_now(code)
}

/// Ends the process with `code` right away. Every descriptor of a compilation is still
/// allocated at this point, and mimalloc's exit handler would walk all of that memory (a
/// twentieth of a googleapis compilation) only to give it back to the system, which takes it
/// back anyway. Standard output and error are flushed first; written files are closed already.
#[cfg(all(unix, feature = "mimalloc"))]
#[allow(unsafe_code)]
fn exit_now(code: ExitCode) -> ExitCode {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    let status = if code == ExitCode::SUCCESS { 0 } else { 1 };
    // SAFETY: `_exit` ends the process without running exit handlers or destructors, which is
    // the point; nothing of ours waits for them (output is flushed, files are closed, no child
    // process or thread is left to join).
    unsafe { libc::_exit(status) }
}

/// Ends the process normally (the system allocator's exit has nothing to walk).
#[cfg(not(all(unix, feature = "mimalloc")))]
fn exit_now(code: ExitCode) -> ExitCode {
    code
}

fn run() -> Result<ExitCode, String> {
    let mut argv = std::env::args();
    let program = argv.next().unwrap_or_else(|| "protoforge".to_string());
    let (generators, rest) = Generators::extract(expand_args(argv.collect(), 0)?)?;
    if rest.iter().any(|a| a.starts_with("--decode_raw=")) {
        return Err("--decode_raw does not take a parameter.".to_string());
    }
    let mut expanded = vec![program];
    expanded.extend(rest);
    let args = match parse_args::<Args>(expanded) {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    if args.version {
        println!(
            "protoforge {} (protoc {PROTOC_VERSION} compatible)",
            env!("CARGO_PKG_VERSION")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mode = codec_mode(&args, &generators)?;
    generators.check_options()?;
    match &mode {
        Some(Mode::DecodeRaw) => {
            if !args.files.is_empty() || !args.descriptor_set_in.is_empty() {
                return Err("When using --decode_raw, no input files should be given.".into());
            }
            return codec(&Mode::DecodeRaw, &FileDescriptorSet::default());
        }
        Some(_) if args.files.is_empty() && args.descriptor_set_in.is_empty() => {
            return Err("Missing input file.".to_string());
        }
        Some(_) => {}
        None if args.files.is_empty() => return Err("Missing input file.".to_string()),
        None if generators.directives.is_empty() && args.descriptor_set_out.is_none() => {
            return Err("Missing output directives.".to_string());
        }
        None => {}
    }
    if args.deterministic_output && !matches!(mode, Some(Mode::Encode(_))) {
        return Err("Can only use --deterministic_output with --encode.".to_string());
    }
    let format = match args.error_format {
        Some(Format::Gcc) => ErrorFormat::Gcc,
        Some(Format::Msvs) => ErrorFormat::Msvs,
        Some(Format::Pretty) => ErrorFormat::Pretty {
            color: std::io::stderr().is_terminal(),
        },
        None if std::io::stderr().is_terminal() => ErrorFormat::Pretty { color: true },
        None => ErrorFormat::Gcc,
    };

    let compiler = || new_compiler(&args);
    let mut include_paths = IncludePaths::new();
    for spec in &args.proto_path {
        for part in spec.split(':').filter(|p| !p.is_empty()) {
            include_paths.add(part);
        }
    }
    let mut warned = false;
    let mut compile = |compiler: Compiler| -> Result<Compiled, ExitCode> {
        match compiler.compile(&args.files) {
            Ok(compiled) => {
                if !warned {
                    warned = true;
                    let mut stderr = std::io::stderr().lock();
                    for w in &compiled.warnings {
                        let text = render_diagnostic(w, &compiled.sources, format);
                        let _ = writeln!(stderr, "{}", text.trim_end());
                    }
                }
                Ok(compiled)
            }
            Err(err) => {
                let _ = std::io::stderr()
                    .lock()
                    .write_all(err.render(format).as_bytes());
                Err(ExitCode::FAILURE)
            }
        }
    };

    if let Some(mode) = &mode {
        let pool = if args.files.is_empty() {
            descriptor_sets_in(&args)?
        } else {
            match compile(compiler()?.include_imports(true)) {
                Ok(compiled) => compiled.files,
                Err(code) => return Ok(code),
            }
        };
        return codec(mode, &pool);
    }

    if include_paths.is_empty() {
        include_paths.add(".");
    }
    let files_to_generate = unique_in_order(args.files.iter().map(|file| {
        include_paths
            .virtual_name(file)
            .unwrap_or_else(|_| file.clone())
    }));

    // One compilation serves the plugins and the descriptor set: everything with source info,
    // options retained and stripped copies; the descriptor set is cut down from it.
    let mut descriptor_set = None;
    if !generators.directives.is_empty() {
        let compiled = match compile(
            compiler()?
                .include_imports(true)
                .include_source_info(true)
                .retain_options(true)
                .stripped_copies(true),
        ) {
            Ok(compiled) => compiled,
            Err(code) => return Ok(code),
        };
        let inputs = Inputs {
            files_to_generate,
            retained: compiled.files,
            stripped: compiled.stripped,
        };
        if !generate::run(&generators, &inputs, args.unsafe_allow_out_dir_escape) {
            return Ok(ExitCode::FAILURE);
        }
        if args.descriptor_set_out.is_some() {
            let Inputs {
                files_to_generate,
                retained,
                stripped,
            } = inputs;
            let (all, unused) = if args.retain_options {
                (retained, stripped)
            } else {
                (stripped, retained)
            };
            descriptor_set = Some(descriptor_set_from(&args, &files_to_generate, all));
            std::mem::forget(unused);
        } else {
            // The process ends soon: skip freeing every descriptor one by one.
            std::mem::forget(inputs);
        }
    }

    if let Some(out_path) = args.descriptor_set_out.as_deref() {
        let set = match descriptor_set {
            Some(set) => set,
            None => match compile(
                compiler()?
                    .include_imports(args.include_imports)
                    .include_source_info(args.include_source_info)
                    .retain_options(args.retain_options),
            ) {
                Ok(compiled) => compiled.files,
                Err(code) => return Ok(code),
            },
        };
        let pieces = encode_set_in_pieces(&set);
        write_pieces(out_path, &pieces).map_err(|e| format!("{out_path}: {e}"))?;
        // The process ends after this: skip freeing every descriptor one by one.
        std::mem::forget((set, pieces));
    }
    Ok(ExitCode::SUCCESS)
}

/// The descriptor set `--descriptor_set_out` asks for, cut from `all` (every file with its
/// imports and source info): imports only with `--include_imports`, source info only with
/// `--include_source_info`. `inputs` are the files named on the command line (virtual names).
fn descriptor_set_from(
    args: &Args,
    inputs: &[String],
    all: FileDescriptorSet,
) -> FileDescriptorSet {
    let mut set = FileDescriptorSet::default();
    if args.include_imports {
        set = all;
    } else {
        // Without imports protoc writes the named files in command-line order.
        let (named, rest) = select_in_order(all.file, |f| f.name(), inputs);
        set.file = named;
        std::mem::forget(rest);
    }
    if !args.include_source_info {
        for f in &mut set.file {
            f.source_code_info = None;
        }
    }
    set
}

/// `names` without repeats, each where it first appears.
fn unique_in_order(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names.filter(|name| seen.insert(name.clone())).collect()
}

/// The items of `all` named (by `name`) in `inputs`, in the order of `inputs` (the first item
/// of each name, once per name), and the other items. Linear in `all` and `inputs`: each
/// item's name is read once.
fn select_in_order<'n, T>(
    all: Vec<T>,
    name: impl Fn(&T) -> &str,
    inputs: &'n [String],
) -> (Vec<T>, Vec<T>) {
    let mut wanted: std::collections::HashMap<&'n str, usize> =
        std::collections::HashMap::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        wanted.entry(input.as_str()).or_insert(i);
    }
    let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None).take(inputs.len()).collect();
    let mut rest = Vec::new();
    for item in all {
        match wanted.get(name(&item)) {
            Some(&i) if slots[i].is_none() => slots[i] = Some(item),
            _ => rest.push(item),
        }
    }
    (slots.into_iter().flatten().collect(), rest)
}

/// A compiler set up with the command line's include paths and descriptor sets.
fn new_compiler(args: &Args) -> Result<Compiler, String> {
    let mut compiler = Compiler::new();
    for spec in &args.proto_path {
        for part in spec.split(':').filter(|p| !p.is_empty()) {
            compiler = compiler.include_path(part);
        }
    }
    for list in &args.descriptor_set_in {
        for path in list.split(':').filter(|p| !p.is_empty()) {
            let bytes =
                read_file_limited(path, MAX_MESSAGE_SIZE).map_err(|e| format!("{path}: {e}"))?;
            compiler = compiler
                .descriptor_set_in(&bytes)
                .map_err(|e| format!("{path}: {e}"))?;
        }
    }
    Ok(compiler)
}

/// Every file of the `--descriptor_set_in` sets (the pool of `--encode`/`--decode` when no
/// .proto file is named).
fn descriptor_sets_in(args: &Args) -> Result<FileDescriptorSet, String> {
    let mut all = FileDescriptorSet::default();
    for list in &args.descriptor_set_in {
        for path in list.split(':').filter(|p| !p.is_empty()) {
            let bytes =
                read_file_limited(path, MAX_MESSAGE_SIZE).map_err(|e| format!("{path}: {e}"))?;
            let set = FileDescriptorSet::decode(&bytes[..]).map_err(|e| format!("{path}: {e}"))?;
            all.file.extend(set.file);
        }
    }
    Ok(all)
}

/// The `--encode`/`--decode`/`--decode_raw` mode, with protoc's checks of how those flags
/// combine with each other and with output flags.
fn codec_mode(args: &Args, generators: &Generators) -> Result<Option<Mode>, String> {
    let mut modes = Vec::new();
    if let Some(t) = &args.encode {
        modes.push(("--encode", Mode::Encode(t.clone())));
    }
    if let Some(t) = &args.decode {
        modes.push(("--decode", Mode::Decode(t.clone())));
    }
    if args.decode_raw {
        modes.push(("--decode_raw", Mode::DecodeRaw));
    }
    let Some((flag, mode)) = modes.first().cloned() else {
        return Ok(None);
    };
    if modes.len() > 1 {
        return Err("Only one of --encode and --decode can be specified.".to_string());
    }
    if !generators.directives.is_empty() || args.descriptor_set_out.is_some() {
        return Err(format!(
            "Cannot use {flag} and generate code or descriptors at the same time."
        ));
    }
    match &mode {
        Mode::Encode(t) | Mode::Decode(t) if t.is_empty() => {
            let mut message = format!("Type name for {flag} cannot be blank.");
            if flag == "--decode" {
                message.push_str("\nTo decode an unknown message, use --decode_raw.");
            }
            Err(message)
        }
        _ => Ok(Some(mode)),
    }
}

/// Runs a text/binary conversion on stdin and stdout.
fn codec(mode: &Mode, pool: &FileDescriptorSet) -> Result<ExitCode, String> {
    let mut stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    let result = encode_decode::run(mode, pool, &mut stdin, &mut stdout);
    let _ = stdout.flush();
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(message) => {
            let message = message.trim_end();
            if !message.is_empty() {
                eprintln!("{message}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Parses a command line with clap. On failure, or for `--help` and `--version`, prints what
/// clap has to say and gives the exit code: failure for errors, success for help.
fn parse_args<T: Parser>(argv: impl IntoIterator<Item = String>) -> Result<T, ExitCode> {
    T::try_parse_from(argv).map_err(|e| {
        let _ = e.print();
        if e.use_stderr() {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    })
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::{select_in_order, unique_in_order};

    #[test]
    fn inputs_lose_repeats_and_keep_their_order() {
        let names = ["b", "a", "b", "c", "a"].map(String::from);
        assert_eq!(unique_in_order(names.into_iter()), ["b", "a", "c"]);
    }

    #[test]
    fn named_files_are_picked_in_input_order_reading_each_name_once() {
        let n = 20_000;
        let all: Vec<String> = (0..n).map(|i| format!("f{i}.proto")).collect();
        // Every other file, last first, and one name twice.
        let mut inputs: Vec<String> = (0..n)
            .rev()
            .step_by(2)
            .map(|i| format!("f{i}.proto"))
            .collect();
        inputs.push("f1.proto".into());
        let reads = Cell::new(0usize);
        let (named, rest) = select_in_order(
            all,
            |f: &String| {
                reads.set(reads.get() + 1);
                f.as_str()
            },
            &inputs,
        );
        assert_eq!(named, inputs[..n / 2]);
        assert_eq!(rest.len(), n / 2);
        assert_eq!(reads.get(), n, "one read of each file's name");
    }
}
