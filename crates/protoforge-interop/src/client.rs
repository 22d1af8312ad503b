//! The interop client: one function per standard test case (the names of the gRPC interop
//! spec), each returning `Err` with a description of the first expectation that failed.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;
use tonic::codec::CompressionEncoding;
use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};
use tonic::{Code, Request, Status};

use crate::proto::grpc::testing::test_service_client::TestServiceClient;
use crate::proto::grpc::testing::unimplemented_service_client::UnimplementedServiceClient;
use crate::proto::grpc::testing::{
    EchoStatus, Empty, Payload, ResponseParameters, SimpleRequest, StreamingInputCallRequest,
    StreamingOutputCallRequest,
};
use crate::server::{ECHO_INITIAL, ECHO_TRAILING};

/// Every test case this client knows, in the order the spec lists them.
pub const TEST_CASES: &[&str] = &[
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

/// How long any single step may take before the case fails instead of hanging.
const STEP: Duration = Duration::from_secs(10);

/// The result of a test case: `Err` says what went wrong.
pub type CaseResult = Result<(), String>;

/// How the client connects and calls: TLS, which CA to trust, the name the server's
/// certificate must carry, compression.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Connect with TLS.
    pub tls: bool,
    /// Trust the test CA of `testdata/grpc-tls` (else the system's roots).
    pub test_ca: bool,
    /// The name to check the server's certificate for, instead of the host's.
    pub host_override: Option<String>,
    /// Compress requests with gzip and accept gzip responses.
    pub gzip: bool,
}

/// The test CA of `testdata/grpc-tls`, which signed the interop server's certificate.
pub const TEST_CA: &[u8] = include_bytes!("../../../testdata/grpc-tls/ca.pem");

impl Settings {
    /// Opens a channel to `host:port` as the settings say.
    pub async fn connect(
        &self,
        host: &str,
        port: u16,
    ) -> Result<Channel, Box<dyn std::error::Error + Send + Sync>> {
        let scheme = if self.tls { "https" } else { "http" };
        let mut endpoint = Endpoint::from_shared(format!("{scheme}://{host}:{port}"))?;
        if self.tls {
            let mut tls = ClientTlsConfig::new().domain_name(
                self.host_override
                    .clone()
                    .unwrap_or_else(|| host.to_string()),
            );
            tls = if self.test_ca {
                tls.ca_certificate(Certificate::from_pem(TEST_CA))
            } else {
                tls.with_native_roots()
            };
            endpoint = endpoint.tls_config(tls)?;
        }
        Ok(endpoint.connect().await?)
    }

    /// A `TestService` client on `channel`, compressing as the settings say.
    pub fn client(&self, channel: Channel) -> TestServiceClient<Channel> {
        let client = TestServiceClient::new(channel);
        if self.gzip {
            client
                .send_compressed(CompressionEncoding::Gzip)
                .accept_compressed(CompressionEncoding::Gzip)
        } else {
            client
        }
    }
}

/// Runs test case `name` against the server behind `channel`.
pub async fn run(channel: Channel, name: &str, settings: &Settings) -> CaseResult {
    let client = settings.client(channel.clone());
    let case = async {
        match name {
            "empty_unary" => empty_unary(client).await,
            "large_unary" => large_unary(client).await,
            "client_streaming" => client_streaming(client).await,
            "server_streaming" => server_streaming(client).await,
            "ping_pong" => ping_pong(client).await,
            "empty_stream" => empty_stream(client).await,
            "custom_metadata" => custom_metadata(client).await,
            "status_code_and_message" => status_code_and_message(client).await,
            "special_status_message" => special_status_message(client).await,
            "unimplemented_method" => unimplemented_method(client).await,
            "unimplemented_service" => unimplemented_service(channel).await,
            "cancel_after_begin" => cancel_after_begin(client).await,
            "cancel_after_first_response" => cancel_after_first_response(client).await,
            "timeout_on_sleeping_server" => timeout_on_sleeping_server(client).await,
            other => Err(format!("unknown test case `{other}`")),
        }
    };
    tokio::time::timeout(STEP * 3, case)
        .await
        .unwrap_or_else(|_| Err(format!("test case `{name}` timed out")))
}

/// Fails with `what` unless `condition` holds.
fn check(condition: bool, what: impl FnOnce() -> String) -> CaseResult {
    if condition { Ok(()) } else { Err(what()) }
}

fn status_err(what: &str, status: Status) -> String {
    format!("{what}: {:?}: {}", status.code(), status.message())
}

fn payload(size: usize) -> Option<Payload> {
    Some(Payload {
        body: vec![0; size],
        ..Default::default()
    })
}

fn body_len(payload: Option<&Payload>) -> usize {
    payload.map_or(0, |p| p.body.len())
}

/// A request asking for one response of `response_size` bytes, carrying `request_size`.
fn output_request(response_size: i32, request_size: usize) -> StreamingOutputCallRequest {
    StreamingOutputCallRequest {
        response_parameters: vec![ResponseParameters {
            size: response_size,
            ..Default::default()
        }],
        payload: payload(request_size),
        ..Default::default()
    }
}

async fn empty_unary(mut client: TestServiceClient<Channel>) -> CaseResult {
    let response = client
        .empty_call(Empty::default())
        .await
        .map_err(|s| status_err("EmptyCall", s))?;
    check(response.into_inner() == Empty::default(), || {
        "EmptyCall answered a non-empty message".into()
    })
}

fn large_request() -> SimpleRequest {
    SimpleRequest {
        response_size: 314_159,
        payload: payload(271_828),
        ..Default::default()
    }
}

async fn large_unary(mut client: TestServiceClient<Channel>) -> CaseResult {
    let response = client
        .unary_call(large_request())
        .await
        .map_err(|s| status_err("UnaryCall", s))?;
    let len = body_len(response.get_ref().payload.as_ref());
    check(len == 314_159, || {
        format!("payload of {len} bytes, expected 314159")
    })
}

async fn client_streaming(mut client: TestServiceClient<Channel>) -> CaseResult {
    let requests = [27_182, 8, 1_828, 45_904].map(|size| StreamingInputCallRequest {
        payload: payload(size),
        ..Default::default()
    });
    let response = client
        .streaming_input_call(tokio_stream::iter(requests))
        .await
        .map_err(|s| status_err("StreamingInputCall", s))?;
    let total = response.get_ref().aggregated_payload_size;
    check(total == 74_922, || {
        format!("aggregated size {total}, expected 74922")
    })
}

async fn server_streaming(mut client: TestServiceClient<Channel>) -> CaseResult {
    let sizes = [31_415, 9, 2_653, 58_979];
    let request = StreamingOutputCallRequest {
        response_parameters: sizes
            .iter()
            .map(|&size| ResponseParameters {
                size,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let mut stream = client
        .streaming_output_call(request)
        .await
        .map_err(|s| status_err("StreamingOutputCall", s))?
        .into_inner();
    let mut got = Vec::new();
    while let Some(message) = stream.next().await {
        let message = message.map_err(|s| status_err("StreamingOutputCall stream", s))?;
        got.push(body_len(message.payload.as_ref()) as i32);
    }
    check(got == sizes, || {
        format!("response sizes {got:?}, expected {sizes:?}")
    })
}

async fn ping_pong(mut client: TestServiceClient<Channel>) -> CaseResult {
    let steps = [(31_415, 27_182), (9, 8), (2_653, 1_828), (58_979, 45_904)];
    let (tx, rx) = mpsc::channel(4);
    // The first request goes out with the call: a server may hold its headers back until it
    // has something to answer.
    tx.send(output_request(steps[0].0, steps[0].1))
        .await
        .map_err(|_| "request stream closed early".to_string())?;
    let mut stream = client
        .full_duplex_call(ReceiverStream::new(rx))
        .await
        .map_err(|s| status_err("FullDuplexCall", s))?
        .into_inner();
    for (index, &(response_size, _)) in steps.iter().enumerate() {
        if index > 0 {
            tx.send(output_request(response_size, steps[index].1))
                .await
                .map_err(|_| "request stream closed early".to_string())?;
        }
        let message = tokio::time::timeout(STEP, stream.next())
            .await
            .map_err(|_| "no response in time".to_string())?
            .ok_or("stream ended early")?
            .map_err(|s| status_err("FullDuplexCall stream", s))?;
        let len = body_len(message.payload.as_ref());
        check(len == response_size as usize, || {
            format!("payload of {len} bytes, expected {response_size}")
        })?;
    }
    drop(tx);
    let end = stream.next().await;
    check(end.is_none(), || {
        format!("expected the end of the stream, got {end:?}")
    })
}

async fn empty_stream(mut client: TestServiceClient<Channel>) -> CaseResult {
    let mut stream = client
        .full_duplex_call(tokio_stream::empty::<StreamingOutputCallRequest>())
        .await
        .map_err(|s| status_err("FullDuplexCall", s))?
        .into_inner();
    let end = stream.next().await;
    check(end.is_none(), || {
        format!("expected an empty stream, got {end:?}")
    })
}

/// The metadata custom_metadata sends, and checks the echo of.
fn custom_request<T>(message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.metadata_mut().insert(
        ECHO_INITIAL,
        MetadataValue::from_static("test_initial_metadata_value"),
    );
    request
        .metadata_mut()
        .insert_bin(ECHO_TRAILING, MetadataValue::from_bytes(b"\xab\xab\xab"));
    request
}

fn check_echo(what: &str, initial: &MetadataMap, trailing: &MetadataMap) -> CaseResult {
    let got = initial.get(ECHO_INITIAL).map(|v| v.as_bytes().to_vec());
    check(
        got.as_deref() == Some(&b"test_initial_metadata_value"[..]),
        || format!("{what}: initial metadata echo {got:?}"),
    )?;
    let got = trailing
        .get_bin(ECHO_TRAILING)
        .and_then(|v| v.to_bytes().ok());
    check(got.as_deref() == Some(&b"\xab\xab\xab"[..]), || {
        format!("{what}: trailing metadata echo {got:?}")
    })
}

async fn custom_metadata(mut client: TestServiceClient<Channel>) -> CaseResult {
    // Unary: tonic merges headers and trailers into one map.
    let response = client
        .unary_call(custom_request(large_request()))
        .await
        .map_err(|s| status_err("UnaryCall", s))?;
    check_echo("UnaryCall", response.metadata(), response.metadata())?;
    let len = body_len(response.get_ref().payload.as_ref());
    check(len == 314_159, || {
        format!("payload of {len} bytes, expected 314159")
    })?;

    let request = custom_request(tokio_stream::iter([output_request(314_159, 271_828)]));
    let response = client
        .full_duplex_call(request)
        .await
        .map_err(|s| status_err("FullDuplexCall", s))?;
    let initial = response.metadata().clone();
    let mut stream = response.into_inner();
    let mut sizes = Vec::new();
    while let Some(message) = stream.next().await {
        let message = message.map_err(|s| status_err("FullDuplexCall stream", s))?;
        sizes.push(body_len(message.payload.as_ref()));
    }
    check(sizes == [314_159], || format!("response sizes {sizes:?}"))?;
    let trailing = stream
        .trailers()
        .await
        .map_err(|s| status_err("FullDuplexCall trailers", s))?
        .unwrap_or_default();
    check_echo("FullDuplexCall", &initial, &trailing)
}

fn check_status(what: &str, result: Result<(), Status>, code: Code, message: &str) -> CaseResult {
    match result {
        Ok(()) => Err(format!("{what} succeeded, expected {code:?}")),
        Err(status) => check(status.code() == code && status.message() == message, || {
            format!(
                "{what}: got {:?} {:?}, expected {code:?} {message:?}",
                status.code(),
                status.message()
            )
        }),
    }
}

async fn status_code_and_message(mut client: TestServiceClient<Channel>) -> CaseResult {
    let message = "test status message";
    let echo = Some(EchoStatus {
        code: 2,
        message: message.to_string(),
        ..Default::default()
    });
    let request = SimpleRequest {
        response_status: echo.clone(),
        ..Default::default()
    };
    let result = client.unary_call(request).await.map(drop);
    check_status("UnaryCall", result, Code::Unknown, message)?;

    let request = StreamingOutputCallRequest {
        response_status: echo,
        ..Default::default()
    };
    let result = async {
        let mut stream = client
            .full_duplex_call(tokio_stream::iter([request]))
            .await?
            .into_inner();
        while let Some(item) = stream.next().await {
            item?;
        }
        Ok(())
    }
    .await;
    check_status("FullDuplexCall", result, Code::Unknown, message)
}

async fn special_status_message(mut client: TestServiceClient<Channel>) -> CaseResult {
    let message = "\t\ntest with whitespace\r\nand Unicode BMP \u{263A} and non-BMP \u{1F608}\t\n";
    let echo = Some(EchoStatus {
        code: 2,
        message: message.to_string(),
        ..Default::default()
    });
    let request = SimpleRequest {
        response_status: echo,
        ..Default::default()
    };
    let result = client.unary_call(request).await.map(drop);
    check_status("UnaryCall", result, Code::Unknown, message)
}

async fn unimplemented_method(mut client: TestServiceClient<Channel>) -> CaseResult {
    let result = client.unimplemented_call(Empty::default()).await.map(drop);
    match result {
        Err(status) if status.code() == Code::Unimplemented => Ok(()),
        other => Err(format!(
            "UnimplementedCall: expected UNIMPLEMENTED, got {other:?}"
        )),
    }
}

async fn unimplemented_service(channel: Channel) -> CaseResult {
    let mut client = UnimplementedServiceClient::new(channel);
    let result = client.unimplemented_call(Empty::default()).await.map(drop);
    match result {
        Err(status) if status.code() == Code::Unimplemented => Ok(()),
        other => Err(format!(
            "UnimplementedService: expected UNIMPLEMENTED, got {other:?}"
        )),
    }
}

async fn cancel_after_begin(mut client: TestServiceClient<Channel>) -> CaseResult {
    let mut request = Request::new(tokio_stream::pending::<StreamingInputCallRequest>());
    let handle = request.cancellation_handle();
    let call = tokio::spawn(async move { client.streaming_input_call(request).await.map(drop) });
    handle.cancel();
    let result = tokio::time::timeout(STEP, call)
        .await
        .map_err(|_| "the cancelled call did not finish".to_string())?
        .map_err(|e| format!("the call task failed: {e}"))?;
    match result {
        Err(status) if status.code() == Code::Cancelled => Ok(()),
        other => Err(format!("expected CANCELLED, got {other:?}")),
    }
}

async fn cancel_after_first_response(mut client: TestServiceClient<Channel>) -> CaseResult {
    let (tx, rx) = mpsc::channel(4);
    let mut request = Request::new(ReceiverStream::new(rx));
    let handle = request.cancellation_handle();
    tx.send(output_request(31_415, 27_182))
        .await
        .map_err(|_| "request stream closed early".to_string())?;
    let mut stream = client
        .full_duplex_call(request)
        .await
        .map_err(|s| status_err("FullDuplexCall", s))?
        .into_inner();
    let first = tokio::time::timeout(STEP, stream.next())
        .await
        .map_err(|_| "no response in time".to_string())?;
    match first {
        Some(Ok(message)) if body_len(message.payload.as_ref()) == 31_415 => {}
        other => return Err(format!("expected a response of 31415 bytes, got {other:?}")),
    }
    handle.cancel();
    let next = tokio::time::timeout(STEP, stream.next())
        .await
        .map_err(|_| "no end in time".to_string())?;
    drop(tx);
    match next {
        Some(Err(status)) if status.code() == Code::Cancelled => Ok(()),
        other => Err(format!("expected CANCELLED, got {other:?}")),
    }
}

async fn timeout_on_sleeping_server(mut client: TestServiceClient<Channel>) -> CaseResult {
    let (tx, rx) = mpsc::channel(4);
    tx.send(StreamingOutputCallRequest {
        payload: payload(27_182),
        ..Default::default()
    })
    .await
    .map_err(|_| "request stream closed early".to_string())?;
    let mut request = Request::new(ReceiverStream::new(rx));
    request.set_timeout(Duration::from_millis(1));
    let result = tokio::time::timeout(STEP, async {
        let mut stream = client.full_duplex_call(request).await?.into_inner();
        match stream.next().await {
            Some(Err(status)) => Err(status),
            _ => Ok(()),
        }
    })
    .await
    .unwrap_or_else(|_| {
        Err(Status::unknown(
            "the 1 ms deadline was not enforced within 10 s",
        ))
    });
    drop(tx);
    match result {
        Err(status) if status.code() == Code::DeadlineExceeded => Ok(()),
        other => Err(format!("expected DEADLINE_EXCEEDED, got {other:?}")),
    }
}
