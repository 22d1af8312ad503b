//! Regenerates `protobuf_test_messages.proto3.rs` beside this file with prost-build, for the
//! prost side of the `codec` bench. Not part of any build: run it as described in this
//! folder's README (a scratch crate with `prost-build` as its only dependency, and `PROTOC`
//! pointing at a script that runs `python3 -m grpc_tools.protoc`).

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(include), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: regenerate INCLUDE_DIR OUT_DIR");
        std::process::exit(2);
    };
    let proto = format!("{include}/google/protobuf/test_messages_proto3.proto");
    let result = prost_build::Config::new()
        .out_dir(&out)
        .compile_protos(&[proto], &[include]);
    if let Err(error) = result {
        eprintln!("prost-build failed: {error}");
        std::process::exit(1);
    }
}
