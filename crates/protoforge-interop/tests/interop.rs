//! Runs every standard interop case both ways against Python grpcio, an independent gRPC
//! implementation: our `interop-server` with the Python client, and the Python server with
//! our `interop-client`, in plaintext and over TLS (the test credentials of
//! `testdata/grpc-tls`). Then large_unary and the streaming cases with gzip compression both
//! ways, through a TCP proxy that reads the HTTP/2 DATA frames and checks the compressed flag
//! of every gRPC message on the wire. Everything binds 127.0.0.1, every wait is bounded, and
//! every child process is killed when its guard drops, on failure too.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use protoforge_interop::client::TEST_CASES;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

fn tls_dir() -> PathBuf {
    manifest_dir().join("../../testdata/grpc-tls")
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

/// Asserts that the client output reports `name: PASS` for every case of `cases`.
fn assert_pass(cases: &[&str], output: &str) {
    let mut failures = Vec::new();
    for case in cases {
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

/// The streaming cases and large_unary, which the compression tests run.
const COMPRESSED_CASES: &[&str] = &[
    "large_unary",
    "client_streaming",
    "server_streaming",
    "ping_pong",
];

/// Starts our `interop-server` on a free port; its standard input is closed, which it must
/// not mind.
fn protoforge_server(tls: bool) -> (Guard, u16) {
    let port = free_port();
    let mut server = Guard(
        Command::new(env!("CARGO_BIN_EXE_interop-server"))
            .args(["--port", &port.to_string()])
            .arg(format!("--use_tls={tls}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("start interop-server"),
    );
    wait_for_port(port, &mut server);
    (server, port)
}

/// The Python client command for `cases` against `port`.
fn python_client(stubs: &TempDir, port: u16, cases: &str, extra: &[&str]) -> Command {
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
        .arg(format!("--test_case={cases}"))
        .arg("--tls_dir")
        .arg(tls_dir())
        .args(extra);
    command
}

/// Starts the Python interop server on a free port with `extra` flags.
fn python_server(stubs: &TempDir, extra: &[&str]) -> (Guard, u16) {
    let port = free_port();
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
            .arg("--tls_dir")
            .arg(tls_dir())
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start the Python interop server"),
    );
    wait_for_port(port, &mut server);
    (server, port)
}

/// Our `interop-client` command for `cases` against `port`.
fn protoforge_client(port: u16, cases: &str, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_interop-client"));
    command
        .args(["--server_host", "127.0.0.1", "--server_port"])
        .arg(port.to_string())
        .args(["--test_case", cases])
        .args(extra);
    command
}

#[test]
fn python_client_against_protoforge_server() {
    let (_server, port) = protoforge_server(false);
    let stubs = TempDir::new("py-client");
    let output = run_client(python_client(&stubs, port, "all", &[]));
    assert_pass(TEST_CASES, &output);
}

#[test]
fn protoforge_client_against_python_server() {
    let stubs = TempDir::new("py-server");
    let (_server, port) = python_server(&stubs, &[]);
    let output = run_client(protoforge_client(port, "all", &["--use_tls=false"]));
    assert_pass(TEST_CASES, &output);
}

#[test]
fn python_client_against_protoforge_server_over_tls() {
    let (_server, port) = protoforge_server(true);
    let stubs = TempDir::new("py-client-tls");
    let output = run_client(python_client(&stubs, port, "all", &["--use_tls", "true"]));
    assert_pass(TEST_CASES, &output);
}

#[test]
fn protoforge_client_against_python_server_over_tls() {
    let stubs = TempDir::new("py-server-tls");
    let (_server, port) = python_server(&stubs, &["--use_tls", "true"]);
    let flags = [
        "--use_tls=true",
        "--use_test_ca=true",
        "--server_host_override=foo.test.google.fr",
    ];
    let output = run_client(protoforge_client(port, "all", &flags));
    assert_pass(TEST_CASES, &output);
    // Without the test CA the server's certificate is not trusted.
    let output = run_client(protoforge_client(port, "large_unary", &flags[..1]));
    assert!(!output.contains("PASS"), "{output}");
}

/// The gRPC messages one direction of a proxied connection carried: (compressed, length).
type Seen = Arc<Mutex<Vec<(bool, u32)>>>;

/// Reads HTTP/2 frames (after the client preface when `preface` is set) and records the
/// 5-byte header of every gRPC message in the DATA frames, per stream.
#[derive(Default)]
struct FrameReader {
    buf: Vec<u8>,
    preface_left: usize,
    streams: std::collections::HashMap<u32, Vec<u8>>,
}

impl FrameReader {
    fn feed(&mut self, bytes: &[u8], seen: &Seen) {
        self.buf.extend_from_slice(bytes);
        let skip = self.preface_left.min(self.buf.len());
        self.buf.drain(..skip);
        self.preface_left -= skip;
        while self.buf.len() >= 9 {
            let len = u32::from_be_bytes([0, self.buf[0], self.buf[1], self.buf[2]]) as usize;
            if self.buf.len() < 9 + len {
                break;
            }
            let (kind, flags) = (self.buf[3], self.buf[4]);
            let stream = u32::from_be_bytes([self.buf[5], self.buf[6], self.buf[7], self.buf[8]])
                & 0x7fff_ffff;
            let payload: Vec<u8> = self.buf[9..9 + len].to_vec();
            self.buf.drain(..9 + len);
            if kind != 0 {
                continue;
            }
            // DATA, without its padding when PADDED is set.
            let data = if flags & 0x8 != 0 && !payload.is_empty() {
                let pad = payload[0] as usize;
                payload[1..payload.len().saturating_sub(pad)].to_vec()
            } else {
                payload
            };
            let pending = self.streams.entry(stream).or_default();
            pending.extend_from_slice(&data);
            while pending.len() >= 5 {
                let size = u32::from_be_bytes([pending[1], pending[2], pending[3], pending[4]]);
                if pending.len() < 5 + size as usize {
                    break;
                }
                seen.lock().expect("lock").push((pending[0] == 1, size));
                pending.drain(..5 + size as usize);
            }
        }
    }
}

/// A plaintext TCP proxy on a free port to `127.0.0.1:upstream`, recording the gRPC messages
/// of each direction: (requests, responses). Runs on its own thread until the test ends.
fn proxy(upstream: u16) -> (u16, Seen, Seen) {
    let requests: Seen = Arc::default();
    let responses: Seen = Arc::default();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
    let port = listener.local_addr().expect("proxy address").port();
    let (up, down) = (Arc::clone(&requests), Arc::clone(&responses));
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("proxy runtime");
        runtime.block_on(async move {
            listener.set_nonblocking(true).expect("nonblocking");
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = tokio::net::TcpStream::connect(("127.0.0.1", upstream)).await
                else {
                    continue;
                };
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                tokio::spawn(pump(client_read, server_write, 24, Arc::clone(&up)));
                tokio::spawn(pump(server_read, client_write, 0, Arc::clone(&down)));
            }
        });
    });
    (port, requests, responses)
}

/// Copies `from` to `to`, recording the gRPC messages that pass.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    preface: usize,
    seen: Seen,
) {
    let mut reader = FrameReader {
        preface_left: preface,
        ..FrameReader::default()
    };
    let mut buf = vec![0; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        reader.feed(&buf[..n], &seen);
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// Takes what `seen` recorded and checks that the messages were gzip-compressed: at least
/// `min` compressed ones, and no uncompressed one of 64 bytes or more (gRPC implementations
/// may send a message uncompressed when compressing would not shrink it).
fn assert_compressed(what: &str, seen: &Seen, min: usize) {
    let messages = std::mem::take(&mut *seen.lock().expect("lock"));
    let compressed = messages.iter().filter(|(c, _)| *c).count();
    let plain: Vec<_> = messages.iter().filter(|(c, n)| !c && *n >= 64).collect();
    assert!(
        compressed >= min && plain.is_empty(),
        "{what}: {compressed} compressed messages (at least {min} expected), uncompressed \
         ones: {plain:?}"
    );
}

#[test]
fn protoforge_client_and_python_server_compress_on_the_wire() {
    let stubs = TempDir::new("py-server-gzip");
    let (_server, upstream) = python_server(&stubs, &["--compression", "gzip"]);
    let (port, requests, responses) = proxy(upstream);
    let cases = COMPRESSED_CASES.join(",");
    let output = run_client(protoforge_client(port, &cases, &["--compression=gzip"]));
    assert_pass(COMPRESSED_CASES, &output);
    assert_compressed("requests of our client", &requests, 6);
    assert_compressed("responses of the Python server", &responses, 6);

    // The control, that the proxy tells the two apart: without `--compression` our client
    // sends its request uncompressed (and refuses the gzip answer grpcio's server compresses
    // regardless of what the client accepts, so the case itself fails).
    let output = run_client(protoforge_client(port, "large_unary", &[]));
    assert!(!output.contains("PASS"), "{output}");
    let sent = std::mem::take(&mut *requests.lock().expect("lock"));
    assert!(
        sent.len() == 1 && sent.iter().all(|(compressed, _)| !compressed),
        "{sent:?}"
    );
}

#[test]
fn python_client_and_protoforge_server_compress_on_the_wire() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let upstream = listener.local_addr().expect("address").port();
    let service = protoforge_interop::server::service()
        .send_compressed(tonic::codec::CompressionEncoding::Gzip);
    runtime.spawn(protoforge_interop::server::serve(
        service,
        listener,
        false,
        std::future::pending(),
    ));
    let (port, requests, responses) = proxy(upstream);
    let stubs = TempDir::new("py-client-gzip");
    let cases = COMPRESSED_CASES.join(",");
    let output = run_client(python_client(
        &stubs,
        port,
        &cases,
        &["--compression", "gzip"],
    ));
    assert_pass(COMPRESSED_CASES, &output);
    assert_compressed("requests of the Python client", &requests, 6);
    assert_compressed("responses of our server", &responses, 6);
}

#[test]
fn interop_server_flags() {
    let server = env!("CARGO_BIN_EXE_interop-server");
    let help = Command::new(server)
        .arg("--help")
        .output()
        .expect("run --help");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--use_tls=true|false"));
    for bad in [&["--port=x"][..], &["--port"], &[], &["--port=1", "--tls"]] {
        let output = Command::new(server)
            .args(bad)
            .stdin(Stdio::null())
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(2), "{bad:?}");
    }
    // `--port=N` serves as `--port N` does, and a closed standard input does not stop it.
    let port = free_port();
    let mut child = Guard(
        Command::new(server)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("start interop-server"),
    );
    wait_for_port(port, &mut child);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.0.try_wait().expect("poll").is_none(),
        "the server exited"
    );
}
