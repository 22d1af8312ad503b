//! Byte identity of the three ways to run protoforge's Rust generators, over every corpus file
//! protoc accepts: real protoc driving `protoc-gen-protoforge` / `protoc-gen-protoforge-grpc`
//! must write exactly the files `protoforge --rust_out` / `--rust-grpc_out` write. Files are
//! compiled in as few protoc runs as possible: batches of files whose symbols do not clash
//! (decided from protoc's own descriptor sets in `goldens/`).

mod common;

use std::collections::{BTreeMap, HashMap};

use common::{assert_same_tree, corpus, protoc, protoforge, read_tree, temp};
use protoforge::Message;
use protoforge::descriptor::{DescriptorProto, FileDescriptorSet};

/// Every full name `file` defines (messages, enums, values, services, extensions) and the
/// package prefixes it lives in, with who owns them: the file's name, or `package`.
fn symbols(set: &FileDescriptorSet) -> Vec<(String, String)> {
    fn message(prefix: &str, m: &DescriptorProto, owner: &str, out: &mut Vec<(String, String)>) {
        let name = format!("{prefix}.{}", m.name());
        for f in m.field.iter().chain(&m.extension) {
            out.push((format!("{name}.{}", f.name()), owner.to_string()));
        }
        for e in &m.enum_type {
            out.push((format!("{name}.{}", e.name()), owner.to_string()));
            for v in &e.value {
                out.push((format!("{name}.{}", v.name()), owner.to_string()));
            }
        }
        for n in &m.nested_type {
            message(&name, n, owner, out);
        }
        out.push((name, owner.to_string()));
    }
    let mut out = Vec::new();
    for file in &set.file {
        let owner = file.name();
        let mut prefix = String::new();
        for part in file.package().split('.').filter(|p| !p.is_empty()) {
            prefix = format!("{prefix}.{part}");
            out.push((prefix.clone(), "package".to_string()));
        }
        for m in &file.message_type {
            message(&prefix, m, owner, &mut out);
        }
        for e in &file.enum_type {
            out.push((format!("{prefix}.{}", e.name()), owner.to_string()));
            for v in &e.value {
                out.push((format!("{prefix}.{}", v.name()), owner.to_string()));
            }
        }
        for s in &file.service {
            out.push((format!("{prefix}.{}", s.name()), owner.to_string()));
        }
        for x in &file.extension {
            out.push((format!("{prefix}.{}", x.name()), owner.to_string()));
        }
        // A file name can only be loaded once per run.
        out.push((format!("file:{owner}"), owner.to_string()));
    }
    out
}

/// The accepted files of corpus `name`, grouped into batches protoc compiles together.
fn batches(name: &str) -> Vec<Vec<String>> {
    let root = corpus().join(name);
    let ok = std::fs::read_to_string(root.join("goldens/ok.txt")).expect("ok.txt");
    let mut batches: Vec<(Vec<String>, HashMap<String, String>)> = Vec::new();
    for file in ok.lines().filter(|l| !l.is_empty()) {
        let golden =
            std::fs::read(root.join("goldens").join(format!("{file}.pb"))).expect("golden");
        let set = FileDescriptorSet::decode(&golden[..]).expect("decode golden");
        let defined = symbols(&set);
        let fits = |owners: &HashMap<String, String>| {
            defined
                .iter()
                .all(|(s, o)| owners.get(s).is_none_or(|existing| existing == o))
        };
        let index = match batches.iter().position(|(_, owners)| fits(owners)) {
            Some(i) => i,
            None => {
                batches.push((Vec::new(), HashMap::new()));
                batches.len() - 1
            }
        };
        let (files, owners) = &mut batches[index];
        files.push(file.to_string());
        owners.extend(defined);
    }
    batches.into_iter().map(|(files, _)| files).collect()
}

/// Runs both ways on one batch and compares; returns how many files were generated.
fn check_batch(corpus_name: &str, index: usize, files: &[String]) -> usize {
    let src = corpus().join(corpus_name).join("src");
    let base = temp(&format!("{corpus_name}-{index}"));
    let dirs = ["protoc", "protoc-grpc", "ours", "ours-grpc"].map(|d| {
        let dir = base.join(d);
        std::fs::create_dir_all(&dir).expect("create out dir");
        dir
    });
    let mut theirs_args = vec![
        "-I.".to_string(),
        format!(
            "--plugin=protoc-gen-protoforge={}",
            env!("CARGO_BIN_EXE_protoc-gen-protoforge")
        ),
        format!(
            "--plugin=protoc-gen-protoforge-grpc={}",
            env!("CARGO_BIN_EXE_protoc-gen-protoforge-grpc")
        ),
        format!("--protoforge_out={}", dirs[0].display()),
        format!("--protoforge-grpc_out={}", dirs[1].display()),
    ];
    theirs_args.extend(files.iter().cloned());
    let mut ours_args = vec![
        "-I.".to_string(),
        format!("--rust_out={}", dirs[2].display()),
        format!("--rust-grpc_out={}", dirs[3].display()),
    ];
    ours_args.extend(files.iter().cloned());
    let theirs = protoc(&src, &theirs_args);
    let ours = protoforge(&src, &ours_args);
    let theirs_err = String::from_utf8_lossy(&theirs.stderr)
        .replace("--protoforge-grpc_out", "--rust-grpc_out")
        .replace("--protoforge_out", "--rust_out");
    let what = format!("{corpus_name} batch {index} ({} files)", files.len());
    assert_eq!(
        String::from_utf8_lossy(&ours.stderr),
        theirs_err,
        "{what}: stderr differs"
    );
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "{what}: exit codes differ"
    );
    eprintln!(
        "{what}: exit {:?}{}",
        ours.status.code(),
        String::from_utf8_lossy(&ours.stderr)
            .lines()
            .next()
            .map(|l| format!(", {l}"))
            .unwrap_or_default()
    );
    assert_eq!(
        ours.status.code(),
        Some(0),
        "{what}: generation failed both ways"
    );
    let mut generated = 0;
    for (ours_dir, theirs_dir) in [(&dirs[2], &dirs[0]), (&dirs[3], &dirs[1])] {
        let ours_tree = read_tree(ours_dir);
        assert_same_tree(&ours_tree, &read_tree(theirs_dir), &what);
        generated += ours_tree.len();
    }
    generated
}

#[test]
fn rust_out_is_byte_identical_to_the_plugin_under_protoc() {
    let mut generated: BTreeMap<&str, usize> = BTreeMap::new();
    for corpus_name in ["protobuf", "grpc"] {
        for (index, files) in batches(corpus_name).iter().enumerate() {
            *generated.entry(corpus_name).or_default() += check_batch(corpus_name, index, files);
        }
    }
    assert!(generated["protobuf"] > 20, "{generated:?}");
    assert!(generated["grpc"] > 10, "{generated:?}");
}

#[test]
fn options_reach_the_generators_both_ways() {
    let src = corpus().join("grpc/src");
    let base = temp("options");
    let file = "grpc/health/v1/health.proto".to_string();
    let (a, b, c, d) = (
        base.join("a"),
        base.join("b"),
        base.join("c"),
        base.join("d"),
    );
    for dir in [&a, &b, &c, &d] {
        std::fs::create_dir_all(dir).expect("create out dir");
    }
    let theirs = protoc(
        &src,
        &[
            "-I.".into(),
            format!(
                "--plugin=protoc-gen-protoforge={}",
                env!("CARGO_BIN_EXE_protoc-gen-protoforge")
            ),
            format!(
                "--plugin=protoc-gen-protoforge-grpc={}",
                env!("CARGO_BIN_EXE_protoc-gen-protoforge-grpc")
            ),
            format!("--protoforge_out=btree_map=.:{}", a.display()),
            "--protoforge_opt=include_file=all.rs".into(),
            format!("--protoforge-grpc_out={}", b.display()),
            "--protoforge-grpc_opt=build_client=false".into(),
            file.clone(),
        ],
    );
    assert!(
        theirs.status.success(),
        "{}",
        String::from_utf8_lossy(&theirs.stderr)
    );
    let ours = protoforge(
        &src,
        &[
            "-I.".into(),
            format!("--rust_out=btree_map=.:{}", c.display()),
            "--rust_opt=include_file=all.rs".into(),
            format!("--rust-grpc_out={}", d.display()),
            "--rust-grpc_opt".into(),
            "build_client=false".into(),
            file,
        ],
    );
    assert!(
        ours.status.success(),
        "{}",
        String::from_utf8_lossy(&ours.stderr)
    );
    let messages = read_tree(&c);
    assert_same_tree(&messages, &read_tree(&a), "messages");
    let services = read_tree(&d);
    assert_same_tree(&services, &read_tree(&b), "services");
    assert!(messages.contains_key("all.rs"), "{:?}", messages.keys());
    let message_code = String::from_utf8_lossy(&messages["grpc.health.v1.rs"]);
    let service_code = String::from_utf8_lossy(&services["grpc.health.v1.rs"]);
    assert!(message_code.contains("pub struct HealthCheckRequest"));
    assert!(
        !message_code.contains("HealthServer"),
        "services in the messages half"
    );
    assert!(service_code.contains("HealthServer"));
    assert!(
        !service_code.contains("HealthClient"),
        "build_client=false ignored"
    );
    assert!(
        !service_code.contains("pub struct HealthCheckRequest"),
        "messages in the services half"
    );
}

#[test]
fn bad_rust_opt_is_reported_like_a_plugin_error() {
    let src = corpus().join("grpc/src");
    let out = temp("bad-opt");
    let ours = protoforge(
        &src,
        &[
            "-I.".into(),
            format!("--rust_out={}", out.display()),
            "--rust_opt=no_such_option=1".into(),
            "grpc/examples/helloworld.proto".into(),
        ],
    );
    assert_eq!(ours.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&ours.stderr),
        "--rust_out: unknown option `no_such_option`\n"
    );
    assert!(
        read_tree(&out).is_empty(),
        "files written despite the error"
    );
}

#[test]
fn missing_output_directory_is_protocs_error() {
    let src = corpus().join("grpc/src");
    let missing = temp("missing-parent").join("no/such/dir");
    let file = "grpc/examples/helloworld.proto".to_string();
    // protoc's own built-in generator shows the message for a missing directory.
    let theirs = protoc(
        &src,
        &[
            "-I.".into(),
            format!("--python_out={}", missing.display()),
            file.clone(),
        ],
    );
    let ours = protoforge(
        &src,
        &[
            "-I.".into(),
            format!("--rust_out={}", missing.display()),
            file,
        ],
    );
    assert_eq!(theirs.status.code(), Some(1));
    assert_eq!(ours.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&ours.stderr),
        String::from_utf8_lossy(&theirs.stderr)
    );
}

#[test]
fn the_two_halves_make_the_full_output() {
    // What codegen writes for a package in one piece (messages, then services) must be the
    // messages half followed by the services half, for files without extensions.
    let src = corpus().join("grpc/src");
    for file in [
        "grpc/health/v1/health.proto",
        "grpc/testing/test.proto",
        "grpc/reflection/v1/reflection.proto",
    ] {
        let golden =
            std::fs::read(corpus().join(format!("grpc/goldens/{file}.src.pb"))).expect("golden");
        let set = FileDescriptorSet::decode(&golden[..]).expect("decode golden");
        let full = protoforge_codegen::generate(
            &set,
            &[file.to_string()],
            &protoforge_codegen::Config::new(),
        )
        .expect("codegen");
        let base = temp(&format!("halves-{}", file.replace('/', "_")));
        let ours = protoforge(
            &src,
            &[
                "-I.".into(),
                format!("--rust_out={}", base.join("m").display()),
                format!("--rust-grpc_out={}", base.join("s").display()),
                file.to_string(),
            ],
        );
        // The output directories must exist first.
        assert_eq!(ours.status.code(), Some(1));
        std::fs::create_dir_all(base.join("m")).expect("mkdir");
        std::fs::create_dir_all(base.join("s")).expect("mkdir");
        let ours = protoforge(
            &src,
            &[
                "-I.".into(),
                format!("--rust_out={}", base.join("m").display()),
                format!("--rust-grpc_out={}", base.join("s").display()),
                file.to_string(),
            ],
        );
        assert!(
            ours.status.success(),
            "{}",
            String::from_utf8_lossy(&ours.stderr)
        );
        let messages = read_tree(&base.join("m"));
        let services = read_tree(&base.join("s"));
        for generated in &full {
            let m = String::from_utf8_lossy(&messages[&generated.name]).into_owned();
            let s = String::from_utf8_lossy(&services[&generated.name]).into_owned();
            // Skip the services half's header comment and the blank line after it.
            let header_end = s.find("\n\n").map_or(0, |i| i + 2);
            let joined = format!("{m}{}", &s[header_end..]);
            let at = generated
                .content
                .bytes()
                .zip(joined.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(generated.content.len().min(joined.len()));
            assert!(
                generated.content == joined,
                "{file}: halves of {} do not add up at byte {at}:\n--- full\n{}\n--- halves\n{}",
                generated.name,
                &generated.content[at.saturating_sub(200)..(at + 200).min(generated.content.len())],
                &joined[at.saturating_sub(200)..(at + 200).min(joined.len())]
            );
        }
    }
}

#[test]
fn bundled_runtime_is_written_by_the_messages_half_only() {
    let src = corpus().join("grpc/src");
    let base = temp("bundle");
    let (m, s) = (base.join("m"), base.join("s"));
    std::fs::create_dir_all(&m).expect("mkdir");
    std::fs::create_dir_all(&s).expect("mkdir");
    let ours = protoforge(
        &src,
        &[
            "-I.".into(),
            format!("--rust_out=bundle_runtime:{}", m.display()),
            format!("--rust-grpc_out=bundle_runtime:{}", s.display()),
            "grpc/examples/helloworld.proto".into(),
        ],
    );
    assert!(
        ours.status.success(),
        "{}",
        String::from_utf8_lossy(&ours.stderr)
    );
    let messages = read_tree(&m);
    let services = read_tree(&s);
    assert!(
        messages.contains_key("protoforge_runtime.rs"),
        "{:?}",
        messages.keys()
    );
    assert_eq!(services.keys().collect::<Vec<_>>(), ["helloworld.rs"]);
    assert!(
        String::from_utf8_lossy(&services["helloworld.rs"]).contains("crate::protoforge_runtime")
    );
}
