//! The runtime's own source files as text, for protoforge-codegen's bundled runtime
//! (`Config::bundle_runtime`), so the code generator needs no path outside its own package.
//! The module tree is the one `build.rs` finds under `src/`: a file can move or split
//! without anything here changing.

/// `src/lib.rs`, for its re-exports.
pub const LIB: &str = include_str!("../lib.rs");

/// One module of the crate: its name, its source and its child modules.
#[derive(Debug)]
pub struct Module {
    /// The module's name.
    pub name: &'static str,
    /// The text of the module's file.
    pub source: &'static str,
    /// The modules declared in it that have files of their own, in name order.
    pub children: &'static [Module],
}

/// The top-level modules every bundle holds, in the order they are emitted: shared strings,
/// the wire format, messages, enums, extensions, unknown fields and views. `wkt` and
/// `descriptor` are bundled only when generated code uses them.
pub const CORE: &[&str] = &[
    "bytes_str",
    "encoding",
    "enumeration",
    "error",
    "extension",
    "message",
    "name",
    "sizes",
    "unknown",
    "view",
];

include!(concat!(env!("OUT_DIR"), "/bundle_source.rs"));

/// The top-level module `name`, if the crate has one.
pub fn module(name: &str) -> Option<&'static Module> {
    MODULES.iter().find(|module| module.name == name)
}
