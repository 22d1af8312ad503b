//! How a server built from generated code answers on the wire, read from raw HTTP/2
//! responses: a streaming handler that fails before its first message answers Trailers-Only
//! (the status in the one HEADERS frame, as grpc-go does), a request larger than the limit is
//! refused with `RESOURCE_EXHAUSTED` (not tonic's `OUT_OF_RANGE`), and a connection that never
//! completes the HTTP/2 preface is closed after the handshake timeout, over TLS too (where the
//! timeout covers the TLS handshake and the preface together).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use protoforge::Message;
use protoforge::grpc::transport::Handshake;
use protoforge_interop::proto::grpc::testing::test_service_client::TestServiceClient;
use protoforge_interop::proto::grpc::testing::{
    EchoStatus, Payload, ResponseParameters, SimpleRequest, StreamingOutputCallRequest,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_stream::StreamExt;
use tonic::Code;
use tonic::body::Body;
use tonic::codegen::Service;
use tonic::transport::Channel;

/// A request body of one prepared buffer.
struct Full(Option<Bytes>);

impl http_body::Body for Full {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, tonic::Status>>> {
        Poll::Ready(
            self.get_mut()
                .0
                .take()
                .map(|b| Ok(http_body::Frame::data(b))),
        )
    }
}

/// Serves the interop service as `interop-server` does (with `handshake` as the preface
/// timeout) on a free port.
async fn serve(handshake: Duration) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener)
        .map(move |stream| stream.map(|s| Handshake::new(s, handshake)));
    tokio::spawn(
        protoforge::grpc::transport::server_builder()
            .add_service(protoforge_interop::server::service())
            .serve_with_incoming(incoming),
    );
    addr
}

/// Sends one framed `message` to `method` of `TestService` and returns the response head and
/// the first body frame.
async fn raw_call(
    addr: std::net::SocketAddr,
    method: &str,
    message: &impl Message,
) -> (http::response::Parts, Option<http_body::Frame<Bytes>>) {
    let mut channel = Channel::from_shared(format!("http://{addr}"))
        .expect("uri")
        .connect()
        .await
        .expect("connect");
    let encoded = message.encode_to_vec();
    let mut frame = vec![0];
    frame.extend((encoded.len() as u32).to_be_bytes());
    frame.extend(encoded);
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("http://{addr}/grpc.testing.TestService/{method}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(Body::new(Full(Some(frame.into()))))
        .expect("request");
    std::future::poll_fn(|cx| channel.poll_ready(cx))
        .await
        .expect("ready");
    let response = channel.call(request).await.expect("response");
    let (head, mut body) = response.into_parts();
    let first = std::future::poll_fn(|cx| http_body::Body::poll_frame(Pin::new(&mut body), cx))
        .await
        .transpose()
        .expect("body");
    (head, first)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streaming_failure_before_any_message_is_trailers_only() {
    let addr = serve(Duration::from_secs(10)).await;
    let failing = StreamingOutputCallRequest {
        response_status: Some(EchoStatus {
            code: 2,
            message: "test status message".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let (head, first) = raw_call(addr, "FullDuplexCall", &failing).await;
    assert_eq!(head.status, 200);
    assert_eq!(
        head.headers.get("grpc-status").map(|v| v.as_bytes()),
        Some(&b"2"[..]),
        "{head:?}"
    );
    assert_eq!(
        head.headers.get("grpc-message").map(|v| v.as_bytes()),
        Some(&b"test%20status%20message"[..])
    );
    assert!(
        first.is_none(),
        "a Trailers-Only response has no body: {first:?}"
    );
    let (head, _) = raw_call(addr, "StreamingOutputCall", &failing).await;
    assert_eq!(
        head.headers.get("grpc-status").map(|v| v.as_bytes()),
        Some(&b"2"[..])
    );

    // The control: a stream with a message sends headers without a status, then the message.
    let answering = StreamingOutputCallRequest {
        response_parameters: vec![ResponseParameters {
            size: 10,
            ..Default::default()
        }],
        ..Default::default()
    };
    let (head, first) = raw_call(addr, "StreamingOutputCall", &answering).await;
    assert!(head.headers.get("grpc-status").is_none(), "{head:?}");
    let data = first.and_then(|f| f.into_data().ok()).expect("a message");
    // A 10-byte body in a Payload in a StreamingOutputCallResponse: 14 bytes.
    assert_eq!(data.len(), 5 + 14, "{data:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_messages_are_resource_exhausted_both_ways() {
    let addr = serve(Duration::from_secs(10)).await;
    let mut client = TestServiceClient::connect(format!("http://{addr}"))
        .await
        .expect("connect");
    let big = SimpleRequest {
        payload: Some(Payload {
            body: vec![0; protoforge::grpc::transport::MAX_MESSAGE_SIZE + 1],
            ..Default::default()
        }),
        ..Default::default()
    };
    let status = client.unary_call(big).await.expect_err("over the limit");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");

    // A response over the client's own limit.
    let request = SimpleRequest {
        response_size: 2_000,
        ..Default::default()
    };
    let status = client
        .clone()
        .max_decoding_message_size(1_000)
        .unary_call(request.clone())
        .await
        .expect_err("over the limit");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    let reply = client.unary_call(request).await.expect("within the limit");
    assert_eq!(
        reply.get_ref().payload.as_ref().map(|p| p.body.len()),
        Some(2_000)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_open_connections_are_closed_after_the_handshake_timeout() {
    let addr = serve(Duration::from_millis(300)).await;
    let mut socket = tokio::net::TcpStream::connect(addr).await.expect("connect");
    socket
        .write_all(b"PRI * HTTP/2.0\r\n")
        .await
        .expect("half a preface");
    let mut buf = [0; 256];
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "the half-open connection is still open after 5 s"
    );

    // A real client on the same server is served.
    let mut client = TestServiceClient::connect(format!("http://{addr}"))
        .await
        .expect("connect");
    tokio::time::sleep(Duration::from_millis(500)).await;
    client
        .unary_call(SimpleRequest::default())
        .await
        .expect("served after the handshake timeout passed");
}

/// Reads from `stream` until the server closes it (end of stream or an error); `false` if it is
/// still open after 5 s.
async fn closed_by_server(mut stream: impl tokio::io::AsyncRead + Unpin) -> bool {
    let mut buf = [0; 256];
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_connections_that_stop_inside_the_preface_are_closed() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let config = protoforge::grpc::transport::server_tls_config(
        protoforge_interop::server::TEST_CERT,
        protoforge_interop::server::TEST_KEY,
    )
    .expect("test certificate");
    let incoming = protoforge::grpc::transport::incoming_tls_with_timeout(
        listener,
        config,
        Duration::from_millis(300),
    );
    tokio::spawn(
        protoforge::grpc::transport::server_builder()
            .add_service(protoforge_interop::server::service())
            .serve_with_incoming(incoming),
    );

    // A client that finishes the TLS handshake, then sends half the HTTP/2 preface.
    let mut roots = rustls::RootCertStore::empty();
    let ca = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/grpc-tls/ca.pem"),
    )
    .expect("test CA");
    for cert in rustls::pki_types::pem::PemObject::pem_slice_iter(&ca) {
        roots.add(cert.expect("CA certificate")).expect("root");
    }
    let mut client = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    client.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(client));
    let name = rustls::pki_types::ServerName::try_from("foo.test.google.fr").expect("name");
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut tls = connector
        .connect(name.clone(), tcp)
        .await
        .expect("TLS handshake");
    tls.write_all(b"PRI * HTTP/2.0\r\n")
        .await
        .expect("half a preface");
    tls.flush().await.expect("flush");
    assert!(
        closed_by_server(tls).await,
        "a TLS connection holding half a preface is still open after 5 s"
    );

    // A client that stalls inside the TLS handshake itself (a bare TCP connection) is closed too.
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    assert!(
        closed_by_server(tcp).await,
        "a connection without a TLS handshake is still open after 5 s"
    );

    // A client that completes both is served, after the timeout has passed.
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut tls = connector.connect(name, tcp).await.expect("TLS handshake");
    tls.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        .await
        .expect("preface");
    tls.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0])
        .await
        .expect("SETTINGS");
    tls.flush().await.expect("flush");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let mut head = [0; 9];
    tls.read_exact(&mut head)
        .await
        .expect("the server's SETTINGS");
    assert_eq!(head[3], 4, "the server's first frame is SETTINGS: {head:?}");
}
