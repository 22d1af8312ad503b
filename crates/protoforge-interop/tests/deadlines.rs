//! The generated client enforces a call's deadline for all four RPC kinds, whatever the
//! server does: against a server that sends response headers and then never sends a message
//! nor reads one (or never even answers), each call ends with `DEADLINE_EXCEEDED` within twice
//! its deadline, whether it is waiting for headers, reading the response stream or writing the
//! request stream.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use protoforge_interop::proto::grpc::testing::test_service_client::TestServiceClient;
use protoforge_interop::proto::grpc::testing::{
    Payload, SimpleRequest, StreamingInputCallRequest, StreamingOutputCallRequest,
};
use tonic::body::Body;
use tonic::codegen::{BoxFuture, Service};
use tonic::transport::Channel;
use tonic::{Code, Request, Status};

const DEADLINE: Duration = Duration::from_millis(500);

/// A response body that never yields; it keeps the request body (unread) alive with it, so
/// the client's writes stall once the flow-control window is full.
struct Stalled(#[allow(dead_code)] Body);

impl http_body::Body for Stalled {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Status>>> {
        Poll::Pending
    }
}

/// A `grpc.testing.TestService` that answers every call with headers and then stalls (or,
/// with `headers` unset, never answers at all).
#[derive(Clone)]
struct Stall {
    headers: bool,
}

impl Service<http::Request<Body>> for Stall {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Infallible>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let headers = self.headers;
        Box::pin(async move {
            if !headers {
                std::future::pending::<()>().await;
            }
            let mut response = http::Response::new(Body::new(Stalled(request.into_body())));
            response.headers_mut().insert(
                "content-type",
                http::HeaderValue::from_static("application/grpc"),
            );
            Ok(response)
        })
    }
}

impl tonic::server::NamedService for Stall {
    const NAME: &'static str = "grpc.testing.TestService";
}

/// Serves a [`Stall`] and connects a generated client to it.
async fn stalling_client(headers: bool) -> TestServiceClient<Channel> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(Stall { headers })
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    TestServiceClient::connect(format!("http://{addr}"))
        .await
        .expect("connect")
}

fn with_deadline<T>(message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.set_timeout(DEADLINE);
    request
}

/// An endless stream of 16 KiB requests, more than any flow-control window takes.
fn endless<T: Clone + Send + 'static>(message: T) -> impl tokio_stream::Stream<Item = T> + Send {
    tokio_stream::iter(std::iter::repeat(message))
}

fn payload() -> Option<Payload> {
    Some(Payload {
        body: vec![1; 16 * 1024],
        ..Default::default()
    })
}

/// Checks that `result` is `DEADLINE_EXCEEDED` and came within twice the deadline of `start`.
#[track_caller]
fn assert_deadline<T: std::fmt::Debug>(what: &str, start: Instant, result: Result<T, Status>) {
    let elapsed = start.elapsed();
    match result {
        Err(status) => assert_eq!(status.code(), Code::DeadlineExceeded, "{what}: {status:?}"),
        Ok(value) => panic!("{what}: expected DEADLINE_EXCEEDED, got {value:?}"),
    }
    assert!(
        elapsed >= DEADLINE && elapsed < DEADLINE * 2,
        "{what}: ended after {elapsed:?}, the deadline is {DEADLINE:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unary_ends_at_its_deadline() {
    let mut client = stalling_client(true).await;
    let start = Instant::now();
    let result = client
        .unary_call(with_deadline(SimpleRequest::default()))
        .await;
    assert_deadline("after headers", start, result);

    let mut client = stalling_client(false).await;
    let start = Instant::now();
    let result = client
        .unary_call(with_deadline(SimpleRequest::default()))
        .await;
    assert_deadline("before headers", start, result);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_streaming_ends_at_its_deadline_while_reading() {
    let mut client = stalling_client(true).await;
    // Without a deadline the server really does stall.
    let mut stream = client
        .streaming_output_call(StreamingOutputCallRequest::default())
        .await
        .expect("headers")
        .into_inner();
    let waited = tokio::time::timeout(DEADLINE * 2, stream.message()).await;
    assert!(waited.is_err(), "the stalling server answered: {waited:?}");

    let start = Instant::now();
    let result = async {
        let mut stream = client
            .streaming_output_call(with_deadline(StreamingOutputCallRequest::default()))
            .await?
            .into_inner();
        stream.message().await
    }
    .await;
    assert_deadline("reading", start, result);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_streaming_ends_at_its_deadline_while_writing() {
    let mut client = stalling_client(true).await;
    let message = StreamingInputCallRequest {
        payload: payload(),
        ..Default::default()
    };
    let start = Instant::now();
    let result = client
        .streaming_input_call(with_deadline(endless(message)))
        .await;
    assert_deadline("writing", start, result);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bidi_streaming_ends_at_its_deadline_while_reading_and_writing() {
    let mut client = stalling_client(true).await;
    let message = StreamingOutputCallRequest {
        payload: payload(),
        ..Default::default()
    };
    let start = Instant::now();
    let result = async {
        let mut stream = client
            .full_duplex_call(with_deadline(endless(message)))
            .await?
            .into_inner();
        stream.message().await
    }
    .await;
    assert_deadline("reading and writing", start, result);
}
