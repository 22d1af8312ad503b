//! The Rust generators behind `--rust_out` / `protoc-gen-protoforge` (messages, enums and
//! extensions) and `--rust-grpc_out` / `protoc-gen-protoforge-grpc` (gRPC services), shared by
//! the `protoforge` command and the plugin binaries so both produce the same bytes. Each takes
//! a `CodeGeneratorRequest` and answers with a `CodeGeneratorResponse`, exactly as a protoc
//! plugin does; the command runs them in-process and treats the answer like a plugin's.

use std::collections::{HashMap, HashSet};

use protoforge::descriptor::{Edition, FileDescriptorProto, FileDescriptorSet};
use protoforge::plugin::code_generator_response::{Feature, File};
use protoforge::plugin::{CodeGeneratorRequest, CodeGeneratorResponse};
use protoforge_codegen::Config;

/// Which half of the generated code a generator writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Messages, enums and extensions, one `<package>.rs` per package.
    Messages,
    /// gRPC servers and clients only, one `<package>.rs` per package that has services, to be
    /// `include!`d into the same module as the messages of that package.
    Services,
}

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
    let files = generate_part(&set, &request.file_to_generate, &config, part)?;
    Ok(files
        .into_iter()
        .map(|(name, content)| File {
            name: Some(name),
            content: Some(content),
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

/// Generates `part` of `files_to_generate` (names in `set`), as `(file name, content)` pairs.
pub fn generate_part(
    set: &FileDescriptorSet,
    files_to_generate: &[String],
    config: &Config,
    part: Part,
) -> Result<Vec<(String, String)>, String> {
    let (set, generate, config) = match part {
        // The descriptors stay whole (a `FILE_DESCRIPTOR_SET` constant still describes the
        // services); only the service code is turned off.
        Part::Messages => (
            set.clone(),
            files_to_generate.to_vec(),
            config.clone().build_server(false).build_client(false),
        ),
        Part::Services => {
            // Each file with services is split in two: a copy holding its types under
            // another name, not generated (so the services can refer to them), placed first,
            // then the file itself holding only its services. Descriptor constants,
            // reflection and the bundled runtime file belong to the messages half (the
            // runtime path stays as configured).
            let generated: HashSet<&str> = files_to_generate.iter().map(String::as_str).collect();
            let is_generated = |f: &FileDescriptorProto| generated.contains(f.name());
            let mut out = FileDescriptorSet::default();
            let mut generate = Vec::new();
            for file in &set.file {
                if is_generated(file) && !file.service.is_empty() {
                    let mut types = file.clone();
                    types.service.clear();
                    types.name = Some(format!("{}\u{0}types", file.name()));
                    out.file.push(types);
                    let mut services = file.clone();
                    services.message_type.clear();
                    services.enum_type.clear();
                    services.extension.clear();
                    generate.push(file.name().to_string());
                    out.file.push(services);
                } else {
                    out.file.push(file.clone());
                }
            }
            if generate.is_empty() {
                return Ok(Vec::new());
            }
            let config = config
                .clone()
                .bundle_runtime(false)
                .reflect(false)
                .serde(false)
                .file_descriptor_set(false);
            (out, generate, config)
        }
    };
    let files =
        protoforge_codegen::generate(&set, &generate, &config).map_err(|e| e.to_string())?;
    Ok(files.into_iter().map(|f| (f.name, f.content)).collect())
}
