//! Generates the code of the benchmark's `.proto` files four times, all from one compilation
//! by protoforge (no protoc needed): protoforge-build writes `OUT_DIR/protoforge/` and the
//! `FileDescriptorSet` it compiled (`OUT_DIR/protos.pb`), and `OUT_DIR/protoforge_shared/`
//! with `shared_strings` and `bytes` on every file; prost-build
//! (`OUT_DIR/prost/`) and buffa-build (`OUT_DIR/buffa/`) generate from that set.

use std::path::PathBuf;

/// The files code is generated for (buffa-build generates only the files it is given, so the
/// imports are listed too).
const PROTOS: &[&str] = &[
    "opentelemetry/proto/common/v1/common.proto",
    "opentelemetry/proto/resource/v1/resource.proto",
    "opentelemetry/proto/trace/v1/trace.proto",
    "opentelemetry/proto/metrics/v1/metrics.proto",
    "opentelemetry/proto/collector/trace/v1/trace_service.proto",
    "opentelemetry/proto/collector/metrics/v1/metrics_service.proto",
    "node.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let set_path = out.join("protos.pb");
    let disk: Vec<String> = PROTOS.iter().map(|p| format!("proto/{p}")).collect();

    protoforge_build::configure()
        .build_client(false)
        .build_server(false)
        .out_dir(out.join("protoforge"))
        .include_file("mod.rs")
        .file_descriptor_set_path(&set_path)
        .compile_protos(&disk, &["proto"])?;
    // The same files with strings and bytes in shared `bytes::Bytes` buffers, decoded from a
    // `Bytes` without copying them.
    protoforge_build::configure()
        .build_client(false)
        .build_server(false)
        .shared_strings(["."])
        .bytes(["."])
        .out_dir(out.join("protoforge_shared"))
        .include_file("mod.rs")
        .compile_protos(&disk, &["proto"])?;
    let encoded = std::fs::read(&set_path)?;

    let set = <prost_types::FileDescriptorSet as prost::Message>::decode(encoded.as_slice())?;
    let prost_out = out.join("prost");
    std::fs::create_dir_all(&prost_out)?;
    prost_build::Config::new()
        .out_dir(&prost_out)
        .include_file("mod.rs")
        .compile_fds(set)?;

    let buffa_out = out.join("buffa");
    std::fs::create_dir_all(&buffa_out)?;
    buffa_build::Config::new()
        .descriptor_set(&set_path)
        .files(PROTOS)
        // Owned types only: views are buffa's zero-copy reading, which the others lack.
        .generate_views(false)
        .out_dir(&buffa_out)
        .include_file("mod.rs")
        .compile()?;
    Ok(())
}
