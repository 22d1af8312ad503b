//! Runs [`protoforge_build`] the way a build script does, on corpus files, and compares with
//! independent truth: the generated files with codegen run on protoc's descriptor set, the
//! descriptor set file with protoc's, the error text with protoc's stderr.

use std::path::{Path, PathBuf};

use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("protoforge-build-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

#[test]
fn writes_what_codegen_makes_from_protocs_descriptors() {
    let src = corpus().join("grpc/src");
    let out = temp("health");
    let descriptors = out.join("descriptors.bin");
    protoforge_build::configure()
        .out_dir(&out)
        .include_file("all.rs")
        .file_descriptor_set_path(&descriptors)
        .emit_rerun_if_changed(false)
        .compile_protos(&[src.join("grpc/health/v1/health.proto")], &[&src])
        .expect("compile");
    let golden = std::fs::read(corpus().join("grpc/goldens/grpc/health/v1/health.proto.src.pb"))
        .expect("golden");
    let set = FileDescriptorSet::decode(&golden[..]).expect("decode golden");
    let config = protoforge_codegen::Config::new().include_file("all.rs");
    let want = protoforge_codegen::generate(&set, &["grpc/health/v1/health.proto".into()], &config)
        .expect("codegen on golden");
    assert_eq!(want.len(), 2);
    for file in want {
        let got = std::fs::read_to_string(out.join(&file.name)).expect("file written");
        assert!(got == file.content, "{} differs", file.name);
    }
    let written = std::fs::read(&descriptors).expect("descriptor set written");
    assert_eq!(
        FileDescriptorSet::decode(&written[..]).expect("decode ours"),
        set,
        "descriptor set differs from protoc's"
    );
}

#[test]
fn compile_errors_carry_protocs_message() {
    let dir = temp("bad");
    std::fs::write(
        dir.join("bad.proto"),
        "syntax = \"proto3\";\nimport \"missing.proto\";\nmessage A { Missing m = 1; }\n",
    )
    .expect("write proto");
    let protoc = protoforge_test_support::protoc(
        &dir,
        &["-I.", "--descriptor_set_out=/dev/null", "bad.proto"],
    );
    assert!(!protoc.status.success());
    let protoc_stderr = String::from_utf8_lossy(&protoc.stderr);
    let err = protoforge_build::configure()
        .out_dir(dir.join("out"))
        .emit_rerun_if_changed(false)
        .compile_protos(&[dir.join("bad.proto")], &[&dir])
        .expect_err("must fail");
    let message = err.to_string();
    // Our input is an absolute path, protoc's a relative one: compare the messages after it.
    for line in protoc_stderr.lines() {
        let tail = line.split_once("bad.proto").map_or(line, |(_, t)| t);
        assert!(message.contains(tail), "missing `{tail}` in:\n{message}");
    }
}

#[test]
fn error_debug_form_keeps_line_breaks() {
    // `fn main() -> io::Result<()>` makes cargo print the error's Debug form.
    let dir = temp("debug");
    std::fs::write(
        dir.join("a.proto"),
        "syntax = \"proto3\";\nmessage A { B b = 1; }\n",
    )
    .expect("write proto");
    let err = protoforge_build::configure()
        .out_dir(dir.join("out"))
        .emit_rerun_if_changed(false)
        .compile_protos(&[dir.join("a.proto")], &[&dir])
        .expect_err("must fail");
    let debug = format!("{err:?}");
    assert!(
        debug.contains("\na.proto:2:13: \"B\" is not defined.\n"),
        "{debug}"
    );
}

#[test]
fn every_config_switch_is_reachable_from_the_builder() {
    let src = corpus().join("grpc/src");
    let file = "grpc/health/v1/health.proto";
    let out = temp("switches");
    protoforge_build::configure()
        .out_dir(&out)
        .emit_rerun_if_changed(false)
        .disable_comments(["."])
        .grpc_transport_path("::my_tonic")
        .descriptor_from_runtime(false)
        .compile_well_known_types(true)
        .required_is_decode_error(true)
        .file_descriptor_set(true)
        .bundle_runtime(true)
        .include_file("mod.rs")
        .module_files(true)
        .compile_protos(&[src.join(file)], &[&src])
        .expect("compile");
    let options = "disable_comments=.,grpc_transport_path=::my_tonic,descriptor_from_runtime=false,\
                   compile_well_known_types=true,required_is_error=true,\
                   file_descriptor_set=true,bundle_runtime=true,include_file=mod.rs,module_files=true";
    let config = protoforge_codegen::Config::from_options(options).expect("options");
    let golden =
        std::fs::read(corpus().join(format!("grpc/goldens/{file}.src.pb"))).expect("golden");
    let set = FileDescriptorSet::decode(&golden[..]).expect("decode golden");
    let want = protoforge_codegen::generate(&set, &[file.to_string()], &config).expect("codegen");
    let default = protoforge_codegen::generate(
        &set,
        &[file.to_string()],
        &protoforge_codegen::Config::new().include_file("mod.rs"),
    )
    .expect("codegen");
    assert_ne!(want, default, "the switches change nothing");
    for f in want {
        let got = std::fs::read_to_string(out.join(&f.name)).expect("file written");
        assert!(got == f.content, "{} differs", f.name);
    }
}
