//! [`Client`], what every generated client is built on: tonic's client over a [`CallGuard`],
//! the response message size limit, and one call method per RPC kind that generated methods
//! forward to with the method's path.

use tonic::client::GrpcService;
use tonic::codec::CompressionEncoding;
use tonic::{IntoRequest, IntoStreamingRequest, Status, Streaming};

use super::Reply;
use super::{
    BoxError, CallGuard, Codec, DEFAULT_MAX_DECODING_MESSAGE_SIZE, MaxDecodingMessageSize,
};
use crate::Message;

/// The service-independent part of a generated client: sends calls through `T` (a channel or
/// any gRPC service) wrapped in a [`CallGuard`], so that every call ends with
/// `DEADLINE_EXCEEDED` once its deadline passes and a response message longer than the limit
/// fails the call with `RESOURCE_EXHAUSTED`.
#[derive(Debug, Clone)]
pub struct Client<T> {
    inner: tonic::client::Grpc<CallGuard<T>>,
    max_decoding_message_size: usize,
}

impl<T> Client<T>
where
    T: GrpcService<tonic::body::Body>,
    T::Error: Into<BoxError>,
    T::ResponseBody: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    <T::ResponseBody as http_body::Body>::Error: Into<BoxError> + Send,
{
    /// A client sending requests through `inner`.
    pub fn new(inner: T) -> Self {
        Client {
            inner: tonic::client::Grpc::new(CallGuard::new(inner)),
            max_decoding_message_size: DEFAULT_MAX_DECODING_MESSAGE_SIZE,
        }
    }

    /// Like [`Self::new`], with the origin (scheme and authority) requests use.
    pub fn with_origin(inner: T, origin: http::Uri) -> Self {
        Client {
            inner: tonic::client::Grpc::with_origin(CallGuard::new(inner), origin),
            max_decoding_message_size: DEFAULT_MAX_DECODING_MESSAGE_SIZE,
        }
    }

    /// Compresses requests with `encoding`.
    #[must_use]
    pub fn send_compressed(mut self, encoding: CompressionEncoding) -> Self {
        self.inner = self.inner.send_compressed(encoding);
        self
    }

    /// Accepts responses compressed with `encoding`.
    #[must_use]
    pub fn accept_compressed(mut self, encoding: CompressionEncoding) -> Self {
        self.inner = self.inner.accept_compressed(encoding);
        self
    }

    /// Limits the size of a decoded response message (default 4 MiB); a longer one fails the
    /// call with `RESOURCE_EXHAUSTED`.
    #[must_use]
    pub fn max_decoding_message_size(mut self, limit: usize) -> Self {
        self.inner = self.inner.max_decoding_message_size(limit);
        self.max_decoding_message_size = limit;
        self
    }

    /// Limits the size of an encoded request message (default unlimited).
    #[must_use]
    pub fn max_encoding_message_size(mut self, limit: usize) -> Self {
        self.inner = self.inner.max_encoding_message_size(limit);
        self
    }

    /// Waits until the transport can take a call.
    async fn ready(&mut self) -> Result<(), Status> {
        self.inner.ready().await.map_err(|e| {
            Status::unavailable(format!(
                "service was not ready: {}",
                Into::<BoxError>::into(e)
            ))
        })
    }

    /// Gives the request of the method at `path` (`/package.Service/Method`) its `GrpcMethod`
    /// and message size limit extensions. Not part of the `async` [`Self::ready`], so that the
    /// request is not moved through one more future.
    fn prepare<M>(
        &self,
        mut request: tonic::Request<M>,
        path: &'static str,
    ) -> (tonic::Request<M>, http::uri::PathAndQuery) {
        let (service, method) = path
            .strip_prefix('/')
            .and_then(|p| p.split_once('/'))
            .unwrap_or(("", path));
        let extensions = request.extensions_mut();
        extensions.insert(tonic::GrpcMethod::new(service, method));
        extensions.insert(MaxDecodingMessageSize(self.max_decoding_message_size));
        (request, http::uri::PathAndQuery::from_static(path))
    }

    /// Calls the unary method at `path` (`/package.Service/Method`).
    pub async fn unary<I, O>(
        &mut self,
        request: impl IntoRequest<I>,
        path: &'static str,
    ) -> Reply<O>
    where
        I: Message + Send + Sync + 'static,
        O: Message + Send + Sync + 'static,
    {
        self.ready().await?;
        let (request, path) = self.prepare(request.into_request(), path);
        let codec = Codec::<I, O>::default();
        self.inner.unary(request, path, codec).await
    }

    /// Calls the server-streaming method at `path` (`/package.Service/Method`).
    pub async fn server_streaming<I, O>(
        &mut self,
        request: impl IntoRequest<I>,
        path: &'static str,
    ) -> Reply<Streaming<O>>
    where
        I: Message + Send + Sync + 'static,
        O: Message + Send + Sync + 'static,
    {
        self.ready().await?;
        let (request, path) = self.prepare(request.into_request(), path);
        let codec = Codec::<I, O>::default();
        self.inner.server_streaming(request, path, codec).await
    }

    /// Calls the client-streaming method at `path` (`/package.Service/Method`).
    pub async fn client_streaming<I, O>(
        &mut self,
        request: impl IntoStreamingRequest<Message = I>,
        path: &'static str,
    ) -> Reply<O>
    where
        I: Message + Send + Sync + 'static,
        O: Message + Send + Sync + 'static,
    {
        self.ready().await?;
        let (request, path) = self.prepare(request.into_streaming_request(), path);
        let codec = Codec::<I, O>::default();
        self.inner.client_streaming(request, path, codec).await
    }

    /// Calls the bidirectional-streaming method at `path` (`/package.Service/Method`).
    pub async fn streaming<I, O>(
        &mut self,
        request: impl IntoStreamingRequest<Message = I>,
        path: &'static str,
    ) -> Reply<Streaming<O>>
    where
        I: Message + Send + Sync + 'static,
        O: Message + Send + Sync + 'static,
    {
        self.ready().await?;
        let (request, path) = self.prepare(request.into_streaming_request(), path);
        let codec = Codec::<I, O>::default();
        self.inner.streaming(request, path, codec).await
    }
}
