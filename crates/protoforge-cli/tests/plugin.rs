//! Runs `protoc-gen-protoforge` under real protoc (`python3 -m grpc_tools.protoc`) on corpus
//! files and checks that the files protoc writes are byte-identical to what
//! `protoforge_codegen::generate` makes from protoc's own descriptor set of the same file
//! (`goldens/<f>.src.pb`) with services turned off (they are `protoc-gen-protoforge-grpc`'s),
//! that a bad parameter comes back as protoc's `--protoforge_out: <message>` error, and that
//! the plugin reads `source_file_descriptors` when the request has them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use protoforge::Message;
use protoforge::descriptor::FileDescriptorSet;
use protoforge_codegen::Config;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/descriptors")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("protoforge-plugin-{}", std::process::id()))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Runs real protoc on `file` of `corpus` with our plugin writing to `out` (the `out_arg`
/// may carry a `PARAM:` prefix).
fn protoc(corpus_name: &str, file: &str, out_arg: &str) -> Output {
    protoforge_test_support::protoc(
        &corpus().join(corpus_name).join("src"),
        &[
            "-I.".to_string(),
            format!(
                "--plugin=protoc-gen-protoforge={}",
                env!("CARGO_BIN_EXE_protoc-gen-protoforge")
            ),
            format!("--protoforge_out={out_arg}"),
            file.to_string(),
        ],
    )
}

/// Every file under `dir`, by path relative to `dir`.
fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("read output dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let name = path.strip_prefix(root).expect("under root");
                let text = std::fs::read_to_string(&path).expect("utf-8 output");
                out.insert(name.to_string_lossy().replace('\\', "/"), text);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// What codegen makes directly from protoc's descriptor set (with source info) of `file`.
fn expected(corpus_name: &str, file: &str, config: &Config) -> BTreeMap<String, String> {
    let golden = corpus()
        .join(corpus_name)
        .join("goldens")
        .join(format!("{file}.src.pb"));
    let bytes = std::fs::read(&golden).expect("golden descriptor set");
    let set = FileDescriptorSet::decode(&bytes[..]).expect("decode golden");
    let config = config.clone().build_server(false).build_client(false);
    protoforge_codegen::generate(&set, &[file.to_string()], &config)
        .unwrap_or_else(|e| panic!("codegen failed on {file}: {e}"))
        .into_iter()
        .map(|f| (f.name, f.content))
        .collect()
}

#[track_caller]
fn check_plugin(corpus_name: &str, file: &str, parameter: &str) {
    let out = temp(&file.replace('/', "_"));
    let out_arg = if parameter.is_empty() {
        out.display().to_string()
    } else {
        format!("{parameter}:{}", out.display())
    };
    let run = protoc(corpus_name, file, &out_arg);
    assert!(
        run.status.success(),
        "protoc with the plugin failed on {file}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let config = Config::from_options(parameter).expect("valid parameter");
    let want = expected(corpus_name, file, &config);
    let got = read_tree(&out);
    assert!(!want.is_empty(), "nothing generated for {file}");
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "file names differ for {file}"
    );
    for (name, text) in &want {
        assert!(
            got[name] == *text,
            "{name} from {file} differs from direct codegen"
        );
    }
}

#[test]
fn plugin_output_matches_direct_codegen() {
    for (corpus_name, file) in [
        ("protobuf", "editions/golden/simple_proto2.proto"),
        ("protobuf", "editions/codegen_tests/proto3_optional.proto"),
        (
            "protobuf",
            "editions/codegen_tests/edition2023_string_type.proto",
        ),
        ("protobuf", "conformance/conformance.proto"),
        ("grpc", "grpc/examples/helloworld.proto"),
        ("grpc", "grpc/health/v1/health.proto"),
        ("grpc", "grpc/testing/messages.proto"),
    ] {
        check_plugin(corpus_name, file, "");
    }
}

#[test]
fn plugin_parameter_reaches_the_config() {
    let parameter =
        r"btree_map=.,include_file=all.rs,build_client=false,type_attribute=.=#[derive(Eq\, Hash)]";
    check_plugin("grpc", "grpc/health/v1/health.proto", parameter);
    let out = temp("param-check");
    let run = protoc(
        "grpc",
        "grpc/health/v1/health.proto",
        &format!("{parameter}:{}", out.display()),
    );
    assert!(run.status.success());
    let files = read_tree(&out);
    assert!(
        files.contains_key("all.rs"),
        "include file missing: {files:?}"
    );
    let package = &files["grpc.health.v1.rs"];
    assert!(package.contains("derive(Eq, Hash)"));
    assert!(
        !package.contains("HealthClient") && !package.contains("HealthServer"),
        "services are protoc-gen-protoforge-grpc's, not the message plugin's"
    );
}

#[test]
fn bad_parameter_is_a_protoc_error() {
    let out = temp("bad");
    let run = protoc(
        "grpc",
        "grpc/examples/helloworld.proto",
        &format!("no_such_option=1:{}", out.display()),
    );
    assert!(!run.status.success(), "protoc accepted a bad parameter");
    assert_eq!(
        String::from_utf8_lossy(&run.stderr).trim_end(),
        "--protoforge_out: unknown option `no_such_option`"
    );
    assert!(
        read_tree(&out).is_empty(),
        "files written despite the error"
    );
}

#[test]
fn garbage_request_is_an_error_response() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_protoc-gen-protoforge"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn plugin");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&[0x0a, 0xff, 0x01])
        .expect("write request");
    let run = child.wait_with_output().expect("plugin output");
    assert!(run.status.success(), "plugin must exit 0");
    let response =
        protoforge::plugin::CodeGeneratorResponse::decode(&run.stdout[..]).expect("a response");
    assert!(
        response
            .error()
            .starts_with("cannot decode the CodeGeneratorRequest"),
        "{}",
        response.error()
    );
    assert_eq!(response.supported_features(), 3);
    assert_eq!(response.minimum_edition(), 1000);
    assert_eq!(response.maximum_edition(), 1001);
    assert!(response.file.is_empty());
}

/// Runs `binary` on the encoded `request` and decodes its response.
fn ask(
    binary: &str,
    request: &protoforge::plugin::CodeGeneratorRequest,
) -> protoforge::plugin::CodeGeneratorResponse {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(binary)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn plugin");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&request.encode_to_vec())
        .expect("write request");
    let run = child.wait_with_output().expect("plugin output");
    assert!(run.status.success(), "plugin must exit 0");
    protoforge::plugin::CodeGeneratorResponse::decode(&run.stdout[..]).expect("a response")
}

#[test]
fn source_file_descriptors_win_over_proto_file() {
    let file = "grpc/health/v1/health.proto";
    let golden = corpus().join(format!("grpc/goldens/{file}.src.pb"));
    let set =
        FileDescriptorSet::decode(&std::fs::read(golden).expect("golden")[..]).expect("decode");
    let full = set
        .file
        .iter()
        .find(|f| f.name() == file)
        .expect("the file")
        .clone();
    let mut hollow = full.clone();
    hollow.message_type.clear();
    hollow.enum_type.clear();
    let others: Vec<_> = set
        .file
        .iter()
        .filter(|f| f.name() != file)
        .cloned()
        .collect();
    let mut request = protoforge::plugin::CodeGeneratorRequest {
        file_to_generate: vec![file.to_string()],
        proto_file: others.iter().cloned().chain([hollow]).collect(),
        source_file_descriptors: vec![full.clone()],
        ..Default::default()
    };
    for binary in [
        env!("CARGO_BIN_EXE_protoc-gen-protoforge"),
        env!("CARGO_BIN_EXE_protoc-gen-protoforge-grpc"),
    ] {
        let response = ask(binary, &request);
        assert_eq!(response.error(), "", "{binary}");
        let text: String = response.file.iter().map(|f| f.content()).collect();
        assert!(
            text.contains("HealthCheckRequest"),
            "{binary} ignored source_file_descriptors"
        );
    }
    // Without source_file_descriptors, proto_file is used.
    request.source_file_descriptors.clear();
    request.proto_file = others.into_iter().chain([full]).collect();
    let response = ask(env!("CARGO_BIN_EXE_protoc-gen-protoforge"), &request);
    assert_eq!(response.error(), "");
    assert!(
        response
            .file
            .iter()
            .any(|f| f.content().contains("pub struct HealthCheckRequest"))
    );
}
