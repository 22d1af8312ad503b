//! Zero-copy views ([`Config::views`](crate::Config::views)): for each selected message
//! `Foo`, a `FooView<'a>` struct next to it that borrows from the encoded bytes, with
//! `decode`, `to_owned_message` and `protoforge::view::MessageView`; oneofs get a borrowed
//! `KindView<'a>` enum in the message's nested module. This emitter reads the same
//! descriptors, [`Pool`] and names as the message generator and only adds items; the runtime
//! side (codecs, lazy iterators) is `protoforge::view`.
//!
//! Representation: scalars by value, `string` as `&'a str` (`&'a [u8]` where the config
//! stores it as bytes), `bytes` as `&'a [u8]`, sub-messages as `Option<BarView<'a>>` (a
//! `LazyView` where the view would contain itself, a `LazyMessage` where `Bar` has no view),
//! oneofs as `Option<KindView<'a>>`, repeated fields as `RepeatedView`, maps as `MapView`.
//! `to_owned_message` builds every plain field from the view and replays the records whose
//! owned form depends on the owned message's unknown-field bookkeeping (numbers the message
//! does not know, closed enums, strings protobuf does not verify, maps and oneofs holding
//! them) through the owned `Message::merge_field`, so the result equals `Foo::decode`.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use protoforge::descriptor::DescriptorProto;
use quote::quote;

use crate::Error;
use crate::config::{Config, path_matches};
use crate::names::ident;
use crate::pool::{Kind, Pool};

mod message;
mod value;

/// Field names the owned message struct reserves (as the message generator does).
const RESERVED_FIELDS: &[&str] = &["unknown_fields"];

/// The items of one message's view: those placed beside the message, and those placed in
/// its nested module (the oneof view enums).
#[derive(Default)]
pub(crate) struct MessageViews {
    /// `FooView` and its impls.
    pub(crate) outer: TokenStream,
    /// The oneof view enums, for the nested module.
    pub(crate) nested: TokenStream,
}

/// Generates the view of message `full_name` if [`Config::views`] selects it.
pub(crate) fn message(
    pool: &Pool<'_>,
    config: &Config,
    rt: &TokenStream,
    full_name: &str,
) -> Result<MessageViews, Error> {
    let emitter = Emitter { pool, config, rt };
    if !emitter.has_view(full_name) {
        return Ok(MessageViews::default());
    }
    emitter.message(full_name)
}

struct Emitter<'p, 'a> {
    pool: &'p Pool<'a>,
    config: &'p Config,
    rt: &'p TokenStream,
}

impl<'p, 'a> Emitter<'p, 'a> {
    /// Whether message `full_name` gets a view: selected, generated in this run (not extern,
    /// not taken from the runtime) and not a map entry.
    pub(super) fn has_view(&self, full_name: &str) -> bool {
        let Ok(info) = self.pool.get(full_name) else {
            return false;
        };
        let Kind::Message(message) = info.kind else {
            return false;
        };
        if message.options.as_ref().is_some_and(|o| o.map_entry()) {
            return false;
        }
        let external = self.config.extern_paths.iter().any(|(proto, _)| {
            full_name == proto
                || full_name
                    .strip_prefix(proto.as_str())
                    .is_some_and(|r| r.starts_with('.'))
        });
        !external
            && self.pool.is_generated(info.file)
            && self.config.views.iter().any(|p| path_matches(p, full_name))
    }

    /// The Rust names taken in the scope (module) that declares `full_name`'s type.
    pub(super) fn sibling_names(&self, full_name: &str) -> HashSet<String> {
        let mut taken = HashSet::new();
        let parent = full_name.rsplit_once('.').map_or("", |(p, _)| p);
        let mut add = |name: String| {
            if let Ok(info) = self.pool.get(&name) {
                taken.insert(info.rust_name.clone());
            }
        };
        match self.pool.get(parent).map(|i| i.kind) {
            Ok(Kind::Message(message)) => {
                for nested in &message.nested_type {
                    add(format!("{parent}.{}", nested.name()));
                }
                for nested in &message.enum_type {
                    add(format!("{parent}.{}", nested.name()));
                }
                if let Ok(info) = self.pool.get(parent) {
                    taken.extend(info.oneof_names.iter().cloned());
                }
            }
            _ => {
                let package = parent.strip_prefix('.').unwrap_or(parent);
                for file in self.pool.files.iter().filter(|f| f.package() == package) {
                    for message in &file.message_type {
                        add(format!("{parent}.{}", message.name()));
                    }
                    for enumeration in &file.enum_type {
                        add(format!("{parent}.{}", enumeration.name()));
                    }
                }
            }
        }
        taken
    }

    /// The escaped name of the view of message `full_name`: `{Name}View`, with `_` appended
    /// while a type of its module has that name.
    pub(super) fn view_name(&self, full_name: &str) -> Result<String, Error> {
        let info = self.pool.get(full_name)?;
        let taken = self.sibling_names(full_name);
        let mut name = format!("{}View", info.rust_name.trim_start_matches("r#"));
        while taken.contains(&name) {
            name.push('_');
        }
        Ok(name)
    }

    /// The path of the view of `full_name` as seen from module `from`.
    pub(super) fn view_path(&self, from: &[String], full_name: &str) -> Result<TokenStream, Error> {
        let info = self.pool.get(full_name)?;
        let name = ident(&self.view_name(full_name)?);
        let common = from
            .iter()
            .zip(&info.module)
            .take_while(|(a, b)| a == b)
            .count();
        let supers = (common..from.len()).map(|_| quote!(super::));
        let downs = info.module[common..].iter().map(|m| ident(m));
        Ok(quote!(#(#supers)* #(#downs::)* #name))
    }

    /// The Rust names taken in the nested module of `full_name`: its nested types, oneof
    /// enums and the views of its nested messages.
    pub(super) fn sibling_names_of_nested(
        &self,
        full_name: &str,
        message: &DescriptorProto,
    ) -> Result<HashSet<String>, Error> {
        let mut taken = HashSet::new();
        for nested in &message.nested_type {
            let nested_full = format!("{full_name}.{}", nested.name());
            taken.insert(self.pool.get(&nested_full)?.rust_name.clone());
            if self.has_view(&nested_full) {
                taken.insert(self.view_name(&nested_full)?);
            }
        }
        for nested in &message.enum_type {
            taken.insert(
                self.pool
                    .get(&format!("{full_name}.{}", nested.name()))?
                    .rust_name
                    .clone(),
            );
        }
        taken.extend(self.pool.get(full_name)?.oneof_names.iter().cloned());
        Ok(taken)
    }
}
