//! `interop-peers`: the standard gRPC interop cases between protoforge's `interop-client` /
//! `interop-server` and other implementations' interop binaries, both ways, in plaintext and
//! over TLS with gRPC's test credentials (`testdata/grpc-tls`).
//!
//! CI runs the same cases against Python grpcio (`protoforge-interop`'s tests); this job covers
//! peers CI does not install. It takes the peers' binaries, built beforehand:
//!
//! - `--go CLIENT SERVER`: grpc-go's `interop/client` and `interop/server`, or any peer that takes
//!   gRPC's standard interop flags (`--port`, `--server_port`, `--test_case`, `--use_tls`,
//!   `--use_test_ca`, `--server_host_override`) and trusts gRPC's test CA;
//! - `--tonic CLIENT SERVER`: the `client` and `server` binaries of tonic's `interop` crate,
//!   which listen on and dial port 10000 and read their credentials from `interop/data/` under
//!   the working directory (this job gives them a directory holding gRPC's test credentials).
//!
//! Every case runs as its own process with a time limit, and the job prints one line per
//! direction and transport, failing if any case failed.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The cases protoforge's client and server implement (and grpc-go's client runs); the
/// three tonic's client lacks come last. The same list as `protoforge-interop`'s
/// `TEST_CASES`, which xtask does not depend on (that would build tonic for every chore).
const CASES: &[&str] = &[
    "empty_unary",
    "large_unary",
    "client_streaming",
    "server_streaming",
    "ping_pong",
    "empty_stream",
    "custom_metadata",
    "status_code_and_message",
    "special_status_message",
    "unimplemented_method",
    "unimplemented_service",
    "cancel_after_begin",
    "cancel_after_first_response",
    "timeout_on_sleeping_server",
];

/// The cases tonic's interop client implements (the others stop it with `unimplemented!`):
/// the first eleven of [`CASES`], which lists them first.
const TONIC_CLIENT_CASES: &[&str] = CASES.split_at(11).0;

/// The port tonic's interop binaries always use.
const TONIC_PORT: u16 = 10000;

/// How long one case may run before it counts as failed.
const CASE_LIMIT: Duration = Duration::from_secs(60);

/// The name gRPC's test server certificate is checked for.
const HOST_OVERRIDE: &str = "foo.test.google.fr";

/// How a peer's binaries are driven.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// gRPC's standard interop flags.
    Standard,
    /// tonic's interop binaries: fixed port, `--use_tls` switch, credentials under the cwd.
    Tonic,
}

struct Peer {
    name: &'static str,
    kind: Kind,
    client: PathBuf,
    server: PathBuf,
}

pub(crate) fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let peers = parse(args)?;
    crate::cargo_release_build(root, &["-p", "protoforge-interop", "--bins"])?;
    let ours = crate::target_dir(root).join("release");
    let scratch = std::env::temp_dir().join(format!("protoforge-peers-{}", std::process::id()));
    let data = scratch.join("interop/data");
    std::fs::create_dir_all(&data).map_err(|e| format!("create {}: {e}", data.display()))?;
    for file in ["ca.pem", "server1.pem", "server1.key"] {
        let from = root.join("testdata/grpc-tls").join(file);
        std::fs::copy(&from, data.join(file)).map_err(|e| format!("copy {file}: {e}"))?;
    }
    let mut failures = Vec::new();
    for peer in &peers {
        for tls in [false, true] {
            let transport = if tls { "TLS" } else { "plaintext" };
            let line = format!("{} client -> protoforge server, {transport}", peer.name);
            let failed = peer_client_against_ours(peer, &ours, &scratch, tls)?;
            report(&line, peer_cases(peer), &failed, &mut failures);
            let line = format!("protoforge client -> {} server, {transport}", peer.name);
            let failed = our_client_against_peer(peer, &ours, &scratch, tls)?;
            report(&line, CASES, &failed, &mut failures);
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} cases failed: {}",
            failures.len(),
            failures.join(", ")
        ))
    }
}

fn parse(args: &[String]) -> Result<Vec<Peer>, String> {
    let mut peers = Vec::new();
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let (name, kind) = match flag.as_str() {
            "--go" => ("grpc-go", Kind::Standard),
            "--tonic" => ("tonic", Kind::Tonic),
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        };
        let (Some(client), Some(server)) = (args.next(), args.next()) else {
            return Err(format!("{flag} needs CLIENT and SERVER\n{USAGE}"));
        };
        let absolute = |p: &String| {
            std::fs::canonicalize(p).map_err(|e| format!("{flag}: cannot use `{p}`: {e}"))
        };
        peers.push(Peer {
            name,
            kind,
            client: absolute(client)?,
            server: absolute(server)?,
        });
    }
    if peers.is_empty() {
        return Err(USAGE.into());
    }
    Ok(peers)
}

const USAGE: &str = "usage: cargo xtask interop-peers [--go CLIENT SERVER] [--tonic CLIENT SERVER]";

fn peer_cases(peer: &Peer) -> &'static [&'static str] {
    match peer.kind {
        Kind::Standard => CASES,
        Kind::Tonic => TONIC_CLIENT_CASES,
    }
}

/// Serves with protoforge's `interop-server` and runs each case with the peer's client;
/// returns the failed cases.
fn peer_client_against_ours(
    peer: &Peer,
    ours: &Path,
    scratch: &Path,
    tls: bool,
) -> Result<Vec<String>, String> {
    let port = match peer.kind {
        Kind::Standard => free_port()?,
        Kind::Tonic => TONIC_PORT,
    };
    let mut server = Command::new(ours.join("interop-server"));
    server
        .arg(format!("--port={port}"))
        .arg(format!("--use_tls={tls}"));
    let _server = Running::start(server, port)?;
    let mut failed = Vec::new();
    for case in peer_cases(peer) {
        let mut client = Command::new(&peer.client);
        client.current_dir(scratch);
        match peer.kind {
            Kind::Standard => {
                standard_client_flags(&mut client, port, case, tls);
            }
            Kind::Tonic => {
                client.args(["--test_case", case]);
                if tls {
                    client.arg("--use_tls");
                }
            }
        }
        if !passes(client)? {
            failed.push(case.to_string());
        }
    }
    Ok(failed)
}

/// Serves with the peer's server and runs each case with protoforge's `interop-client`.
fn our_client_against_peer(
    peer: &Peer,
    ours: &Path,
    scratch: &Path,
    tls: bool,
) -> Result<Vec<String>, String> {
    let mut server = Command::new(&peer.server);
    server.current_dir(scratch);
    let port = match peer.kind {
        Kind::Standard => {
            let port = free_port()?;
            server
                .arg(format!("--port={port}"))
                .arg(format!("--use_tls={tls}"));
            port
        }
        Kind::Tonic => {
            if tls {
                server.arg("--use_tls");
            }
            TONIC_PORT
        }
    };
    let _server = Running::start(server, port)?;
    let mut failed = Vec::new();
    for case in CASES {
        let mut client = Command::new(ours.join("interop-client"));
        standard_client_flags(&mut client, port, case, tls);
        if !passes(client)? {
            failed.push(case.to_string());
        }
    }
    Ok(failed)
}

fn standard_client_flags(client: &mut Command, port: u16, case: &str, tls: bool) {
    client.args([
        "--server_host=127.0.0.1".to_string(),
        format!("--server_port={port}"),
        format!("--test_case={case}"),
        format!("--use_tls={tls}"),
    ]);
    if tls {
        client.args([
            "--use_test_ca=true".to_string(),
            format!("--server_host_override={HOST_OVERRIDE}"),
        ]);
    }
}

/// Runs one client process to its end (or kills it at [`CASE_LIMIT`]): whether it succeeded.
fn passes(mut command: Command) -> Result<bool, String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("start {program}: {e}"))?;
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok(status.success());
        }
        if start.elapsed() > CASE_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn report(line: &str, cases: &[&str], failed: &[String], failures: &mut Vec<String>) {
    let passed = cases.len() - failed.len();
    if failed.is_empty() {
        println!("{line}: {passed}/{} passed", cases.len());
    } else {
        println!(
            "{line}: {passed}/{} passed, failed: {}",
            cases.len(),
            failed.join(" ")
        );
        failures.extend(failed.iter().map(|case| format!("{line}: {case}")));
    }
}

/// A server process, killed and reaped when dropped.
struct Running(Child);

impl Running {
    /// Starts `command` and waits (at most 30 s) until it accepts connections on `port`.
    fn start(mut command: Command, port: u16) -> Result<Running, String> {
        let program = command.get_program().to_string_lossy().into_owned();
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("start {program}: {e}"))?;
        let mut running = Running(child);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(status)) = running.0.try_wait() {
                return Err(format!("{program} exited early with {status}"));
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(running);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!(
            "{program} did not listen on port {port} within 30 s"
        ))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}
