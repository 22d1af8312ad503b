//! Options: protoc's `OptionInterpreter`, its final `StripSourceRetentionOptions` pass and its
//! checks on interpreted options, one file a job:
//!
//! - `interpret`: every `uninterpreted_option` the parser left on an element becomes
//!   wire-format records (builtin and custom options alike), appended to the options
//!   message's unknown fields, in two phases like protoc (options whose name starts with a
//!   plain field, then those starting with an extension); option locations in
//!   `SourceCodeInfo` move to the interpreted paths.
//! - `normalize`: re-reads records with a schema and writes them back like protoc's C++
//!   messages (known fields merged and in number order, unknown fields after them), dropping
//!   source-retention fields when asked.
//! - `retention`: [`strip_source_retention`], protoc's final pass over the output (unless
//!   `--retain_options`), and [`Stripping`], what it would change, found without changing
//!   the file.
//! - `finished`: [`ElementOptions`], a finished file's options read once for validation and
//!   stripping.
//! - `validate`: [`validate`], the checks protoc runs on interpreted options (features
//!   outside editions, `feature_support` windows, `targets`).
//! - `lookup`: the schema as seen from the file being compiled (the pool, with the built-in
//!   `descriptor.proto` for what it lacks), its memoized answers, and [`SharedFields`], the
//!   answers kept from one file to the next of a build.
//! - `walk`: the elements of a file that have options, in protoc's build order and in its
//!   `VisitDescriptors` order, and the options at a descriptor path.
//! - `schema`, `text`: the schema view text-format parsing works with, and aggregate
//!   (`{ ... }`) option values.
//! - `diagnostics`: the wording of every problem the above report, one function a kind.
//!
//! The built-in `descriptor.proto` ([`crate::builtin`]) and the wire records
//! ([`crate::wire`]) sit below this module and `features` alike.

mod diagnostics;
mod finished;
mod interpret;
mod lookup;
mod normalize;
mod retention;
mod schema;
#[cfg(test)]
mod tests;
mod text;
mod validate;
mod walk;

pub(crate) use finished::ElementOptions;
pub(crate) use interpret::{has_uninterpreted, interpret};
pub(crate) use lookup::SharedFields;
pub(crate) use retention::{Stripping, strip_source_retention};
pub(crate) use validate::validate;
