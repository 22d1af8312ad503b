//! Runs every standard interop case both ways against Python grpcio, an independent gRPC
//! implementation: our `interop-server` with the Python client, and the Python server with
//! our `interop-client`. Everything binds 127.0.0.1, every wait is bounded, and every child
//! process is killed when its guard drops, on failure too.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use protoforge_interop::client::TEST_CASES;

/// A child process that is killed and reaped when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A scratch directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let path =
            std::env::temp_dir().join(format!("protoforge-interop-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a temporary directory");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn proto_root() -> PathBuf {
    manifest_dir().join("../../testdata/descriptors/grpc/src")
}

fn peer_script() -> PathBuf {
    manifest_dir().join("python/interop_peer.py")
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local address").port()
}

/// Waits (at most 60 s) until something accepts connections on `port`.
fn wait_for_port(port: u16, server: &mut Guard) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!("the server exited early with {status}");
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("nothing listens on 127.0.0.1:{port} after 60 s");
}

/// Runs `command` to completion (at most 180 s) and returns its standard output.
fn run_client(mut command: Command) -> String {
    let mut child = Guard(
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the client"),
    );
    let stdout = child.0.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            lines.push(line);
        }
        lines.join("\n")
    });
    let start = Instant::now();
    loop {
        if child.0.try_wait().expect("poll the client").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(180) {
            drop(child);
            panic!("the client did not finish within 180 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(child);
    reader.join().expect("read the client's output")
}

/// Asserts that the client output reports `name: PASS` for every case.
fn assert_all_pass(output: &str) {
    let mut failures = Vec::new();
    for case in TEST_CASES {
        let pass = format!("{case}: PASS");
        if !output.lines().any(|line| line == pass) {
            failures.push(*case);
        }
    }
    assert!(
        failures.is_empty(),
        "cases not passing: {failures:?}\nclient output:\n{output}"
    );
}

#[test]
fn python_client_against_protoforge_server() {
    let port = free_port();
    let mut server = Guard(
        Command::new(env!("CARGO_BIN_EXE_interop-server"))
            .arg(format!("--port={port}"))
            .arg("--use_tls=false")
            .stdin(Stdio::piped())
            .spawn()
            .expect("start interop-server"),
    );
    wait_for_port(port, &mut server);
    let stubs = TempDir::new("py-client");
    let mut command = Command::new("python3");
    command
        .arg(peer_script())
        .arg("client")
        .arg("--proto_root")
        .arg(proto_root())
        .arg("--stub_dir")
        .arg(&stubs.0)
        .arg("--server_port")
        .arg(port.to_string())
        .arg("--test_case=all");
    let output = run_client(command);
    assert_all_pass(&output);
}

#[test]
fn protoforge_client_against_python_server() {
    let port = free_port();
    let stubs = TempDir::new("py-server");
    let mut server = Guard(
        Command::new("python3")
            .arg(peer_script())
            .arg("server")
            .arg("--proto_root")
            .arg(proto_root())
            .arg("--stub_dir")
            .arg(&stubs.0)
            .arg("--port")
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .spawn()
            .expect("start the Python interop server"),
    );
    wait_for_port(port, &mut server);
    let mut command = Command::new(env!("CARGO_BIN_EXE_interop-client"));
    command
        .args(["--server_host", "127.0.0.1", "--server_port"])
        .arg(port.to_string())
        .args(["--test_case", "all", "--use_tls=false"]);
    let output = run_client(command);
    assert_all_pass(&output);
}
