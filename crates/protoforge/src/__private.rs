//! Code shared by protoforge's own crates (the compiler, the code generator and their tools)
//! that lives here because the runtime is the one crate they all depend on. It is not a
//! stable API: anything in it may change in any release, and other crates should not use it.

pub mod c_format;
pub mod features;
pub mod naming;

#[cfg(feature = "bundle-source")]
pub mod bundle_source;
