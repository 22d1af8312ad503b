//! Generation in two halves, for front ends that write messages and services to separate
//! outputs (the `protoc-gen-protoforge` and `protoc-gen-protoforge-grpc` plugins, and
//! `protoforge --rust_out` / `--rust-grpc_out`): [`Part::Messages`] is everything but the
//! gRPC services; [`Part::Services`] is only the services, meant to be `include!`d into the
//! same module as the messages of their package. Both are ordinary runs of the generator
//! over a set of descriptors prepared for the half.

use std::collections::HashSet;

use protoforge::descriptor::{FileDescriptorProto, FileDescriptorSet};

use crate::{Config, Error, GeneratedFile};

/// Which half of the generated code [`generate_part`](crate::generate_part) writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Messages, enums and extensions, one `<package>.rs` per package.
    Messages,
    /// gRPC servers and clients only, one `<package>.rs` per package that has services, to be
    /// `include!`d into the same module as the messages of that package.
    Services,
}

/// Runs `part` of the generation (see [`crate::generate_part`]).
pub(crate) fn run(
    set: &FileDescriptorSet,
    files_to_generate: &[String],
    config: &Config,
    part: Part,
) -> Result<Vec<GeneratedFile>, Error> {
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
    crate::generate(&set, &generate, &config)
}
