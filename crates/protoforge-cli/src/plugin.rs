//! The protoc-plugin side of the Rust generators behind `--rust_out` /
//! `protoc-gen-protoforge` (messages, enums and extensions) and `--rust-grpc_out` /
//! `protoc-gen-protoforge-grpc` (gRPC services), shared by the `protoforge` command and the
//! plugin binaries so both produce the same bytes. [`respond`] takes a
//! `CodeGeneratorRequest` and answers with a `CodeGeneratorResponse`, exactly as a protoc
//! plugin does (the split into halves is `protoforge_codegen::generate_part`); the command
//! runs it in-process and treats the answer like a plugin's, and [`run`] is the plugin
//! binaries' `main`: request on stdin, response on stdout.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::process::ExitCode;

use protoforge::Message;
use protoforge::descriptor::{Edition, FileDescriptorSet};
use protoforge::plugin::code_generator_response::{Feature, File};
use protoforge::plugin::{CodeGeneratorRequest, CodeGeneratorResponse};
use protoforge_codegen::{Config, Part};

/// The oldest edition the generators accept.
pub const MINIMUM_EDITION: Edition = Edition::Edition2023;
/// The newest edition the generators accept.
pub const MAXIMUM_EDITION: Edition = Edition::Edition2024;

/// Answers `request`: the generated files, or an error; never panics on bad input (a
/// generator bug is caught and reported as the response's error).
pub fn respond(request: &CodeGeneratorRequest, part: Part) -> CodeGeneratorResponse {
    let mut response = empty_response();
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| generate(request, part)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(format!(
            "code generation panicked (a protoforge bug): {what}"
        ))
    });
    std::panic::set_hook(previous_hook);
    match result {
        Ok(files) => response.file = files,
        Err(message) => response.error = Some(message),
    }
    response
}

/// A response declaring the generators' features and editions, with no files yet.
pub fn empty_response() -> CodeGeneratorResponse {
    CodeGeneratorResponse {
        supported_features: Some(Feature::Proto3Optional as u64 | Feature::SupportsEditions as u64),
        minimum_edition: Some(MINIMUM_EDITION as i32),
        maximum_edition: Some(MAXIMUM_EDITION as i32),
        ..Default::default()
    }
}

/// Parses the parameter and generates `part` for the request's files.
fn generate(request: &CodeGeneratorRequest, part: Part) -> Result<Vec<File>, String> {
    let config = Config::from_options(request.parameter())?;
    let set = request_set(request);
    let files = protoforge_codegen::generate_part(&set, &request.file_to_generate, &config, part)
        .map_err(|e| e.to_string())?;
    Ok(files
        .into_iter()
        .map(|f| File {
            name: Some(f.name),
            content: Some(f.content),
            ..Default::default()
        })
        .collect())
}

/// The descriptors of a request: `proto_file`, with each file to generate replaced by its
/// `source_file_descriptors` entry (which keeps source-retention options) when present.
pub fn request_set(request: &CodeGeneratorRequest) -> FileDescriptorSet {
    let mut files = request.proto_file.clone();
    let mut slots: HashMap<&str, usize> = HashMap::new();
    for (index, file) in request.proto_file.iter().enumerate() {
        slots.entry(file.name()).or_insert(index);
    }
    for source in &request.source_file_descriptors {
        if let Some(&slot) = slots.get(source.name()) {
            files[slot] = source.clone();
        }
    }
    FileDescriptorSet {
        file: files,
        ..Default::default()
    }
}

/// Runs the plugin `name` generating `part`: every generator failure is reported in the
/// response (see [`respond`]); only an unreadable stdin or unwritable stdout fails the process.
pub fn run(name: &str, part: Part) -> ExitCode {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("{name}: cannot read the request from stdin: {e}");
        return ExitCode::FAILURE;
    }
    let response = match CodeGeneratorRequest::decode(&input[..]) {
        Ok(request) => respond(&request, part),
        Err(e) => {
            let mut response = empty_response();
            response.error = Some(format!("cannot decode the CodeGeneratorRequest: {e}"));
            response
        }
    };
    let bytes = CodeGeneratorResponse::encode_to_vec(&response);
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(&bytes).and_then(|()| stdout.flush()) {
        eprintln!("{name}: cannot write the response to stdout: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
