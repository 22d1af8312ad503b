//! The interop server: `grpc.testing.TestService` as the gRPC interop spec describes it
//! (payloads of the requested sizes, echoed status, echoed initial and trailing metadata,
//! timed streaming responses), served with tonic on one address.

use std::time::Duration;

use protoforge::grpc::Trailers;
use protoforge::grpc::transport::{self, MAX_MESSAGE_SIZE};
use tokio::sync::mpsc;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;
use tonic::codegen::BoxStream;
use tonic::metadata::MetadataMap;
use tonic::{Code, Request, Response, Status, Streaming};

use crate::proto::grpc::testing::test_service_server::{TestService, TestServiceServer};
use crate::proto::grpc::testing::{
    EchoStatus, Empty, Payload, ResponseParameters, SimpleRequest, SimpleResponse,
    StreamingInputCallRequest, StreamingInputCallResponse, StreamingOutputCallRequest,
    StreamingOutputCallResponse,
};

/// The initial metadata key the server echoes back as initial metadata.
pub const ECHO_INITIAL: &str = "x-grpc-test-echo-initial";
/// The binary metadata key the server echoes back as trailing metadata.
pub const ECHO_TRAILING: &str = "x-grpc-test-echo-trailing-bin";

/// The interop `TestService` implementation.
#[derive(Debug, Default)]
pub struct Interop;

/// A payload of `size` zero bytes (negative sizes count as zero).
fn payload(size: i32) -> Payload {
    Payload {
        body: vec![0; usize::try_from(size).unwrap_or(0)],
        ..Default::default()
    }
}

/// The status a request asks for, if it asks for a non-OK one.
fn requested_status(status: Option<&EchoStatus>) -> Option<Status> {
    let status = status?;
    (status.code != 0).then(|| Status::new(Code::from_i32(status.code), status.message.clone()))
}

/// The initial and trailing metadata to echo for request metadata `metadata`.
fn echoes(metadata: &MetadataMap) -> (MetadataMap, MetadataMap) {
    let mut initial = MetadataMap::new();
    if let Some(value) = metadata.get(ECHO_INITIAL) {
        initial.insert(ECHO_INITIAL, value.clone());
    }
    let mut trailing = MetadataMap::new();
    if let Some(value) = metadata.get_bin(ECHO_TRAILING) {
        trailing.insert_bin(ECHO_TRAILING, value.clone());
    }
    (initial, trailing)
}

/// Sends the responses `parameters` ask for on `tx`; false when the receiver is gone.
async fn send_responses(
    tx: &mpsc::Sender<Result<StreamingOutputCallResponse, Status>>,
    parameters: &[ResponseParameters],
) -> bool {
    for parameter in parameters {
        if parameter.interval_us > 0 {
            tokio::time::sleep(Duration::from_micros(parameter.interval_us as u64)).await;
        }
        let response = StreamingOutputCallResponse {
            payload: Some(payload(parameter.size)),
            ..Default::default()
        };
        if tx.send(Ok(response)).await.is_err() {
            return false;
        }
    }
    true
}

impl TestService for Interop {
    async fn empty_call(&self, request: Request<Empty>) -> Result<Response<Empty>, Status> {
        let (initial, trailing) = echoes(request.metadata());
        let mut response = Response::new(Empty::default());
        *response.metadata_mut() = initial;
        response.extensions_mut().insert(Trailers(trailing));
        Ok(response)
    }

    async fn unary_call(
        &self,
        request: Request<SimpleRequest>,
    ) -> Result<Response<SimpleResponse>, Status> {
        let (initial, trailing) = echoes(request.metadata());
        let request = request.into_inner();
        if let Some(mut status) = requested_status(request.response_status.as_ref()) {
            *status.metadata_mut() = trailing;
            return Err(status);
        }
        let mut response = Response::new(SimpleResponse {
            payload: Some(payload(request.response_size)),
            ..Default::default()
        });
        *response.metadata_mut() = initial;
        response.extensions_mut().insert(Trailers(trailing));
        Ok(response)
    }

    async fn streaming_output_call(
        &self,
        request: Request<StreamingOutputCallRequest>,
    ) -> Result<Response<BoxStream<StreamingOutputCallResponse>>, Status> {
        let request = request.into_inner();
        let (tx, rx) = mpsc::channel(16);
        tokio::spawn(async move {
            if send_responses(&tx, &request.response_parameters).await
                && let Some(status) = requested_status(request.response_status.as_ref())
            {
                let _ = tx.send(Err(status)).await;
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }

    async fn streaming_input_call(
        &self,
        request: Request<Streaming<StreamingInputCallRequest>>,
    ) -> Result<Response<StreamingInputCallResponse>, Status> {
        let mut stream = request.into_inner();
        let mut total: usize = 0;
        while let Some(message) = stream.next().await {
            let message = message?;
            total += message.payload.map_or(0, |p| p.body.len());
        }
        Ok(Response::new(StreamingInputCallResponse {
            aggregated_payload_size: i32::try_from(total).unwrap_or(i32::MAX),
            ..Default::default()
        }))
    }

    async fn full_duplex_call(
        &self,
        request: Request<Streaming<StreamingOutputCallRequest>>,
    ) -> Result<Response<BoxStream<StreamingOutputCallResponse>>, Status> {
        let (initial, trailing) = echoes(request.metadata());
        let mut stream = request.into_inner();
        let (tx, rx) = mpsc::channel(16);
        tokio::spawn(async move {
            while let Some(message) = stream.next().await {
                let message = match message {
                    Ok(message) => message,
                    Err(status) => {
                        let _ = tx.send(Err(status)).await;
                        return;
                    }
                };
                if let Some(mut status) = requested_status(message.response_status.as_ref()) {
                    *status.metadata_mut() = trailing;
                    let _ = tx.send(Err(status)).await;
                    return;
                }
                if !send_responses(&tx, &message.response_parameters).await {
                    return;
                }
            }
            if !trailing.is_empty() {
                let _ = tx
                    .send(Err(Status::with_metadata(Code::Ok, "", trailing)))
                    .await;
            }
        });
        let mut response: Response<BoxStream<StreamingOutputCallResponse>> =
            Response::new(Box::pin(ReceiverStream::new(rx)));
        *response.metadata_mut() = initial;
        Ok(response)
    }
}

/// The test server's certificate and key (PEM): those of `testdata/grpc-tls`, which the test CA
/// there signed for `*.test.google.fr`.
pub const TEST_CERT: &[u8] = include_bytes!("../../../testdata/grpc-tls/server1.pem");
/// See [`TEST_CERT`].
pub const TEST_KEY: &[u8] = include_bytes!("../../../testdata/grpc-tls/server1.key");

/// The interop service as `interop-server` serves it: gzip accepted, the default message size
/// limits of [`protoforge::grpc::transport`].
pub fn service() -> TestServiceServer<Interop> {
    TestServiceServer::new(Interop)
        .accept_compressed(tonic::codec::CompressionEncoding::Gzip)
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(MAX_MESSAGE_SIZE)
}

/// Serves `service` on `listener` with protoforge's server defaults (keepalive, a handshake
/// timeout, a cap on concurrent streams), over TLS with [`TEST_CERT`] when `tls` is set (the
/// handshake timeout then covers the TLS handshake and the HTTP/2 preface together), until
/// `shutdown` completes.
pub async fn serve(
    service: TestServiceServer<Interop>,
    listener: tokio::net::TcpListener,
    tls: bool,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let router = transport::server_builder().add_service(service);
    if tls {
        let config = transport::server_tls_config(TEST_CERT, TEST_KEY)?;
        router
            .serve_with_incoming_shutdown(transport::incoming_tls(listener, config), shutdown)
            .await?;
    } else {
        router
            .serve_with_incoming_shutdown(transport::incoming(listener), shutdown)
            .await?;
    }
    Ok(())
}
