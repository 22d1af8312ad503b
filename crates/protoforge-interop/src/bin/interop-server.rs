//! `interop-server --port=N [--use_tls=true|false]`: serves the gRPC interop `TestService` on
//! 127.0.0.1 until it receives SIGINT or SIGTERM. It never reads its standard input.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use protoforge_interop::flags::{Flag, Flags, boolean};

const USAGE: &str = "usage: interop-server --port=N [--use_tls=true|false]

Serves the gRPC interop TestService on 127.0.0.1:N until interrupted (SIGINT or SIGTERM).
  --port=N, --port N          the port to listen on (required; 0 picks a free one)
  --use_tls=true|false        serve TLS with the test credentials of testdata/grpc-tls
                              (default false)
  --help                      print this help";

struct Args {
    port: u16,
    tls: bool,
}

/// Parses the flags, accepting `--flag=value` and `--flag value`.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut port = None;
    let mut tls = false;
    for flag in Flags::new(args, &["--use_tls"]) {
        let (key, value) = match flag? {
            Flag::Help => return Ok(None),
            Flag::Value(key, value) => (key, value),
        };
        match key.as_str() {
            "--port" => {
                port = Some(value.parse().map_err(|_| format!("bad port `{value}`"))?);
            }
            "--use_tls" => tls = boolean(&key, &value)?,
            _ => return Err(format!("unsupported argument `{key}`")),
        }
    }
    let port = port.ok_or("--port=N is required")?;
    Ok(Some(Args { port, tls }))
}

/// Completes on SIGINT or SIGTERM.
async fn signalled() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => (),
        () = terminate => (),
    }
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("interop-server: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("interop-server: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        println!("interop-server listening on {bound}");
        protoforge_interop::server::serve(
            protoforge_interop::server::service(),
            listener,
            args.tls,
            signalled(),
        )
        .await
        .map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("interop-server: {e}");
            ExitCode::FAILURE
        }
    }
}
