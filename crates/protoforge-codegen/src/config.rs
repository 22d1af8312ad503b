//! [`Config`]: the settings of one code generation run (map and bytes representations,
//! extra attributes, extern paths, the runtime crate path, the include file, comments).

/// How to generate Rust code; the defaults suit most users.
///
/// Paths select protobuf elements by fully qualified name: `"."` matches everything,
/// `".pkg.Message"` matches that message (and its fields and nested types), `".pkg"` a whole
/// package, and a name without a leading dot (`"Message.field"`) matches by suffix.
///
/// # Examples
///
/// ```
/// use protoforge_codegen::Config;
/// let config = Config::new().btree_map(["."]).bytes([".my.pkg.Blob.data"]);
/// assert!(config.runtime_path() == "::protoforge");
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) runtime: String,
    pub(crate) btree_map: Vec<String>,
    pub(crate) bytes: Vec<String>,
    pub(crate) shared_strings: Vec<String>,
    pub(crate) unverified_strings_as_bytes: Vec<String>,
    pub(crate) type_attributes: Vec<(String, String)>,
    pub(crate) message_attributes: Vec<(String, String)>,
    pub(crate) enum_attributes: Vec<(String, String)>,
    pub(crate) field_attributes: Vec<(String, String)>,
    pub(crate) extern_paths: Vec<(String, String)>,
    pub(crate) include_file: Option<String>,
    pub(crate) disable_comments: Vec<String>,
    pub(crate) descriptor_in_runtime: bool,
    pub(crate) build_server: bool,
    pub(crate) build_client: bool,
    pub(crate) grpc_transport: String,
    pub(crate) module_files: bool,
    pub(crate) compile_well_known_types: bool,
    pub(crate) bundle_runtime: bool,
    pub(crate) required_is_decode_error: bool,
    pub(crate) reflect: bool,
    pub(crate) file_descriptor_set: bool,
    pub(crate) serde: bool,
    pub(crate) views: Vec<String>,
    pub(crate) drop_unknown_fields: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

impl Config {
    /// The default configuration: `HashMap` maps, `Vec<u8>` bytes, comments on, runtime at
    /// `::protoforge`, no include file, descriptor.proto types taken from the runtime.
    pub fn new() -> Self {
        Config {
            runtime: "::protoforge".to_string(),
            btree_map: Vec::new(),
            bytes: Vec::new(),
            shared_strings: Vec::new(),
            unverified_strings_as_bytes: Vec::new(),
            type_attributes: Vec::new(),
            message_attributes: Vec::new(),
            enum_attributes: Vec::new(),
            field_attributes: Vec::new(),
            extern_paths: Vec::new(),
            include_file: None,
            disable_comments: Vec::new(),
            descriptor_in_runtime: true,
            build_server: true,
            build_client: true,
            grpc_transport: "::tonic".to_string(),
            module_files: false,
            compile_well_known_types: false,
            bundle_runtime: false,
            required_is_decode_error: false,
            reflect: false,
            file_descriptor_set: false,
            serde: false,
            views: Vec::new(),
            drop_unknown_fields: Vec::new(),
        }
    }

    /// Map fields matching any of `paths` become `BTreeMap` instead of `HashMap`.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().btree_map([".my.pkg.Index.entries"]);
    /// # let _ = config;
    /// ```
    pub fn btree_map<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.btree_map.extend(paths.into_iter().map(Into::into));
        self
    }

    /// `bytes` fields matching any of `paths` become `bytes::Bytes` instead of `Vec<u8>`.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().bytes(["."]);
    /// # let _ = config;
    /// ```
    pub fn bytes<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.bytes.extend(paths.into_iter().map(Into::into));
        self
    }

    /// `string` fields matching any of `paths` become [`protoforge::BytesStr`] instead of
    /// `String`: UTF-8 text in a shared `bytes::Bytes` buffer, which a message decoded from a
    /// `Bytes` buffer points into instead of copying, and which clones without a copy. Fields
    /// whose UTF-8 protobuf does not verify (proto2, editions `utf8_validation = NONE`) stay
    /// `String` (or bytes, with [`Self::unverified_strings_as_bytes`]), since a `BytesStr`
    /// holds only valid text.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().shared_strings([".trace"]);
    /// # let _ = config;
    /// ```
    ///
    /// [`protoforge::BytesStr`]: https://docs.rs/protoforge/latest/protoforge/struct.BytesStr.html
    pub fn shared_strings<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.shared_strings
            .extend(paths.into_iter().map(Into::into));
        self
    }

    /// `string` fields and extensions matching any of `paths` whose UTF-8 protobuf does not
    /// verify (proto2, editions `utf8_validation = NONE`) are stored as bytes (`Vec<u8>`, or
    /// `bytes::Bytes` where [`bytes`](Config::bytes) also matches), exactly as on the wire.
    ///
    /// By default such a field is a `String` like every other, and a value that is not UTF-8
    /// (which protobuf allows there) cannot be held by it: it is kept byte for byte in the
    /// unknown fields and re-encoded after the known fields, so nothing is lost, but the typed
    /// field does not show it, and in a `repeated` field it moves to the end of the list when
    /// re-encoded (Python, C++ and Go keep it in place); an extension reads it as absent.
    /// Select a field with this option when such values matter: it then reads every value
    /// and keeps list order. Fields whose UTF-8 is verified (proto3, editions `VERIFY`) stay
    /// `String` whatever the paths say.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new()
    ///     .unverified_strings_as_bytes([".legacy.Record.names"]);
    /// # let _ = config;
    /// ```
    pub fn unverified_strings_as_bytes<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.unverified_strings_as_bytes
            .extend(paths.into_iter().map(Into::into));
        self
    }

    /// Adds `attribute` (Rust source such as `#[derive(Hash)]`) to every message, enum and
    /// oneof enum matching `path`.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new()
    ///     .type_attribute(".my.pkg", "#[derive(serde::Serialize)]");
    /// # let _ = config;
    /// ```
    pub fn type_attribute(mut self, path: impl Into<String>, attribute: impl Into<String>) -> Self {
        self.type_attributes.push((path.into(), attribute.into()));
        self
    }

    /// Adds `attribute` to every message struct matching `path`.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().message_attribute(".", "#[must_use]");
    /// # let _ = config;
    /// ```
    pub fn message_attribute(
        mut self,
        path: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Self {
        self.message_attributes
            .push((path.into(), attribute.into()));
        self
    }

    /// Adds `attribute` to every enum matching `path` (oneof enums included).
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().enum_attribute(".", "#[non_exhaustive]");
    /// # let _ = config;
    /// ```
    pub fn enum_attribute(mut self, path: impl Into<String>, attribute: impl Into<String>) -> Self {
        self.enum_attributes.push((path.into(), attribute.into()));
        self
    }

    /// Adds `attribute` to every struct field (or oneof variant) matching `path`, e.g.
    /// `".my.pkg.Message.field"`.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new()
    ///     .field_attribute("Message.secret", "#[doc(hidden)]");
    /// # let _ = config;
    /// ```
    pub fn field_attribute(
        mut self,
        path: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Self {
        self.field_attributes.push((path.into(), attribute.into()));
        self
    }

    /// Refers to the protobuf package or type `proto_path` (fully qualified, leading dot) as
    /// the Rust path `rust_path` instead of generating it, e.g. types generated in another
    /// crate. The longest matching prefix wins.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new()
    ///     .extern_path(".google.protobuf", "::my_wkt");
    /// # let _ = config;
    /// ```
    pub fn extern_path(
        mut self,
        proto_path: impl Into<String>,
        rust_path: impl Into<String>,
    ) -> Self {
        self.extern_paths
            .push((proto_path.into(), rust_path.into()));
        self
    }

    /// The path of the runtime crate in generated code (default `::protoforge`); the
    /// runtime's own descriptor types use `crate`.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().runtime_crate("::my_runtime");
    /// assert_eq!(config.runtime_path(), "::my_runtime");
    /// ```
    pub fn runtime_crate(mut self, path: impl Into<String>) -> Self {
        self.runtime = path.into();
        self
    }

    /// The runtime crate path in effect.
    pub fn runtime_path(&self) -> &str {
        &self.runtime
    }

    /// Also writes an include file called `name` that declares the module tree of all
    /// packages (`pub mod foo { pub mod bar { include!("foo.bar.rs"); } }`).
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().include_file("mod.rs");
    /// # let _ = config;
    /// ```
    pub fn include_file(mut self, name: impl Into<String>) -> Self {
        self.include_file = Some(name.into());
        self
    }

    /// Leaves out the `.proto` comments (rustdoc) of elements matching any of `paths`.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().disable_comments(["."]);
    /// # let _ = config;
    /// ```
    pub fn disable_comments<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.disable_comments
            .extend(paths.into_iter().map(Into::into));
        self
    }

    /// Emits the package files as module files instead of `include!` targets: each starts
    /// with a `//!` doc, and the include file (which must then be called `mod.rs` and be
    /// loaded with `mod`, not `include!`) declares them with `#[path]`. A package that has
    /// both types and sub-packages cannot be a module file; generation fails for it.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().include_file("mod.rs").module_files(true);
    /// # let _ = config;
    /// ```
    pub fn module_files(mut self, enabled: bool) -> Self {
        self.module_files = enabled;
        self
    }

    /// Whether types of `google/protobuf/descriptor.proto` that are not being generated are
    /// taken from the runtime's `descriptor` module (the default: custom options then extend
    /// the runtime's option types). Turn off to generate or map them yourself.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().descriptor_from_runtime(false);
    /// # let _ = config;
    /// ```
    pub fn descriptor_from_runtime(mut self, enabled: bool) -> Self {
        self.descriptor_in_runtime = enabled;
        self
    }

    /// Whether the well-known types (`google.protobuf.Timestamp`, `Any`, `Struct`, the
    /// wrappers, ... — every type of `google/protobuf/*.proto` except `descriptor.proto`)
    /// that are not being generated are referred to as they are, expecting them to be
    /// generated elsewhere in the same tree. Off by default: they are then taken from the
    /// runtime's `wkt` module (`::protoforge::wkt::Timestamp`). An `extern_path` for them
    /// takes precedence either way.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().compile_well_known_types(true);
    /// # let _ = config;
    /// ```
    pub fn compile_well_known_types(mut self, enabled: bool) -> Self {
        self.compile_well_known_types = enabled;
        self
    }

    /// Also writes `protoforge_runtime.rs`, the runtime's source (wire format, `Message`,
    /// unknown fields, extensions; the well-known and descriptor types when used; a small
    /// stand-in for the `bytes` crate), so the generated code compiles with no dependency at
    /// all. Unless [`runtime_crate`](Config::runtime_crate) sets another path, the generated
    /// code then refers to the runtime as `crate::protoforge_runtime`, so declare it at the
    /// crate root: `mod protoforge_runtime { include!("protoforge_runtime.rs"); }` (or with
    /// `concat!(env!("OUT_DIR"), ...)`). Needs edition 2024.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().bundle_runtime(true);
    /// assert_eq!(config.runtime_path(), "crate::protoforge_runtime");
    /// ```
    pub fn bundle_runtime(mut self, enabled: bool) -> Self {
        self.bundle_runtime = enabled;
        if enabled && self.runtime == "::protoforge" {
            self.runtime = crate::bundle::DEFAULT_PATH.to_string();
        }
        self
    }
}

impl Config {
    /// Whether to generate the gRPC server module (trait and tonic wrapper) of every service
    /// (default on; the generated code then needs `tonic` with its `codegen` feature and the
    /// runtime's `grpc` feature).
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().build_server(false);
    /// # let _ = config;
    /// ```
    pub fn build_server(mut self, enabled: bool) -> Self {
        self.build_server = enabled;
        self
    }

    /// Whether to generate the gRPC client module of every service (default on; the client's
    /// `connect` also needs tonic's `transport` feature).
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().build_client(false);
    /// # let _ = config;
    /// ```
    pub fn build_client(mut self, enabled: bool) -> Self {
        self.build_client = enabled;
        self
    }

    /// The path of the gRPC transport crate (tonic) in generated code, default `::tonic`.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().grpc_transport_path("::my_tonic");
    /// # let _ = config;
    /// ```
    pub fn grpc_transport_path(mut self, path: impl Into<String>) -> Self {
        self.grpc_transport = path.into();
        self
    }
}

impl Config {
    /// Whether decoding fails with `DecodeErrorKind::MissingRequired` (and the path of the
    /// missing field) when a `required` field, here or in a sub-message, is unset after
    /// the top-level decode or merge (default off, as in prost; protobuf's own runtimes
    /// check). Either way every message that can lack a required field has
    /// `is_initialized()`, and every message `Message::check_initialized()`, which also
    /// check the message-typed extension values
    /// a message holds, for the extensions declared in the files generated with it (as
    /// protobuf's C++ runtime checks the extensions it knows).
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().required_is_decode_error(true);
    /// # let _ = config;
    /// ```
    pub fn required_is_decode_error(mut self, enabled: bool) -> Self {
        self.required_is_decode_error = enabled;
        self
    }

    /// Generates reflection support (default off): each package file gets
    /// `pub const FILE_DESCRIPTOR_SET: &[u8]` (the encoded descriptors of the package's files
    /// and everything they import, without source info) and every message implements
    /// `protoforge::reflect::ReflectMessage`, its descriptor coming from a pool built once per
    /// package. The generated code then needs the runtime's `reflect` feature.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().reflect(true);
    /// # let _ = config;
    /// ```
    pub fn reflect(mut self, enabled: bool) -> Self {
        self.reflect = enabled;
        self
    }

    /// Emits only the `FILE_DESCRIPTOR_SET` constant of [`reflect`](Config::reflect) (no
    /// runtime feature needed), e.g. for a gRPC reflection service.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().file_descriptor_set(true);
    /// # let _ = config;
    /// ```
    pub fn file_descriptor_set(mut self, enabled: bool) -> Self {
        self.file_descriptor_set = enabled;
        self
    }

    /// Implements `serde::Serialize` and `serde::Deserialize` for every message through the
    /// canonical proto3 JSON mapping (`protoforge::json`); implies [`reflect`](Config::reflect).
    /// The generated code then needs the runtime's `json` feature and `serde`.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().serde(true);
    /// # let _ = config;
    /// ```
    pub fn serde(mut self, enabled: bool) -> Self {
        self.serde = enabled;
        self
    }

    /// Messages matching any of `paths` (with their nested messages) also get a zero-copy
    /// view `FooView<'a>` beside `Foo` (default: none). A view borrows from the encoded
    /// bytes: scalars by value, `string` as `&'a str`, `bytes` as `&'a [u8]`, sub-messages as
    /// their views, repeated fields and maps as lazy iterators, unknown fields raw.
    /// `FooView::decode(&bytes)` checks everything the owned decoder checks up front and
    /// allocates nothing for strings, bytes or repeated fields; `to_owned_message()` gives
    /// exactly what `Foo::decode` gives. Oneof views are `KindView<'a>` enums in the
    /// message's nested module. See `protoforge::view`.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().views([".my.pkg.Event"]);
    /// # let _ = config;
    /// ```
    pub fn views<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.views.extend(paths.into_iter().map(Into::into));
        self
    }

    /// Messages matching any of `paths` (with their nested messages) have no
    /// `unknown_fields` field (default: every message keeps one). Decoding such a message
    /// reads and drops the fields its schema does not know, as prost does, so they are lost
    /// on re-encoding; in exchange every field of the struct is a declared field, and a
    /// struct literal naming all of them needs no `..Default::default()`. Numbers a closed
    /// enum does not know, and strings that are not valid UTF-8 where protobuf does not
    /// verify it, are dropped the same way. Messages with extension ranges and MessageSets
    /// keep their unknown fields whatever `paths` say: that is where their extensions live.
    ///
    /// # Examples
    ///
    /// ```
    /// let config = protoforge_codegen::Config::new().drop_unknown_fields([".my.pkg"]);
    /// # let _ = config;
    /// ```
    pub fn drop_unknown_fields<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.drop_unknown_fields
            .extend(paths.into_iter().map(Into::into));
        self
    }

    /// Whether reflection code (descriptor pool, `ReflectMessage`) is generated.
    pub(crate) fn reflect_enabled(&self) -> bool {
        self.reflect || self.serde
    }

    /// Whether the `FILE_DESCRIPTOR_SET` constants are generated.
    pub(crate) fn descriptor_set_enabled(&self) -> bool {
        self.file_descriptor_set || self.reflect_enabled()
    }
}

impl Config {
    /// Parses option text as given to `--rust_opt` or as a plugin's parameter: comma-separated
    /// `key=value` items applied to the default configuration in order. A literal comma
    /// inside a value is written `\,`.
    ///
    /// Keys (each named after the builder method it calls; list keys may repeat):
    /// `btree_map=PATH`, `bytes=PATH`, `shared_strings=PATH`, `unverified_strings_as_bytes=PATH`,
    /// `disable_comments=PATH`, `views=PATH`, `drop_unknown_fields=PATH`,
    /// `type_attribute=PATH=ATTR`, `message_attribute=PATH=ATTR`, `enum_attribute=PATH=ATTR`,
    /// `field_attribute=PATH=ATTR`, `extern_path=PROTO_PATH=RUST_PATH`, `include_file=NAME`,
    /// `runtime_crate=PATH`, `grpc_transport_path=PATH`, and the switches
    /// `build_server`, `build_client`, `module_files`, `descriptor_from_runtime`,
    /// `compile_well_known_types`, `bundle_runtime`,
    /// `required_is_error`, `reflect`, `file_descriptor_set`, `serde` (`=true` or
    /// `=false`; a switch without a value means `true`).
    ///
    /// # Examples
    ///
    /// ```
    /// use protoforge_codegen::Config;
    /// let config = Config::from_options("btree_map=.,runtime_crate=::rt,build_server=false")?;
    /// assert_eq!(config.runtime_path(), "::rt");
    /// assert!(Config::from_options("no_such_key=1").is_err());
    /// # Ok::<(), String>(())
    /// ```
    pub fn from_options(options: &str) -> Result<Config, String> {
        let mut config = Config::new();
        for item in split_options(options) {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let (key, value) = match item.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v)),
                None => (item, None),
            };
            let need = |value: Option<&str>| -> Result<String, String> {
                match value {
                    Some(v) if !v.is_empty() => Ok(v.to_string()),
                    _ => Err(format!("option `{key}` needs a value (`{key}=...`)")),
                }
            };
            let pair = |value: Option<&str>| -> Result<(String, String), String> {
                match value.and_then(|v| v.split_once('=')) {
                    Some((p, v)) if !p.is_empty() && !v.is_empty() => {
                        Ok((p.to_string(), v.to_string()))
                    }
                    _ => Err(format!(
                        "option `{key}` needs a path and a value (`{key}=PATH=VALUE`)"
                    )),
                }
            };
            let switch = |value: Option<&str>| -> Result<bool, String> {
                match value.map(str::trim) {
                    None | Some("true") => Ok(true),
                    Some("false") => Ok(false),
                    Some(other) => Err(format!(
                        "option `{key}` takes `true` or `false`, not `{other}`"
                    )),
                }
            };
            config = match key {
                "btree_map" => config.btree_map([need(value)?]),
                "bytes" => config.bytes([need(value)?]),
                "shared_strings" => config.shared_strings([need(value)?]),
                "unverified_strings_as_bytes" => config.unverified_strings_as_bytes([need(value)?]),
                "disable_comments" => config.disable_comments([need(value)?]),
                "views" => config.views([need(value)?]),
                "drop_unknown_fields" => config.drop_unknown_fields([need(value)?]),
                "type_attribute" => {
                    let (p, a) = pair(value)?;
                    config.type_attribute(p, a)
                }
                "message_attribute" => {
                    let (p, a) = pair(value)?;
                    config.message_attribute(p, a)
                }
                "enum_attribute" => {
                    let (p, a) = pair(value)?;
                    config.enum_attribute(p, a)
                }
                "field_attribute" => {
                    let (p, a) = pair(value)?;
                    config.field_attribute(p, a)
                }
                "extern_path" => {
                    let (p, r) = pair(value)?;
                    config.extern_path(p, r)
                }
                "include_file" => config.include_file(need(value)?),
                "runtime_crate" => config.runtime_crate(need(value)?),
                "grpc_transport_path" => config.grpc_transport_path(need(value)?),
                "build_server" => config.build_server(switch(value)?),
                "build_client" => config.build_client(switch(value)?),
                "module_files" => config.module_files(switch(value)?),
                "descriptor_from_runtime" => config.descriptor_from_runtime(switch(value)?),
                "compile_well_known_types" => config.compile_well_known_types(switch(value)?),
                "bundle_runtime" => config.bundle_runtime(switch(value)?),
                "required_is_error" => config.required_is_decode_error(switch(value)?),
                "reflect" => config.reflect(switch(value)?),
                "file_descriptor_set" => config.file_descriptor_set(switch(value)?),
                "serde" => config.serde(switch(value)?),
                _ => return Err(format!("unknown option `{key}`")),
            };
        }
        Ok(config)
    }
}

/// Splits option text at commas not escaped as `\,` (the escape is removed).
fn split_options(options: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut chars = options.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&',') => {
                chars.next();
                current.push(',');
            }
            ',' => items.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    items.push(current);
    items
}

/// Whether the selector `pattern` matches the fully qualified name `name` (leading dot).
pub(crate) fn path_matches(pattern: &str, name: &str) -> bool {
    if pattern == "." {
        return true;
    }
    if let Some(rest) = name.strip_prefix(pattern)
        && pattern.starts_with('.')
    {
        return rest.is_empty() || rest.starts_with('.');
    }
    if !pattern.starts_with('.')
        && let Some(head) = name.strip_suffix(pattern)
    {
        return head.ends_with('.');
    }
    false
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn selectors() {
        assert!(path_matches(".", ".a.B.c"));
        assert!(path_matches(".a", ".a.B.c"));
        assert!(path_matches(".a.B", ".a.B"));
        assert!(!path_matches(".a.B", ".a.Bc"));
        assert!(path_matches("B.c", ".a.B.c"));
        assert!(!path_matches("B.c", ".a.XB.c"));
        assert!(!path_matches(".b", ".a.B.c"));
    }

    #[test]
    fn options_text() {
        let c = super::Config::from_options(
            r"btree_map=.,bytes=.a.B,unverified_strings_as_bytes=.a.C,type_attribute=.a=#[derive(Eq\, Hash)],extern_path=.g=::g,include_file=m.rs,build_server=false,module_files",
        )
        .unwrap();
        assert_eq!(c.btree_map, ["."]);
        assert_eq!(c.bytes, [".a.B"]);
        assert_eq!(c.unverified_strings_as_bytes, [".a.C"]);
        assert_eq!(
            c.type_attributes,
            [(".a".to_string(), "#[derive(Eq, Hash)]".to_string())]
        );
        assert_eq!(c.extern_paths, [(".g".to_string(), "::g".to_string())]);
        assert_eq!(c.include_file.as_deref(), Some("m.rs"));
        assert!(!c.build_server && c.build_client && c.module_files);
        let c = super::Config::from_options(
            "required_is_error=true,reflect,file_descriptor_set=false,serde=false",
        )
        .unwrap();
        assert!(c.required_is_decode_error && c.reflect && !c.file_descriptor_set && !c.serde);
        assert!(c.reflect_enabled() && c.descriptor_set_enabled());
        let c = super::Config::from_options("serde").unwrap();
        assert!(c.reflect_enabled());
        let c = super::Config::from_options("file_descriptor_set").unwrap();
        assert!(!c.reflect_enabled() && c.descriptor_set_enabled());
        assert!(c.views.is_empty());
        let c = super::Config::from_options("views=.a.B,views=.c").unwrap();
        assert_eq!(c.views, [".a.B", ".c"]);
        assert!(super::Config::from_options("").is_ok());
        for bad in [
            "nope=1",
            "bytes",
            "unverified_strings_as_bytes",
            "views",
            "extern_path=.g",
            "build_client=maybe",
        ] {
            assert!(super::Config::from_options(bad).is_err(), "{bad}");
        }
    }
}
