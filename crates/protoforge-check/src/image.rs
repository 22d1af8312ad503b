//! An image: the compiled files of a module with source info, what lint and breaking check.

use protoforge::descriptor::FileDescriptorProto;

/// The compiled files of one module, with source info, imports included.
#[derive(Clone, Debug, Default)]
pub struct Image {
    /// Every file, each after the files it imports.
    pub files: Vec<FileDescriptorProto>,
    /// Which of `files` belong to the module and are checked (the others are only imports).
    pub is_target: Vec<bool>,
}
