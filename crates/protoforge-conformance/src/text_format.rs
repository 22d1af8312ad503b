//! The conformance testee's text-format side: parses `TEXT_FORMAT` payloads into dynamic
//! messages and prints dynamic messages as text, with `protoforge::text`. The request loop in
//! `main.rs` calls these two functions; errors come back as strings for `parse_error`.

use protoforge::reflect::{DynamicMessage, MessageDescriptor};

/// Parses `input` as text format for the message `desc`.
pub fn parse_text(desc: MessageDescriptor, input: &str) -> Result<DynamicMessage, String> {
    protoforge::text::parse(desc, input).map_err(|error| error.to_string())
}

/// Prints `msg` as text format; unknown fields are printed only if `print_unknown_fields`.
/// `Any` is not expanded, like the C++ reference testee's default `TextFormat::Printer`.
pub fn print_text(msg: &DynamicMessage, print_unknown_fields: bool) -> String {
    let options = protoforge::text::PrintOptions {
        skip_unknown_fields: !print_unknown_fields,
        ..protoforge::text::PrintOptions::default()
    };
    protoforge::text::print_with(msg, &options)
}
