//! The public entry point: the [`Compiler`] builder. (Stub; owned by the compiler driver work.)

/// Builder for one compilation.
#[derive(Debug, Default)]
pub struct Compiler {}

/// The result of a successful compilation.
#[derive(Debug, Default)]
pub struct Compiled {}

/// Why a compilation failed.
#[derive(Debug, Default)]
pub struct CompileError {}
