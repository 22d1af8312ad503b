//! Code generation directives (`--NAME_out`, `--NAME_opt`, `--plugin`) and running them like
//! protoc: the built-in Rust generators in-process, every other `NAME` as the plugin
//! `protoc-gen-NAME` (a registered path, or found on `PATH`), each given a
//! `CodeGeneratorRequest` built by protoc's rules and checked against the features and
//! editions its response declares. Outputs are kept in memory and written only after every
//! directive succeeded.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read as _, Write as _};
use std::process::{Command, Stdio};

use protoforge::Message as _;
use protoforge::descriptor::{DescriptorProto, FileDescriptorProto, FileDescriptorSet};
use protoforge::plugin::{CodeGeneratorRequest, CodeGeneratorResponse, Version};
use protoforge_cli::plugin;
use protoforge_codegen::Part;

use crate::output::OutputContext;

/// The built-in generators: flag name (between `--` and `_out`) and what they write.
const BUILT_IN: &[(&str, Part)] = &[("rust", Part::Messages), ("rust-grpc", Part::Services)];

/// The protoc version the plugin requests claim (`compiler_version`): the protoc whose
/// behaviour protoforge reproduces, 35.1, which protoc itself reports as 7.35.1.
const COMPILER_VERSION: (i32, i32, i32) = (7, 35, 1);

/// One `--NAME_out=[PARAMETER:]LOCATION`.
#[derive(Clone, Debug)]
pub struct Directive {
    /// `NAME`.
    pub name: String,
    /// The part before the first `:` of the value, if any.
    pub parameter: String,
    /// Output directory, or a `.zip`/`.jar`/`.srcjar` archive.
    pub location: String,
}

/// The generation flags of one command line, in order.
#[derive(Clone, Debug, Default)]
pub struct Generators {
    /// Every `--NAME_out`, in command-line order.
    pub directives: Vec<Directive>,
    /// `--NAME_opt` values by `NAME`, joined with `,`.
    pub options: BTreeMap<String, String>,
    /// `--plugin` registrations: plugin name (`protoc-gen-NAME`) to executable path.
    pub plugins: HashMap<String, String>,
}

impl Generators {
    /// Takes the generation flags out of `args` (which keeps every other argument), reading
    /// a value from the next argument when the flag has no `=`, like protoc.
    pub fn extract(args: Vec<String>) -> Result<(Generators, Vec<String>), String> {
        let mut generators = Generators::default();
        let mut rest = Vec::new();
        let mut iter = args.into_iter();
        while let Some(arg) = iter.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) => (f.to_string(), Some(v.to_string())),
                None => (arg.clone(), None),
            };
            let kind = classify(&flag);
            let Some(kind) = kind else {
                rest.push(arg);
                continue;
            };
            let value = match inline {
                Some(v) => v,
                None => match iter.next() {
                    Some(next) if !next.starts_with('-') => next,
                    _ => return Err(format!("Missing value for flag: {flag}")),
                },
            };
            match kind {
                Flag::Plugin => {
                    let (name, path) = match value.split_once('=') {
                        Some((n, p)) => (n.to_string(), p.to_string()),
                        None => {
                            let base = value.rsplit('/').next().unwrap_or(&value);
                            (base.to_string(), value.clone())
                        }
                    };
                    generators.plugins.insert(name, path);
                }
                Flag::Out(name) => {
                    let (parameter, location) = match value.split_once(':') {
                        Some((p, l)) => (p.to_string(), l.to_string()),
                        None => (String::new(), value),
                    };
                    generators.directives.push(Directive {
                        name,
                        parameter,
                        location,
                    });
                }
                Flag::Opt(name) => {
                    let joined = generators.options.entry(name).or_default();
                    if !joined.is_empty() {
                        joined.push(',');
                    }
                    joined.push_str(&value);
                }
            }
        }
        Ok((generators, rest))
    }

    /// protoc's check that every `--NAME_opt` belongs to a plugin or an output directive.
    pub fn check_options(&self) -> Result<(), String> {
        let mut unknown = Vec::new();
        for name in self.options.keys() {
            let known = BUILT_IN.iter().any(|(b, _)| b == name)
                || self.plugins.contains_key(&plugin_name(name))
                || self.directives.iter().any(|d| &d.name == name)
                || name == "cpp";
            if !known {
                unknown.push(format!("Unknown flag: --{name}_opt"));
            }
        }
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(unknown.join("\n"))
        }
    }
}

/// What kind of generation flag a `--flag` name is.
enum Flag {
    Plugin,
    Out(String),
    Opt(String),
}

/// Flags ending in `_out` that are not generators.
const NOT_GENERATORS: &[&str] = &[
    "--descriptor_set_out",
    "--dependency_out",
    "--edition_defaults_out",
];

fn classify(flag: &str) -> Option<Flag> {
    if flag == "--plugin" {
        return Some(Flag::Plugin);
    }
    let name = flag.strip_prefix("--")?;
    if NOT_GENERATORS.contains(&flag) {
        return None;
    }
    if let Some(n) = name.strip_suffix("_out") {
        return Some(Flag::Out(n.to_string()));
    }
    name.strip_suffix("_opt").map(|n| Flag::Opt(n.to_string()))
}

/// `protoc-gen-NAME`.
fn plugin_name(name: &str) -> String {
    format!("protoc-gen-{name}")
}

/// The compiled input of a generation run.
pub struct Inputs {
    /// The files named on the command line (virtual names), in order.
    pub files_to_generate: Vec<String>,
    /// Every file with its imports, source info and all options retained (protoc's
    /// `--include_imports --include_source_info --retain_options`).
    pub retained: FileDescriptorSet,
    /// The same without source-retention options.
    pub stripped: FileDescriptorSet,
}

impl Inputs {
    /// protoc's request for a plugin: `proto_file` holds every file in dependency order with
    /// source info (options retained for imports, source-retention options stripped for
    /// the files to generate), `source_file_descriptors` the files to generate with every
    /// option; `json_name` is left out for the generators that protoc once built in.
    pub fn request(&self, parameter: &str, json_names: bool) -> CodeGeneratorRequest {
        let to_generate: HashSet<&str> =
            self.files_to_generate.iter().map(String::as_str).collect();
        let stripped: HashMap<&str, &FileDescriptorProto> = self
            .stripped
            .file
            .iter()
            .rev()
            .map(|f| (f.name(), f))
            .collect();
        let mut request = CodeGeneratorRequest {
            file_to_generate: self.files_to_generate.clone(),
            parameter: (!parameter.is_empty()).then(|| parameter.to_string()),
            compiler_version: Some(Version {
                major: Some(COMPILER_VERSION.0),
                minor: Some(COMPILER_VERSION.1),
                patch: Some(COMPILER_VERSION.2),
                suffix: Some(String::new()),
                ..Default::default()
            }),
            ..Default::default()
        };
        for file in &self.retained.file {
            if to_generate.contains(file.name()) {
                request.source_file_descriptors.push(file.clone());
                let stripped = stripped.get(file.name()).copied();
                request.proto_file.push(stripped.unwrap_or(file).clone());
            } else {
                request.proto_file.push(file.clone());
            }
        }
        if !json_names {
            for file in &mut request.proto_file {
                clear_json_names(file);
            }
        }
        request
    }
}

/// Removes `json_name` from every field and extension of `file`.
fn clear_json_names(file: &mut FileDescriptorProto) {
    fn message(m: &mut DescriptorProto) {
        for f in m.field.iter_mut().chain(m.extension.iter_mut()) {
            f.json_name = None;
        }
        m.nested_type.iter_mut().for_each(message);
    }
    for f in &mut file.extension {
        f.json_name = None;
    }
    file.message_type.iter_mut().for_each(message);
}

/// Runs every directive in order; writes all outputs if all succeeded. Returns false after
/// printing protoc's error text otherwise.
pub fn run(generators: &Generators, inputs: &Inputs, allow_escape: bool) -> bool {
    let mut contexts: BTreeMap<String, OutputContext> = BTreeMap::new();
    for directive in &generators.directives {
        let mut location = directive.location.clone();
        if !is_archive(&location) && !location.is_empty() && !location.ends_with('/') {
            location.push('/');
        }
        let context = contexts.entry(location).or_default();
        let flag = format!("--{}_out", directive.name);
        let mut parameter = directive.parameter.clone();
        if let Some(extra) = generators
            .options
            .get(&directive.name)
            .filter(|o| !o.is_empty())
        {
            if !parameter.is_empty() {
                parameter.push(',');
            }
            parameter.push_str(extra);
        }
        if let Err(error) = generate_one(generators, inputs, &directive.name, &parameter, context) {
            eprintln!("{flag}: {error}");
            return false;
        }
    }
    for (location, context) in &mut contexts {
        // Like protoc, an empty location is taken as an archive name (and fails to open).
        let ok = if location.ends_with('/') {
            context.write_to_disk(location, allow_escape)
        } else {
            context.write_to_zip(location, allow_escape)
        };
        if !ok {
            return false;
        }
    }
    true
}

fn is_archive(location: &str) -> bool {
    location.ends_with(".zip") || location.ends_with(".jar") || location.ends_with(".srcjar")
}

/// Runs one generator into `context`; the error text follows `--NAME_out: `.
fn generate_one(
    generators: &Generators,
    inputs: &Inputs,
    name: &str,
    parameter: &str,
    context: &mut OutputContext,
) -> Result<(), String> {
    let builtin = BUILT_IN.iter().find(|(b, _)| *b == name).map(|(_, p)| *p);
    let (generator, response) = match builtin {
        Some(part) => {
            let request = inputs.request(parameter, true);
            (format!("--{name}_out"), plugin::respond(&request, part))
        }
        None => {
            let plugin = plugin_name(name);
            let json_names = !matches!(
                plugin.as_str(),
                "protoc-gen-cpp"
                    | "protoc-gen-java"
                    | "protoc-gen-mutable_java"
                    | "protoc-gen-python"
            );
            let request = inputs.request(parameter, json_names);
            let response = run_plugin(&plugin, generators.plugins.get(&plugin), &request)
                .map_err(|e| format!("{plugin}: {e}"))?;
            (plugin, response)
        }
    };
    if builtin.is_some() && !response.error().is_empty() {
        return Err(response.error().to_string());
    }
    context.apply(&response.file, &generator)?;
    let retained: HashMap<&str, &FileDescriptorProto> = inputs
        .retained
        .file
        .iter()
        .rev()
        .map(|f| (f.name(), f))
        .collect();
    let generated: Vec<&FileDescriptorProto> = inputs
        .files_to_generate
        .iter()
        .filter_map(|n| retained.get(n.as_str()).copied())
        .collect();
    let mut ok = check_proto3_optional(&generator, &response, &generated);
    ok &= check_editions(&generator, &response, &generated);
    if !response.error().is_empty() {
        return Err(response.error().to_string());
    }
    if ok { Ok(()) } else { Err(String::new()) }
}

/// Starts the plugin (`path` when registered with `--plugin`, else `name` searched on
/// `PATH`), sends the request and reads the response, with protoc's failure texts.
fn run_plugin(
    name: &str,
    path: Option<&String>,
    request: &CodeGeneratorRequest,
) -> Result<CodeGeneratorResponse, String> {
    let program = path.map_or(name, String::as_str);
    // A registered path is used as given (relative to the working directory), never
    // searched on PATH.
    let exact = match path {
        Some(p) if !p.contains('/') => format!("./{p}"),
        Some(p) => p.clone(),
        None => name.to_string(),
    };
    let mut command = Command::new(&exact);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        command.arg0(program);
    }
    let spawned = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(_) => {
            eprintln!(
                "{program}: program not found or is not executable\nPlease specify a program \
                 using absolute path or make sure the program is available in your PATH \
                 system variable"
            );
            return Err("Plugin failed with status code 1.".to_string());
        }
    };
    let input = request.encode_to_vec();
    let mut stdin = child.stdin.take();
    // Write on another thread so a plugin that answers before reading cannot deadlock us;
    // a plugin that stops reading early is not an error here (protoc ignores it too).
    let writer = std::thread::spawn(move || {
        if let Some(stdin) = stdin.as_mut() {
            let _ = stdin.write_all(&input);
        }
        drop(stdin);
    });
    let mut output = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_end(&mut output);
    }
    let _ = writer.join();
    let status = child
        .wait()
        .map_err(|e| format!("waitpid: {}", crate::output::strerror(&e)))?;
    if let Some(code) = status.code() {
        if code != 0 {
            return Err(format!("Plugin failed with status code {code}."));
        }
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt as _;
            if let Some(signal) = status.signal() {
                return Err(format!("Plugin killed by signal {signal}."));
            }
        }
        return Err("Neither WEXITSTATUS nor WTERMSIG is true?".to_string());
    }
    CodeGeneratorResponse::decode(&output[..]).map_err(|_| {
        format!(
            "Plugin output is unparseable: {}",
            protoforge::__private::c_format::c_escaped(&output)
        )
    })
}

/// The edition of a file as protoc sees it (proto2 = 998, proto3 = 999).
fn edition_of(file: &FileDescriptorProto) -> i32 {
    match file.syntax() {
        "proto3" => 999,
        "editions" => file.edition.map_or(0, |e| e as i32),
        _ => 998,
    }
}

/// An edition as protoc prints it in its messages: the enum name without `EDITION_`.
fn edition_text(edition: i32) -> &'static str {
    match edition {
        0 => "UNKNOWN",
        900 => "LEGACY",
        998 => "PROTO2",
        999 => "PROTO3",
        1000 => "2023",
        1001 => "2024",
        9999 => "UNSTABLE",
        1 => "1_TEST_ONLY",
        2 => "2_TEST_ONLY",
        99997 => "99997_TEST_ONLY",
        99998 => "99998_TEST_ONLY",
        99999 => "99999_TEST_ONLY",
        i32::MAX => "MAX",
        _ => "",
    }
}

/// protoc's files exempt from editions checks.
fn skips_edition_check(name: &str) -> bool {
    [
        "google/protobuf/",
        "upb/",
        "com/google/protobuf/",
        "conformance/test_protos/",
        "test_messages_edition_unstable",
    ]
    .iter()
    .any(|p| name.starts_with(p))
}

fn has_proto3_optional(message: &DescriptorProto) -> bool {
    message.field.iter().any(|f| f.proto3_optional())
        || message.nested_type.iter().any(has_proto3_optional)
}

/// protoc's rejection of proto3 `optional` for generators that do not declare support.
fn check_proto3_optional(
    generator: &str,
    response: &CodeGeneratorResponse,
    files: &[&FileDescriptorProto],
) -> bool {
    const PROTO3_OPTIONAL: u64 = 1;
    if response.supported_features() & PROTO3_OPTIONAL != 0 {
        return true;
    }
    for file in files {
        if edition_of(file) == 999 && file.message_type.iter().any(has_proto3_optional) {
            eprintln!(
                "{}: is a proto3 file that contains optional fields, but code generator \
                 {generator} hasn't been updated to support optional fields in proto3. Please \
                 ask the owner of this code generator to support proto3 optional.",
                file.name()
            );
            return false;
        }
    }
    true
}

/// protoc's editions checks against the generator's declared support (its messages end
/// without a line break, so the `--NAME_out:` line follows on the same line).
fn check_editions(
    generator: &str,
    response: &CodeGeneratorResponse,
    files: &[&FileDescriptorProto],
) -> bool {
    const SUPPORTS_EDITIONS: u64 = 2;
    for file in files {
        let edition = edition_of(file);
        if edition < 1000 || skips_edition_check(file.name()) {
            continue;
        }
        let name = file.name();
        if response.supported_features() & SUPPORTS_EDITIONS == 0 {
            eprint!(
                "{name}: is an editions file, but code generator {generator} hasn't been \
                 updated to support editions yet.  Please ask the owner of this code generator \
                 to add support or switch back to proto2/proto3.\n\nSee \
                 https://protobuf.dev/editions/overview/ for more information."
            );
            return false;
        }
        if edition < response.minimum_edition() {
            eprint!(
                "{name}: is a file using edition {}, which isn't supported by code generator \
                 {generator}.  Please upgrade your file to at least edition {}.",
                edition_text(edition),
                edition_text(response.minimum_edition())
            );
            return false;
        }
        if edition > response.maximum_edition() {
            eprint!(
                "{name}: is a file using edition {}, which isn't supported by code generator \
                 {generator}.  Please ask the owner of this code generator to add support or \
                 switch back to a maximum of edition {}.",
                edition_text(edition),
                edition_text(response.maximum_edition())
            );
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_split_like_protoc() {
        let args = [
            "-I.",
            "--foo_out=a=b,c:dir",
            "--plugin=/x/protoc-gen-foo",
            "--foo_opt",
            "k=v",
            "--foo_opt=z",
            "--descriptor_set_out=x.pb",
            "f.proto",
        ]
        .map(String::from)
        .to_vec();
        let (g, rest) = Generators::extract(args).unwrap();
        assert_eq!(rest, ["-I.", "--descriptor_set_out=x.pb", "f.proto"]);
        assert_eq!(g.directives[0].parameter, "a=b,c");
        assert_eq!(g.directives[0].location, "dir");
        assert_eq!(g.options["foo"], "k=v,z");
        assert_eq!(g.plugins["protoc-gen-foo"], "/x/protoc-gen-foo");
        assert!(g.check_options().is_ok());
    }

    #[test]
    fn escapes_like_cescape() {
        assert_eq!(
            protoforge::__private::c_format::c_escaped(b"a\n\"\x01\xff\\"),
            "a\\n\\\"\\001\\377\\\\"
        );
    }
}
