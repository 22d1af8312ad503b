//! `interop-server --port N [--use_tls=false]`: serves the gRPC interop `TestService` on
//! 127.0.0.1 until interrupted (or its standard input closes, so a parent that dies takes it
//! along).

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut port: Option<u16> = None;
    for arg in std::env::args().skip(1) {
        let (key, value) = arg.split_once('=').unwrap_or((arg.as_str(), ""));
        match key {
            "--port" => port = value.parse().ok(),
            "--use_tls" if value == "false" => {}
            _ => {
                eprintln!(
                    "interop-server: unsupported argument `{arg}` (usage: --port=N [--use_tls=false])"
                );
                return ExitCode::from(2);
            }
        }
    }
    let Some(port) = port else {
        eprintln!("interop-server: --port=N is required");
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("interop-server: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let shutdown = async {
        // Stop when standard input reaches its end or the process is interrupted.
        let stdin = tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
        });
        tokio::select! {
            _ = stdin => (),
            _ = tokio::signal::ctrl_c() => (),
        }
    };
    match runtime.block_on(protoforge_interop::server::serve(addr, shutdown)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("interop-server: {e}");
            ExitCode::FAILURE
        }
    }
}
