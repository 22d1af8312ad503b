//! The `main` of the plugin binaries: request on stdin, response on stdout, every generator
//! failure reported in the response (see `rust_gen::respond`).

use std::io::{Read, Write};
use std::process::ExitCode;

use protoforge::Message;
use protoforge::plugin::{CodeGeneratorRequest, CodeGeneratorResponse};

use crate::rust_gen::{self, Part};

/// Runs the plugin `name` generating `part`.
pub fn run(name: &str, part: Part) -> ExitCode {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("{name}: cannot read the request from stdin: {e}");
        return ExitCode::FAILURE;
    }
    let response = match CodeGeneratorRequest::decode(&input[..]) {
        Ok(request) => rust_gen::respond(&request, part),
        Err(e) => {
            let mut response = rust_gen::empty_response();
            response.error = Some(format!("cannot decode the CodeGeneratorRequest: {e}"));
            response
        }
    };
    let bytes = CodeGeneratorResponse::encode_to_vec(&response);
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(&bytes).and_then(|()| stdout.flush()) {
        eprintln!("{name}: cannot write the response to stdout: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
