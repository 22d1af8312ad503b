//! gRPC support (feature `grpc`): [`Codec`], the `tonic` codec that generated service code
//! uses to put protoforge messages on the wire; [`ServiceInfo`], the static description
//! of a service that generated modules expose as `SERVICE`; [`Client`] and [`Server`], the
//! service-independent cores that generated clients and servers forward each method to; and
//! what they wrap around tonic so that they behave as grpc-go's do: [`CallGuard`] (deadlines
//! enforced for the whole call, `RESOURCE_EXHAUSTED` for oversized messages) and Trailers-Only
//! error responses. Messages are encoded straight into tonic's frame buffer and decoded
//! straight from it, with no intermediate copy.

mod call;
mod client;
#[cfg(feature = "grpc-health")]
pub mod health;
#[cfg(feature = "grpc-reflection")]
pub mod reflection;
mod server;
#[cfg(feature = "grpc-transport")]
pub mod transport;

pub use call::{
    BoxError, CallGuard, DEFAULT_MAX_DECODING_MESSAGE_SIZE, GuardedBody, MaxDecodingMessageSize,
    ResponseFuture, parse_grpc_timeout,
};
pub use client::Client;
pub use server::{
    Method, Peeked, Server, ServerFuture, UntilDeadline, request_deadline, trailers_only,
    unimplemented, unknown_method, until_deadline,
};

/// The result of a gRPC method: the response (message or stream, with metadata) or the
/// status the call failed with.
pub type Reply<T> = Result<tonic::Response<T>, Status>;

use core::fmt;
use core::marker::PhantomData;

use bytes::Buf;

use tonic::Status;
use tonic::codec::{DecodeBuf, EncodeBuf};

use crate::Message;

/// A `tonic` codec that sends messages of type `T` and receives messages of type `U`.
///
/// Generated clients use `Codec<Request, Response>` and generated servers
/// `Codec<Response, Request>`. A message that fails to decode becomes an `INTERNAL` status
/// carrying the decode error, as gRPC prescribes for a malformed payload.
///
/// ```
/// use protoforge::descriptor::FileDescriptorSet;
/// use protoforge::grpc::Codec;
/// let mut codec = Codec::<FileDescriptorSet, FileDescriptorSet>::default();
/// let _encoder = tonic::codec::Codec::encoder(&mut codec);
/// ```
pub struct Codec<T, U> {
    _marker: PhantomData<fn(T) -> U>,
}

impl<T, U> Default for Codec<T, U> {
    fn default() -> Self {
        Codec {
            _marker: PhantomData,
        }
    }
}

impl<T, U> Clone for Codec<T, U> {
    fn clone(&self) -> Self {
        Codec::default()
    }
}

impl<T, U> fmt::Debug for Codec<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Codec")
    }
}

impl<T: Message + 'static, U: Message + 'static> tonic::codec::Codec for Codec<T, U> {
    type Encode = T;
    type Decode = U;
    type Encoder = Encoder<T>;
    type Decoder = Decoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        Encoder {
            _marker: PhantomData,
        }
    }

    fn decoder(&mut self) -> Self::Decoder {
        Decoder {
            _marker: PhantomData,
        }
    }
}

/// The encoding half of [`Codec`]: writes a message into tonic's frame buffer.
pub struct Encoder<T> {
    _marker: PhantomData<fn(T)>,
}

impl<T> fmt::Debug for Encoder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Encoder")
    }
}

impl<T: Message> tonic::codec::Encoder for Encoder<T> {
    type Item = T;
    type Error = Status;

    fn encode(&mut self, item: T, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        // One sizing pass: reserve exactly, then write without `encode`'s room check
        // (tonic's frame buffer grows on demand, so it can never be too small).
        let mut sizes = crate::encoding::SizeCache::new();
        dst.reserve(item.encoded_len_with(&mut sizes));
        item.encode_with(dst, &mut sizes);
        Ok(())
    }
}

/// The decoding half of [`Codec`]: reads a message from tonic's frame buffer.
pub struct Decoder<U> {
    _marker: PhantomData<fn() -> U>,
}

impl<U> fmt::Debug for Decoder<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Decoder")
    }
}

impl<U: Message> tonic::codec::Decoder for Decoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        // tonic hands over a whole message, almost always in one contiguous chunk: decoding
        // from a plain slice then spares every read `DecodeBuf`'s bounds bookkeeping.
        let len = src.remaining();
        let chunk = src.chunk();
        let decoded = if chunk.len() == len {
            let decoded = U::decode(chunk);
            src.advance(len);
            decoded
        } else {
            U::decode(src)
        };
        decoded
            .map(Some)
            .map_err(|e| Status::internal(e.to_string()))
    }
}

/// Trailing metadata for a successful unary or client-streaming response: insert it into
/// the response's extensions (`response.extensions_mut().insert(Trailers(map))`) and the
/// generated server sends it after the message, with status `OK`. (Streaming responses end
/// their stream with `Err(Status::with_metadata(Code::Ok, "", map))` instead.)
#[derive(Clone, Debug, Default)]
pub struct Trailers(pub tonic::metadata::MetadataMap);

/// The response stream of a single-message response: the message, then the [`Trailers`]
/// if any. Generated servers use it to send unary responses with trailing metadata.
#[derive(Debug)]
pub struct Once<M> {
    message: Option<M>,
    trailers: Option<tonic::metadata::MetadataMap>,
}

impl<M: Unpin> tokio_stream::Stream for Once<M> {
    type Item = Result<M, Status>;

    fn poll_next(
        self: core::pin::Pin<&mut Self>,
        _cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let item = match (this.message.take(), this.trailers.take()) {
            (Some(message), trailers) => {
                this.trailers = trailers;
                Some(Ok(message))
            }
            (None, Some(trailers)) => {
                Some(Err(Status::with_metadata(tonic::Code::Ok, "", trailers)))
            }
            (None, None) => None,
        };
        core::task::Poll::Ready(item)
    }
}

/// Turns a single-message response into a [`Once`] stream response, moving its
/// [`Trailers`] extension into the stream. Used by generated servers.
#[doc(hidden)]
pub fn once<M>(response: tonic::Response<M>) -> tonic::Response<Once<M>> {
    let (metadata, message, mut extensions) = response.into_parts();
    let trailers = extensions.remove::<Trailers>().map(|t| t.0);
    tonic::Response::from_parts(
        metadata,
        Once {
            message: Some(message),
            trailers,
        },
        extensions,
    )
}

/// The static description of a gRPC service, as generated modules expose it in their
/// `SERVICE` constant: its full name and its methods in `.proto` order.
///
/// ```
/// use protoforge::grpc::{MethodInfo, ServiceInfo};
/// const ECHO: ServiceInfo = ServiceInfo {
///     name: "echo.Echo",
///     methods: &[MethodInfo {
///         name: "Say",
///         path: "/echo.Echo/Say",
///         input_type: "echo.Request",
///         output_type: "echo.Reply",
///         client_streaming: false,
///         server_streaming: false,
///     }],
/// };
/// assert_eq!(ECHO.method("Say").map(|m| m.path), Some("/echo.Echo/Say"));
/// assert!(ECHO.method("Shout").is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceInfo {
    /// The full name, `package.Service` (no leading dot), as in gRPC paths and reflection.
    pub name: &'static str,
    /// The methods, in `.proto` order.
    pub methods: &'static [MethodInfo],
}

impl ServiceInfo {
    /// The method called `name` (its `.proto` name, such as `GetFeature`), if any.
    pub fn method(&self, name: &str) -> Option<&'static MethodInfo> {
        self.methods.iter().find(|m| m.name == name)
    }
}

/// The static description of one gRPC method (see [`ServiceInfo`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MethodInfo {
    /// The `.proto` name, such as `GetFeature`.
    pub name: &'static str,
    /// The full path requests are sent to, `/package.Service/Method`.
    pub path: &'static str,
    /// The full name of the request message type, without a leading dot.
    pub input_type: &'static str,
    /// The full name of the response message type, without a leading dot.
    pub output_type: &'static str,
    /// Whether the client sends a stream of requests.
    pub client_streaming: bool,
    /// Whether the server sends a stream of responses.
    pub server_streaming: bool,
}
