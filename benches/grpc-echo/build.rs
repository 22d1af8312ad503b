//! Generates the code of `proto/echo.proto` twice: with protoforge-build (natively, no protoc)
//! into `OUT_DIR/protoforge/`, and with tonic-prost-build into `OUT_DIR/prost/`. prost-build
//! needs a protoc binary: `PROTOC` when set, else a small script that runs the protoc of pip's
//! `grpcio-tools` (`python3 -m grpc_tools.protoc`), which CI installs.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo::rerun-if-changed=proto/echo.proto");
    println!("cargo::rerun-if-env-changed=PROTOC");

    let ours = out.join("protoforge");
    std::fs::create_dir_all(&ours)?;
    protoforge_build::configure()
        .out_dir(&ours)
        .compile_protos(&["proto/echo.proto"], &["proto"])?;

    let theirs = out.join("prost");
    std::fs::create_dir_all(&theirs)?;
    let protoc = match std::env::var_os("PROTOC") {
        Some(path) => PathBuf::from(path),
        None => {
            let script = out.join("protoc-via-grpc-tools.sh");
            std::fs::write(
                &script,
                "#!/bin/sh\nexec python3 -m grpc_tools.protoc \"$@\"\n",
            )?;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
            script
        }
    };
    let mut config = prost_build::Config::new();
    config.protoc_executable(protoc);
    tonic_prost_build::configure()
        .out_dir(&theirs)
        .compile_with_config(config, &["proto/echo.proto"], &["proto"])
}
