//! Beyond the standard interop cases, against Python grpcio (`python/extras_peer.py`): rich
//! error details (an encoded `google.rpc.Status` holding a `google.rpc.ErrorInfo`, in
//! `grpc-status-details-bin`) pass through untouched in both directions, and the generated
//! client's and server's compression and message-size options take effect on the wire
//! (an oversized message is `RESOURCE_EXHAUSTED`, as in grpc-go).
//! Python decodes details with the real googleapis types; we use the wire-compatible mirrors
//! of `proto/rich_status.proto`. Everything binds 127.0.0.1 and every wait is bounded.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use protoforge::Message;
use protoforge_interop::proto::grpc::testing::test_service_client::TestServiceClient;
use protoforge_interop::proto::grpc::testing::test_service_server::{
    TestService, TestServiceServer,
};
use protoforge_interop::proto::grpc::testing::{BoolValue, Payload, SimpleRequest, SimpleResponse};
use protoforge_interop::rich;
use protoforge_interop::server::Interop;
use tonic::codec::CompressionEncoding;
use tonic::transport::Channel;
use tonic::{Code, Request, Response, Status};

/// The message the Python server's rich status carries (see `extras_peer.py`).
const PYTHON_MESSAGE: &str = "request rejected by the python peer";

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
            std::env::temp_dir().join(format!("protoforge-extras-{tag}-{}", std::process::id()));
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

fn peer(role: &str, stubs: &TempDir) -> Command {
    let mut command = Command::new("python3");
    command
        .arg(manifest_dir().join("python/extras_peer.py"))
        .arg(role)
        .arg("--proto_root")
        .arg(manifest_dir().join("../../testdata/descriptors/grpc/src"))
        .arg("--stub_dir")
        .arg(&stubs.0);
    command
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digits"))
        .collect()
}

/// The Python server: its guard, port and the rich status bytes it sends.
async fn python_server(tag: &str) -> (Guard, TempDir, u16, Vec<u8>) {
    let stubs = TempDir::new(tag);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("an ephemeral port")
        .port();
    let mut child = Guard(
        peer("server", &stubs)
            .arg("--port")
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the Python peer server"),
    );
    let stdout = child.0.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait = tokio::task::spawn_blocking(move || {
        let mut details = None;
        loop {
            let line = rx
                .recv_timeout(Duration::from_secs(60))
                .expect("the Python server starts within 60 s");
            if let Some(hex) = line.strip_prefix("details ") {
                details = Some(unhex(hex));
            }
            if line.starts_with("listening on") {
                return details.expect("the server prints its details first");
            }
        }
    });
    let details = wait.await.expect("join");
    (child, stubs, port, details)
}

/// Runs the Python client `case` against `port`; returns its output lines.
async fn python_client(port: u16, case: &str, size: usize) -> Vec<String> {
    let stubs = TempDir::new(&format!("client-{case}-{port}"));
    let mut command = peer("client", &stubs);
    command
        .arg("--server_port")
        .arg(port.to_string())
        .arg("--case")
        .arg(case)
        .arg("--size")
        .arg(size.to_string())
        .stdin(Stdio::null());
    let run = tokio::task::spawn_blocking(move || command.output());
    let output = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("the Python client finishes within 120 s")
        .expect("join")
        .expect("run the Python client");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "Python client `{case}` failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout.lines().map(str::to_string).collect()
}

/// Serves `service` on 127.0.0.1 (ephemeral port) until the returned handle is aborted.
async fn serve<T: TestService>(
    service: TestServiceServer<T>,
) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
    let handle = tokio::spawn(async move {
        let _ = tonic::transport::Server::builder()
            .add_service(service)
            .serve_with_incoming(incoming)
            .await;
    });
    (addr, handle)
}

/// An encoded `google.rpc.Status` (code 3) with one `google.rpc.ErrorInfo` detail.
fn our_details() -> Vec<u8> {
    let info = rich::ErrorInfo {
        reason: "QUOTA_EXCEEDED".into(),
        domain: "protoforge.example".into(),
        metadata: HashMap::from([
            ("limit".to_string(), "10".to_string()),
            ("service".to_string(), "interop".to_string()),
        ]),
        ..Default::default()
    };
    let status = rich::Status {
        code: 3,
        message: "rejected by protoforge".into(),
        details: vec![rich::Any {
            type_url: "type.googleapis.com/google.rpc.ErrorInfo".into(),
            value: info.encode_to_vec(),
            ..Default::default()
        }],
        ..Default::default()
    };
    status.encode_to_vec()
}

/// A `TestService` whose `UnaryCall` always fails with rich details.
struct Rejecting(Vec<u8>);

impl TestService for Rejecting {
    async fn unary_call(
        &self,
        _request: Request<SimpleRequest>,
    ) -> Result<Response<SimpleResponse>, Status> {
        Err(Status::with_details(
            Code::InvalidArgument,
            "rejected by protoforge",
            self.0.clone().into(),
        ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_reads_our_rich_details_byte_identical() {
    let details = our_details();
    let (addr, server) = serve(TestServiceServer::new(Rejecting(details.clone()))).await;
    let lines = python_client(addr.port(), "rich", 0).await;
    server.abort();
    assert_eq!(
        lines,
        [
            "code INVALID_ARGUMENT".to_string(),
            format!("details {}", hex(&details)),
            "status 3 rejected by protoforge".to_string(),
            "error_info QUOTA_EXCEEDED protoforge.example limit=10 service=interop".to_string(),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_reads_python_rich_details_byte_identical() {
    let (_server, _stubs, port, sent) = python_server("rich").await;
    let mut client = TestServiceClient::connect(format!("http://127.0.0.1:{port}"))
        .await
        .expect("connect");
    let request = SimpleRequest {
        fill_username: true,
        ..Default::default()
    };
    let status = client
        .unary_call(request)
        .await
        .expect_err("the Python server rejects the call");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(status.message(), PYTHON_MESSAGE);
    assert_eq!(status.details(), &sent[..]);
    let decoded = rich::Status::decode(status.details()).expect("a google.rpc.Status");
    assert_eq!(
        (decoded.code, decoded.message.as_str()),
        (3, PYTHON_MESSAGE)
    );
    assert_eq!(decoded.details.len(), 1);
    assert_eq!(
        decoded.details[0].type_url,
        "type.googleapis.com/google.rpc.ErrorInfo"
    );
    let info = rich::ErrorInfo::decode(&decoded.details[0].value[..]).expect("an ErrorInfo");
    assert_eq!(info.reason, "PYTHON_SAYS_NO");
    assert_eq!(info.domain, "peer.python.example");
    assert_eq!(
        info.metadata,
        HashMap::from([
            ("attempt".to_string(), "1".to_string()),
            ("zone".to_string(), "loopback".to_string()),
        ])
    );
}

fn request(payload: usize, response_size: i32) -> SimpleRequest {
    SimpleRequest {
        response_size,
        payload: Some(Payload {
            body: vec![0; payload],
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_options_take_effect_against_python_server() {
    let (_server, _stubs, port, _) = python_server("options").await;
    let channel = Channel::from_shared(format!("http://127.0.0.1:{port}"))
        .expect("uri")
        .connect()
        .await
        .expect("connect");
    let client = || TestServiceClient::new(channel.clone());

    // A gzip-compressed request arrives whole (the server reports the bytes it decoded).
    let reply = client()
        .send_compressed(CompressionEncoding::Gzip)
        .unary_call(request(100_000, 10))
        .await
        .expect("gzip request");
    assert_eq!(reply.get_ref().username, "100000");

    // A gzip-compressed response is read by a client that accepts gzip, and refused by one
    // that does not; an uncompressed one needs nothing.
    let compressed = SimpleRequest {
        response_compressed: Some(BoolValue {
            value: true,
            ..Default::default()
        }),
        ..request(0, 50_000)
    };
    let reply = client()
        .accept_compressed(CompressionEncoding::Gzip)
        .unary_call(compressed.clone())
        .await
        .expect("gzip response");
    assert_eq!(
        reply.metadata().get("grpc-encoding").map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    assert_eq!(
        reply.get_ref().payload.as_ref().map(|p| p.body.len()),
        Some(50_000)
    );
    let status = client()
        .unary_call(compressed)
        .await
        .expect_err("gzip response without accepting gzip");
    assert_eq!(status.code(), Code::Unimplemented, "{status:?}");
    let reply = client()
        .unary_call(request(0, 50_000))
        .await
        .expect("plain response");
    assert_eq!(reply.metadata().get("grpc-encoding"), None);
    assert_eq!(
        reply.get_ref().payload.as_ref().map(|p| p.body.len()),
        Some(50_000)
    );

    // Message size limits: a response over the decoding limit is RESOURCE_EXHAUSTED, as in
    // grpc-go and grpc-core (tonic alone says OUT_OF_RANGE); then a request over the encoding
    // one.
    let status = client()
        .max_decoding_message_size(1_000)
        .unary_call(request(0, 2_000))
        .await
        .expect_err("response over the limit");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(status.message().contains("larger than max"), "{status:?}");
    let status = client()
        .max_encoding_message_size(1_000)
        .unary_call(request(2_000, 0))
        .await
        .expect_err("request over the limit");
    // tonic fails the request body while sending, so h2 resets the stream: the caller sees
    // the reset (INTERNAL) rather than the encoder's own OUT_OF_RANGE.
    assert!(
        matches!(status.code(), Code::Internal | Code::OutOfRange),
        "{status:?}"
    );
    let reply = client()
        .max_decoding_message_size(3_000)
        .max_encoding_message_size(3_000)
        .unary_call(request(2_000, 2_000))
        .await
        .expect("both within the limits");
    assert_eq!(reply.get_ref().username, "2000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_options_take_effect_against_python_client() {
    // Without `accept_compressed`, a gzip request is refused; plain ones are served.
    let (addr, plain) = serve(TestServiceServer::new(Interop)).await;
    assert_eq!(
        python_client(addr.port(), "gzip", 1000).await,
        ["error UNIMPLEMENTED"]
    );
    assert_eq!(python_client(addr.port(), "plain", 1000).await, ["ok 1000"]);
    plain.abort();

    let (addr, gzip) = serve(
        TestServiceServer::new(Interop)
            .accept_compressed(CompressionEncoding::Gzip)
            .send_compressed(CompressionEncoding::Gzip),
    )
    .await;
    assert_eq!(python_client(addr.port(), "gzip", 1000).await, ["ok 1000"]);
    gzip.abort();

    // A request over the decoding limit is refused with RESOURCE_EXHAUSTED, as grpc-go does.
    let (addr, limited) =
        serve(TestServiceServer::new(Interop).max_decoding_message_size(500)).await;
    assert_eq!(
        python_client(addr.port(), "plain", 1000).await,
        ["error RESOURCE_EXHAUSTED"]
    );
    limited.abort();
}
