//! RPC rules: streaming, request and response types.

use std::collections::BTreeMap;

use super::case::to_pascal_case;
use super::source::{child, index};
use super::{Ctx, Out};

const EMPTY: &str = "google.protobuf.Empty";

/// One method: file index, its source path, its service's name, the method.
struct Rpc<'a> {
    file: usize,
    path: Vec<i32>,
    service: &'a str,
    full_name: String,
    name: &'a str,
    input: &'a str,
    output: &'a str,
    client_streaming: bool,
    server_streaming: bool,
}

fn rpcs<'a>(ctx: &Ctx<'a>) -> Vec<Rpc<'a>> {
    let mut out = Vec::new();
    for (fi, f) in ctx.targets() {
        let pkg = f.package();
        for (si, s) in f.fd.service.iter().enumerate() {
            let service = s.name.as_deref().unwrap_or("");
            for (mi, m) in s.method.iter().enumerate() {
                let name = m.name.as_deref().unwrap_or("");
                let nested = format!("{service}.{name}");
                out.push(Rpc {
                    file: fi,
                    path: child(&[6, index(si)], 2, mi),
                    service,
                    full_name: if pkg.is_empty() {
                        nested
                    } else {
                        format!("{pkg}.{nested}")
                    },
                    name,
                    input: m
                        .input_type
                        .as_deref()
                        .unwrap_or("")
                        .trim_start_matches('.'),
                    output: m
                        .output_type
                        .as_deref()
                        .unwrap_or("")
                        .trim_start_matches('.'),
                    client_streaming: m.client_streaming.unwrap_or(false),
                    server_streaming: m.server_streaming.unwrap_or(false),
                });
            }
        }
    }
    out
}

/// `RPC_NO_CLIENT_STREAMING` and `RPC_NO_SERVER_STREAMING`.
pub(crate) fn streaming(ctx: &Ctx<'_>, out: &mut Out, rule: &str) {
    let client = rule == "RPC_NO_CLIENT_STREAMING";
    for r in rpcs(ctx) {
        let streaming = if client {
            r.client_streaming
        } else {
            r.server_streaming
        };
        if streaming {
            let kind = if client { "client" } else { "server" };
            let at = ctx.files[r.file].at(&r.path);
            out.add(r.file, at, format!("RPC {:?} is {kind} streaming.", r.name));
        }
    }
}

/// `RPC_REQUEST_STANDARD_NAME` and `RPC_RESPONSE_STANDARD_NAME`.
pub(crate) fn standard_name(ctx: &Ctx<'_>, out: &mut Out, rule: &str) {
    let request = rule == "RPC_REQUEST_STANDARD_NAME";
    let (allow_empty, kind, suffix, tag) = if request {
        (
            ctx.config.rpc_allow_google_protobuf_empty_requests,
            "request",
            "Request",
            2,
        )
    } else {
        (
            ctx.config.rpc_allow_google_protobuf_empty_responses,
            "response",
            "Response",
            3,
        )
    };
    for r in rpcs(ctx) {
        let full = if request { r.input } else { r.output };
        if allow_empty && full == EMPTY {
            continue;
        }
        let name = full.rsplit('.').next().unwrap_or(full);
        let expected1 = format!("{}{suffix}", to_pascal_case(r.name));
        let expected2 = format!("{}{expected1}", to_pascal_case(r.service));
        if name != expected1 && name != expected2 {
            let path = [r.path.as_slice(), &[tag]].concat();
            let at = ctx.files[r.file].at(&path);
            out.add(
                r.file,
                at,
                format!("RPC {kind} type {name:?} should be named {expected1:?} or {expected2:?}."),
            );
        }
    }
}

/// `RPC_REQUEST_RESPONSE_UNIQUE`.
pub(crate) fn request_response_unique(ctx: &Ctx<'_>, out: &mut Out) {
    let allow_same = ctx.config.rpc_allow_same_request_response;
    let allow_req = ctx.config.rpc_allow_google_protobuf_empty_requests;
    let allow_resp = ctx.config.rpc_allow_google_protobuf_empty_responses;
    let all = rpcs(ctx);
    let at = |r: &Rpc<'_>| ctx.files[r.file].at(&r.path);
    if !allow_same {
        for r in &all {
            if r.input == r.output && !(r.input == EMPTY && allow_req && allow_resp) {
                out.add(
                    r.file,
                    at(r),
                    format!(
                        "RPC {:?} has the same type {:?} for the request and response.",
                        r.name, r.input
                    ),
                );
            }
        }
    }
    // type -> full method name -> method
    let mut users: BTreeMap<&str, BTreeMap<&str, &Rpc<'_>>> = BTreeMap::new();
    for r in &all {
        for t in [r.input, r.output] {
            users.entry(t).or_default().insert(&r.full_name, r);
        }
    }
    for (ty, methods) in users {
        if methods.len() == 1 {
            continue;
        }
        if ty == EMPTY && (allow_req || allow_resp) {
            if allow_req && allow_resp {
                continue;
            }
            let requests: Vec<_> = methods.values().filter(|r| r.input == EMPTY).collect();
            let responses: Vec<_> = methods.values().filter(|r| r.output == EMPTY).collect();
            if !allow_req && requests.len() > 1 {
                for r in requests {
                    out.add(
                        r.file,
                        at(r),
                        format!("{ty:?} is used as the request for multiple RPCs."),
                    );
                }
            }
            if !allow_resp && responses.len() > 1 {
                for r in responses {
                    out.add(
                        r.file,
                        at(r),
                        format!("{ty:?} is used as the response for multiple RPCs."),
                    );
                }
            }
        } else {
            for r in methods.values() {
                out.add(
                    r.file,
                    at(r),
                    format!("{ty:?} is used as the request or response type for multiple RPCs."),
                );
            }
        }
    }
}
