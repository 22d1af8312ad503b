//! `protoc-gen-protoforge`: protoforge's Rust code generator as a protoc plugin. It reads a
//! `CodeGeneratorRequest` on stdin, parses the request's parameter with
//! [`Config::from_options`] (the keys of `--rust_opt`), generates with
//! [`protoforge_codegen::generate`] and writes a `CodeGeneratorResponse` on stdout. Every
//! failure (unreadable request, bad parameter, inconsistent descriptors) becomes the
//! response's `error`, and the process exits 0, as protoc expects of a plugin; only an
//! unreadable stdin or unwritable stdout exits non-zero.

use std::io::{Read, Write};
use std::process::ExitCode;

use protoforge::Message;
use protoforge::descriptor::{Edition, FileDescriptorSet};
use protoforge::plugin::code_generator_response::{Feature, File};
use protoforge::plugin::{CodeGeneratorRequest, CodeGeneratorResponse};
use protoforge_codegen::Config;

fn main() -> ExitCode {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("protoc-gen-protoforge: cannot read the request from stdin: {e}");
        return ExitCode::FAILURE;
    }
    let response = respond(&input).encode_to_vec();
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(&response).and_then(|()| stdout.flush()) {
        eprintln!("protoc-gen-protoforge: cannot write the response to stdout: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// The response to the encoded request `input`: the generated files, or an error.
fn respond(input: &[u8]) -> CodeGeneratorResponse {
    let mut response = CodeGeneratorResponse {
        supported_features: Some(Feature::Proto3Optional as u64 | Feature::SupportsEditions as u64),
        minimum_edition: Some(Edition::Edition2023 as i32),
        maximum_edition: Some(Edition::Edition2024 as i32),
        ..Default::default()
    };
    // A bug in the generator must still reach protoc as an error, not as a crash.
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| generate(input)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(format!(
            "code generation panicked (a protoforge bug): {what}"
        ))
    });
    match result {
        Ok(files) => response.file = files,
        Err(message) => response.error = Some(message),
    }
    response
}

/// Decodes the request, parses its parameter and generates the files.
fn generate(input: &[u8]) -> Result<Vec<File>, String> {
    let request = CodeGeneratorRequest::decode(input)
        .map_err(|e| format!("cannot decode the CodeGeneratorRequest: {e}"))?;
    let config = Config::from_options(request.parameter())?;
    let set = FileDescriptorSet {
        file: request.proto_file,
        ..Default::default()
    };
    let files = protoforge_codegen::generate(&set, &request.file_to_generate, &config)
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
