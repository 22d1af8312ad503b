//! [`Server`], what every generated server is built on: the implementation, the compression
//! and message size settings, and one route function per RPC kind that a generated server's
//! `call` hands each method's request to. Around the handler, a streaming response whose
//! handler fails before its first message goes out as a Trailers-Only response (status and
//! metadata in the one HEADERS frame), as grpc-go and grpc-core servers answer and as some
//! clients (tonic's among them) require; and a call whose deadline passes before its response
//! starts is answered `DEADLINE_EXCEEDED`, as grpc-go does (tonic's transport would say
//! `CANCELLED`).

use core::convert::Infallible;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use tokio_stream::{Stream, StreamExt};
use tonic::Status;
use tonic::codec::{CompressionEncoding, EnabledCompressionEncodings};
use tonic::metadata::MetadataMap;

use super::{BoxError, Codec, GuardedBody, Once, Reply, once};
use crate::Message;

/// The future of a generated server's response to one call.
pub type ServerFuture =
    Pin<Box<dyn Future<Output = Result<http::Response<tonic::body::Body>, Infallible>> + Send>>;

/// A stream of response messages, as the methods of generated service traits return them
/// (the same type as tonic's `codegen::BoxStream`).
type BoxStream<M> = Pin<Box<dyn Stream<Item = Result<M, Status>> + Send>>;

/// The service-independent part of a generated server: the shared implementation `T` and the
/// settings every call applies (compression, message size limits).
#[derive(Debug)]
pub struct Server<T> {
    service: Arc<T>,
    accept_compression: EnabledCompressionEncodings,
    send_compression: EnabledCompressionEncodings,
    max_decoding_message_size: Option<usize>,
    max_encoding_message_size: Option<usize>,
}

impl<T> Clone for Server<T> {
    fn clone(&self) -> Self {
        Server {
            service: Arc::clone(&self.service),
            ..*self
        }
    }
}

impl<T> Server<T> {
    /// Serves `service`.
    pub fn new(service: T) -> Self {
        Server::from_arc(Arc::new(service))
    }

    /// Serves a shared implementation.
    pub fn from_arc(service: Arc<T>) -> Self {
        Server {
            service,
            accept_compression: EnabledCompressionEncodings::default(),
            send_compression: EnabledCompressionEncodings::default(),
            max_decoding_message_size: None,
            max_encoding_message_size: None,
        }
    }

    /// Accepts requests compressed with `encoding`.
    #[must_use]
    pub fn accept_compressed(mut self, encoding: CompressionEncoding) -> Self {
        self.accept_compression.enable(encoding);
        self
    }

    /// Compresses responses with `encoding` when the client accepts it.
    #[must_use]
    pub fn send_compressed(mut self, encoding: CompressionEncoding) -> Self {
        self.send_compression.enable(encoding);
        self
    }

    /// Limits the size of a decoded request message (default 4 MiB); a longer one is refused
    /// with `RESOURCE_EXHAUSTED`.
    #[must_use]
    pub fn max_decoding_message_size(mut self, limit: usize) -> Self {
        self.max_decoding_message_size = Some(limit);
        self
    }

    /// Limits the size of an encoded response message (default unlimited).
    #[must_use]
    pub fn max_encoding_message_size(mut self, limit: usize) -> Self {
        self.max_encoding_message_size = Some(limit);
        self
    }

    /// The call's deadline, its request with the body guarded by the message size limit (a
    /// longer message is refused with `RESOURCE_EXHAUSTED` from its frame header, before tonic
    /// buffers it), and tonic's server with this server's settings.
    #[allow(clippy::type_complexity)]
    fn start<B, I, O>(
        &self,
        request: http::Request<B>,
    ) -> (
        Option<Instant>,
        http::Request<GuardedBody<B>>,
        tonic::server::Grpc<Codec<O, I>>,
    )
    where
        I: Message + 'static,
        O: Message + 'static,
    {
        let deadline = request_deadline(request.headers());
        let limit = self.max_decoding_message_size;
        let request = request.map(|body| GuardedBody::limited(body, limit));
        let grpc = tonic::server::Grpc::new(Codec::default())
            .apply_compression_config(self.accept_compression, self.send_compression)
            .apply_max_message_size_config(
                self.max_decoding_message_size,
                self.max_encoding_message_size,
            );
        (deadline, request, grpc)
    }
}

/// A method of a generated service trait, as [`Server`]'s route functions take it
/// (`T::method`): called with the implementation and the request, it returns the future of
/// the reply, which may borrow the implementation.
pub trait Method<'a, T, R, M>: Copy + Send + Sync + 'static {
    /// The future of the reply.
    type Future: Future<Output = Reply<M>> + Send + 'a;

    /// Calls the method.
    fn call(&self, service: &'a T, request: tonic::Request<R>) -> Self::Future;
}

impl<'a, T, R, M, F, Fut> Method<'a, T, R, M> for F
where
    T: 'a,
    F: Fn(&'a T, tonic::Request<R>) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Reply<M>> + Send + 'a,
{
    type Future = Fut;

    fn call(&self, service: &'a T, request: tonic::Request<R>) -> Fut {
        self(service, request)
    }
}

impl<T: Send + Sync + 'static> Server<T> {
    /// Answers a unary call with `method`. The response goes out as a one-message stream, so
    /// that it can carry [`Trailers`](super::Trailers).
    pub fn unary<B, I, O, F>(&self, request: http::Request<B>, method: F) -> ServerFuture
    where
        B: http_body::Body + Send + 'static,
        B::Error: Into<BoxError> + Send + 'static,
        I: Message + 'static,
        O: Message + Unpin + 'static,
        F: for<'a> Method<'a, T, I, O>,
    {
        self.one_request(request, Single::new(&self.service, method))
    }

    /// Answers a server-streaming call with `method`. A response stream that fails before its
    /// first message goes out as Trailers-Only.
    pub fn server_streaming<B, I, O, F>(&self, request: http::Request<B>, method: F) -> ServerFuture
    where
        B: http_body::Body + Send + 'static,
        B::Error: Into<BoxError> + Send + 'static,
        I: Message + 'static,
        O: Message + Unpin + 'static,
        F: for<'a> Method<'a, T, I, BoxStream<O>>,
    {
        self.one_request(request, Streamed::new(&self.service, method))
    }

    /// Answers a client-streaming call with `method`, as [`Self::unary`] does.
    pub fn client_streaming<B, I, O, F>(&self, request: http::Request<B>, method: F) -> ServerFuture
    where
        B: http_body::Body + Send + 'static,
        B::Error: Into<BoxError> + Send + 'static,
        I: Message + 'static,
        O: Message + Unpin + 'static,
        F: for<'a> Method<'a, T, tonic::Streaming<I>, O>,
    {
        self.request_stream(request, Single::new(&self.service, method))
    }

    /// Answers a bidirectional-streaming call with `method`, as [`Self::server_streaming`]
    /// does.
    pub fn streaming<B, I, O, F>(&self, request: http::Request<B>, method: F) -> ServerFuture
    where
        B: http_body::Body + Send + 'static,
        B::Error: Into<BoxError> + Send + 'static,
        I: Message + 'static,
        O: Message + Unpin + 'static,
        F: for<'a> Method<'a, T, tonic::Streaming<I>, BoxStream<O>>,
    {
        self.request_stream(request, Streamed::new(&self.service, method))
    }

    /// Answers a call with one request message: tonic decodes it and `handler` answers with a
    /// stream of response messages (of one, for unary methods).
    fn one_request<B, I, O, H>(&self, request: http::Request<B>, handler: H) -> ServerFuture
    where
        B: http_body::Body + Send + 'static,
        B::Error: Into<BoxError> + Send + 'static,
        I: Message + 'static,
        O: Message + 'static,
        H: tonic::server::ServerStreamingService<I, Response = O> + Send + 'static,
        H::Future: Send,
        H::ResponseStream: Send + 'static,
    {
        let (deadline, request, mut grpc) = self.start::<B, I, O>(request);
        Box::pin(async move {
            let call = grpc.server_streaming(handler, request);
            Ok(until_deadline(deadline, call).await)
        })
    }

    /// Answers a call with a stream of request messages, as [`Self::one_request`] does.
    fn request_stream<B, I, O, H>(&self, request: http::Request<B>, handler: H) -> ServerFuture
    where
        B: http_body::Body + Send + 'static,
        B::Error: Into<BoxError> + Send + 'static,
        I: Message + 'static,
        O: Message + 'static,
        H: tonic::server::StreamingService<I, Response = O> + Send + 'static,
        H::Future: Send,
        H::ResponseStream: Send + 'static,
    {
        let (deadline, request, mut grpc) = self.start::<B, I, O>(request);
        Box::pin(async move {
            let call = grpc.streaming(handler, request);
            Ok(until_deadline(deadline, call).await)
        })
    }
}

/// The answer of a generated server to a path that names none of its methods:
/// `UNIMPLEMENTED`.
pub fn unknown_method() -> ServerFuture {
    Box::pin(async { Ok(Status::unimplemented("").into_http()) })
}

/// The default body of a generated service trait's methods: drops the request and answers
/// `UNIMPLEMENTED`, naming `method`.
pub fn unimplemented<R, M>(
    request: tonic::Request<R>,
    method: &str,
) -> core::future::Ready<Reply<M>> {
    drop(request);
    core::future::ready(Err(Status::unimplemented(format!(
        "method `{method}` is not implemented"
    ))))
}

/// The handler of a method with a single response message: tonic sees a service answering a
/// one-message stream, which ends with the response's trailers.
struct Single<T, F, M> {
    service: Arc<T>,
    method: F,
    _response: PhantomData<fn() -> M>,
}

impl<T, F, M> Single<T, F, M> {
    fn new(service: &Arc<T>, method: F) -> Self {
        Single {
            service: Arc::clone(service),
            method,
            _response: PhantomData,
        }
    }
}

impl<T, F, R, M> tower_service::Service<tonic::Request<R>> for Single<T, F, M>
where
    T: Send + Sync + 'static,
    F: for<'a> Method<'a, T, R, M>,
    R: Send + 'static,
    M: 'static,
{
    type Response = tonic::Response<Once<M>>;
    type Error = Status;
    type Future = Pin<Box<dyn Future<Output = Reply<Once<M>>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Status>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: tonic::Request<R>) -> Self::Future {
        let service = Arc::clone(&self.service);
        let method = self.method;
        Box::pin(async move { method.call(&service, request).await.map(once) })
    }
}

/// The handler of a method with a stream of response messages, failing the call itself
/// (Trailers-Only) when the stream fails before its first message.
struct Streamed<T, F, M> {
    service: Arc<T>,
    method: F,
    _response: PhantomData<fn() -> M>,
}

impl<T, F, M> Streamed<T, F, M> {
    fn new(service: &Arc<T>, method: F) -> Self {
        Streamed {
            service: Arc::clone(service),
            method,
            _response: PhantomData,
        }
    }
}

impl<T, F, R, M> tower_service::Service<tonic::Request<R>> for Streamed<T, F, M>
where
    T: Send + Sync + 'static,
    F: for<'a> Method<'a, T, R, BoxStream<M>>,
    R: Send + 'static,
    M: Unpin + 'static,
{
    type Response = tonic::Response<Peeked<BoxStream<M>>>;
    type Error = Status;
    type Future = Pin<Box<dyn Future<Output = Reply<Peeked<BoxStream<M>>>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Status>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: tonic::Request<R>) -> Self::Future {
        let service = Arc::clone(&self.service);
        let method = self.method;
        Box::pin(async move { trailers_only(method.call(&service, request).await?).await })
    }
}

/// A response stream whose first item was already taken: it yields that item, then the rest.
#[derive(Debug)]
pub struct Peeked<S: Stream> {
    first: Option<S::Item>,
    /// The rest of the stream, `None` once it ended.
    rest: Option<S>,
}

impl<S: Stream + Unpin> Stream for Peeked<S>
where
    S::Item: Unpin,
{
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = self.get_mut();
        if let Some(item) = this.first.take() {
            return Poll::Ready(Some(item));
        }
        let Some(rest) = &mut this.rest else {
            return Poll::Ready(None);
        };
        let item = core::task::ready!(Pin::new(rest).poll_next(cx));
        if item.is_none() {
            this.rest = None;
        }
        Poll::Ready(item)
    }
}

/// Waits for the first item of a streaming response: an error there becomes the handler's
/// error (which the server sends as a Trailers-Only response, with the response's metadata),
/// anything else is sent as usual. Used by generated servers.
#[doc(hidden)]
pub async fn trailers_only<S, M>(
    response: tonic::Response<S>,
) -> Result<tonic::Response<Peeked<S>>, Status>
where
    S: Stream<Item = Result<M, Status>> + Unpin,
    M: Unpin,
{
    let (metadata, mut rest, extensions) = response.into_parts();
    match rest.next().await {
        Some(Err(mut status)) => {
            if !metadata.is_empty() {
                let mut headers = metadata.into_headers();
                headers.extend(core::mem::take(status.metadata_mut()).into_headers());
                *status.metadata_mut() = MetadataMap::from_headers(headers);
            }
            Err(status)
        }
        first => {
            let rest = first.is_some().then_some(rest);
            Ok(tonic::Response::from_parts(
                metadata,
                Peeked { first, rest },
                extensions,
            ))
        }
    }
}

/// The deadline of a call, from its `grpc-timeout` header, a millisecond early so that it
/// passes before tonic's transport times the call out on the same header. Used by generated
/// servers.
#[doc(hidden)]
pub fn request_deadline(headers: &http::HeaderMap) -> Option<Instant> {
    let timeout = super::call::request_timeout(headers)?;
    Instant::now().checked_add(timeout.saturating_sub(Duration::from_millis(1)))
}

pin_project_lite::pin_project! {
    /// A generated server's call that, at its deadline, if its response has not started, answers
    /// `DEADLINE_EXCEEDED` instead (dropping the handler). A plain struct rather than an
    /// `async fn`, so that the call's (large) future is stored once, not moved again on every
    /// request.
    #[doc(hidden)]
    #[derive(Debug)]
    pub struct UntilDeadline<F> {
        #[pin]
        call: F,
        // Boxed so that calls without a deadline carry no timer.
        sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    }
}

/// Runs `call` until `deadline` (see [`UntilDeadline`]). Used by generated servers.
#[doc(hidden)]
pub fn until_deadline<F>(deadline: Option<Instant>, call: F) -> UntilDeadline<F>
where
    F: Future<Output = http::Response<tonic::body::Body>>,
{
    UntilDeadline {
        call,
        sleep: deadline.map(|d| Box::pin(tokio::time::sleep_until(d))),
    }
}

impl<F> Future for UntilDeadline<F>
where
    F: Future<Output = http::Response<tonic::body::Body>>,
{
    type Output = http::Response<tonic::body::Body>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(response) = this.call.poll(cx) {
            return Poll::Ready(response);
        }
        if let Some(sleep) = this.sleep
            && sleep.as_mut().poll(cx).is_ready()
        {
            return Poll::Ready(Status::deadline_exceeded("Deadline Exceeded").into_http());
        }
        Poll::Pending
    }
}
