//! `interop-client --server_host H --server_port N --test_case NAME [--use_tls=false]`: runs
//! one gRPC interop test case (or `all`) against a server and exits non-zero on failure.

use std::process::ExitCode;

use protoforge_interop::client::{TEST_CASES, run};

fn main() -> ExitCode {
    let mut host = "127.0.0.1".to_string();
    let mut port: Option<u16> = None;
    let mut case = "large_unary".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (key, value) = match arg.split_once('=') {
            Some((key, value)) => (key.to_string(), value.to_string()),
            None if arg == "--use_tls" => (arg.clone(), "true".to_string()),
            None => (arg.clone(), args.next().unwrap_or_default()),
        };
        match key.as_str() {
            "--server_host" => host = value,
            "--server_port" => port = value.parse().ok(),
            "--test_case" => case = value,
            "--use_tls" if value == "false" => {}
            _ => {
                eprintln!("interop-client: unsupported argument `{arg}`");
                return ExitCode::from(2);
            }
        }
    }
    let Some(port) = port else {
        eprintln!("interop-client: --server_port N is required");
        return ExitCode::from(2);
    };
    let cases: Vec<&str> = if case == "all" {
        TEST_CASES.to_vec()
    } else {
        vec![case.as_str()]
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("interop-client: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let endpoint =
            match tonic::transport::Endpoint::from_shared(format!("http://{host}:{port}")) {
                Ok(endpoint) => endpoint,
                Err(e) => {
                    eprintln!("interop-client: bad address: {e}");
                    return ExitCode::from(2);
                }
            };
        let channel = match endpoint.connect().await {
            Ok(channel) => channel,
            Err(e) => {
                eprintln!("interop-client: cannot connect to {host}:{port}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut failed = 0;
        for case in &cases {
            match run(channel.clone(), case).await {
                Ok(()) => println!("{case}: PASS"),
                Err(e) => {
                    failed += 1;
                    println!("{case}: FAIL: {e}");
                }
            }
        }
        if failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    })
}
