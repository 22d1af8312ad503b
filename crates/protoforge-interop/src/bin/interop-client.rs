//! `interop-client --server_port N [--server_host H] [--test_case NAME|all] [--use_tls=true]
//! [--server_host_override NAME] [--use_test_ca=true] [--compression=gzip]`: runs gRPC interop
//! test cases against a server and exits non-zero on failure.

use std::process::ExitCode;

use protoforge_interop::client::{Settings, TEST_CASES, run};
use protoforge_interop::flags::{Flag, Flags, boolean};

const USAGE: &str = "usage: interop-client --server_port N [flags]

Runs gRPC interop test cases against a server; prints `CASE: PASS` or `CASE: FAIL: why`.
  --server_host H              the server's host (default 127.0.0.1)
  --server_port N              the server's port (required)
  --test_case NAME|all         one case, a comma-separated list, or all (default large_unary)
  --use_tls=true|false         connect with TLS (default false)
  --server_host_override NAME  the name to check the server's certificate for
  --use_test_ca=true|false     trust the test CA of testdata/grpc-tls instead of the system's
  --compression=gzip|none      compress requests and accept compressed responses (default none)
  --help                       print this help

Flags take `--flag=value` or `--flag value`.";

/// The parsed flags: the address, the cases and the connection settings.
fn parse(
    args: impl IntoIterator<Item = String>,
) -> Result<Option<(String, u16, String, Settings)>, String> {
    let mut host = "127.0.0.1".to_string();
    let mut port: Option<u16> = None;
    let mut case = "large_unary".to_string();
    let mut settings = Settings::default();
    for flag in Flags::new(args, &["--use_tls", "--use_test_ca"]) {
        let (key, value) = match flag? {
            Flag::Help => return Ok(None),
            Flag::Value(key, value) => (key, value),
        };
        match key.as_str() {
            "--server_host" => host = value,
            "--server_port" => {
                port = Some(value.parse().map_err(|_| format!("bad port `{value}`"))?);
            }
            "--test_case" => case = value,
            "--use_tls" => settings.tls = boolean(&key, &value)?,
            "--use_test_ca" => settings.test_ca = boolean(&key, &value)?,
            "--server_host_override" => settings.host_override = Some(value),
            "--compression" => {
                settings.gzip = match value.as_str() {
                    "gzip" => true,
                    "none" => false,
                    _ => return Err(format!("unsupported compression `{value}`")),
                };
            }
            _ => return Err(format!("unsupported argument `{key}`")),
        }
    }
    let port = port.ok_or("--server_port N is required")?;
    Ok(Some((host, port, case, settings)))
}

fn main() -> ExitCode {
    let (host, port, case, settings) = match parse(std::env::args().skip(1)) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("interop-client: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let cases: Vec<&str> = if case == "all" {
        TEST_CASES.to_vec()
    } else {
        case.split(',').collect()
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("interop-client: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let channel = match settings.connect(&host, port).await {
            Ok(channel) => channel,
            Err(e) => {
                eprintln!("interop-client: cannot connect to {host}:{port}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut failed = 0;
        for case in &cases {
            match run(channel.clone(), case, &settings).await {
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
