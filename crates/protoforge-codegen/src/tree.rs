//! The module tree of the generated files: the include file's nested `pub mod`s mirroring
//! the packages (each `include!`ing its file or, with module files, declaring it by
//! `#[path]`), and the sub-package declarations a module file holds itself.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::Error;
use crate::names::ident;
use crate::pool::package_module;

/// A tree of package modules; `file` is set where a package has generated code.
#[derive(Default)]
pub(crate) struct Node {
    file: Option<String>,
    children: BTreeMap<String, Node>,
}

/// The include file: nested `pub mod`s mirroring the packages, each including its file
/// (or, for module files, declaring it with a `#[path]` relative to the include file).
pub(crate) fn include_tree<'p>(
    packages: impl Iterator<Item = &'p str>,
    module_files: bool,
) -> Result<TokenStream, Error> {
    let mut root = Node::default();
    for package in packages {
        let mut node = &mut root;
        for segment in package_module(package) {
            node = node.children.entry(segment).or_default();
        }
        node.file = Some(if package.is_empty() {
            "_.rs".into()
        } else {
            format!("{package}.rs")
        });
    }
    if module_files && root.file.is_some() {
        return Err(Error::new("files without a package cannot be module files"));
    }
    Ok(emit_tree(&root, module_files))
}

/// For module files: the declarations of the packages below `parent`, which its own module
/// file must hold (a module declared by `#[path]` is a directory-style module, so the paths
/// stay relative to the directory of the generated files).
pub(crate) fn sub_package_tree<'p>(
    parent: &str,
    packages: impl Iterator<Item = &'p str>,
) -> TokenStream {
    let prefix = package_module(parent);
    let mut root = Node::default();
    for package in packages {
        let segments = package_module(package);
        if segments.len() <= prefix.len() || segments[..prefix.len()] != prefix[..] {
            continue;
        }
        let mut node = &mut root;
        for segment in &segments[prefix.len()..] {
            node = node.children.entry(segment.clone()).or_default();
        }
        node.file = Some(format!("{package}.rs"));
    }
    emit_tree(&root, true)
}

/// The `pub mod` items of a package tree: included files, or module files declared by path
/// (each module file declaring its own sub-packages).
fn emit_tree(node: &Node, module_files: bool) -> TokenStream {
    let mut out = TokenStream::new();
    if let Some(file) = node.file.as_ref().filter(|_| !module_files) {
        out.extend(quote!(include!(#file);));
    }
    for (name, child) in &node.children {
        let name_ident = ident(name);
        match (&child.file, module_files) {
            (Some(file), true) => {
                // rustfmt would reformat what prettyplease wrote.
                out.extend(quote!(#[path = #file] #[rustfmt::skip] pub mod #name_ident;));
            }
            _ => {
                let body = emit_tree(child, module_files);
                // `#[path = "."]` keeps nested `#[path]`s relative to the include file.
                let here = module_files.then(|| quote!(#[path = "."]));
                out.extend(quote!(#here pub mod #name_ident { #body }));
            }
        }
    }
    out
}
