//! Server defaults for tonic's transport (feature `grpc-transport`): a server facing clients it
//! does not control needs bounds that tonic leaves off, or a connection that never finishes its
//! HTTP/2 handshake, or a peer that vanishes without closing, holds a file descriptor forever.
//!
//! [`server_builder`] configures HTTP/2 keepalive and a cap on concurrent streams per
//! connection; [`incoming`] accepts TCP connections that must send the 24-byte HTTP/2 client
//! preface within [`HANDSHAKE_TIMEOUT`] or are closed; [`MAX_MESSAGE_SIZE`] is the limit to give
//! generated servers for both directions (an oversized request is refused with
//! `RESOURCE_EXHAUSTED`). With feature `grpc-tls`, [`incoming_tls`] does the same for TLS
//! connections, with one deadline for the TLS handshake and the preface.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use protoforge::grpc::transport;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:50051").await?;
//! let router = transport::server_builder(); // .add_service(MyServer::new(..)
//! //     .max_decoding_message_size(transport::MAX_MESSAGE_SIZE)
//! //     .max_encoding_message_size(transport::MAX_MESSAGE_SIZE))
//! # let _ = (router, transport::incoming(listener));
//! # Ok(())
//! # }
//! ```

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, ready};
use std::io;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};
use tokio_stream::{Stream, StreamExt};

#[cfg(feature = "grpc-tls")]
mod tls;
#[cfg(feature = "grpc-tls")]
pub use tls::{incoming_tls, incoming_tls_with_timeout, server_tls_config};

/// How long a new connection has to send the HTTP/2 client preface (its first 24 bytes).
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the server pings an idle connection.
pub const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(60);
/// How long the server waits for a ping's answer before it closes the connection.
pub const KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(20);
/// The most streams (calls) one connection may have open at once.
pub const MAX_CONCURRENT_STREAMS: u32 = 256;
/// The largest message a server should accept or send (gRPC's usual 4 MiB).
pub const MAX_MESSAGE_SIZE: usize = super::DEFAULT_MAX_DECODING_MESSAGE_SIZE;

/// The length of the HTTP/2 client connection preface.
const PREFACE_LEN: usize = 24;

/// A tonic server builder with keepalive ([`KEEPALIVE_INTERVAL`], [`KEEPALIVE_TIMEOUT`]), a cap
/// of [`MAX_CONCURRENT_STREAMS`] streams per connection and `TCP_NODELAY`.
pub fn server_builder() -> tonic::transport::Server {
    tonic::transport::Server::builder()
        .http2_keepalive_interval(Some(KEEPALIVE_INTERVAL))
        .http2_keepalive_timeout(Some(KEEPALIVE_TIMEOUT))
        .max_concurrent_streams(MAX_CONCURRENT_STREAMS)
        .tcp_nodelay(true)
}

/// The connections `listener` accepts, each closed unless it sends the HTTP/2 preface within
/// [`HANDSHAKE_TIMEOUT`]; for `serve_with_incoming`. For TLS use `incoming_tls` (feature
/// `grpc-tls`): under tonic's own `tls_config` this timer would see only encrypted bytes.
pub fn incoming(
    listener: TcpListener,
) -> impl Stream<Item = io::Result<Handshake<TcpStream>>> + Send + 'static {
    tokio_stream::wrappers::TcpListenerStream::new(listener).map(|stream| {
        let stream = stream?;
        stream.set_nodelay(true)?;
        Ok(Handshake::new(stream, HANDSHAKE_TIMEOUT))
    })
}

/// A connection that fails its reads with `TimedOut` unless its first 24 bytes arrive within
/// a timeout (see [`incoming`]).
#[derive(Debug)]
pub struct Handshake<IO> {
    io: IO,
    /// Running until the preface has arrived.
    timer: Option<Pin<Box<Sleep>>>,
    read: usize,
}

impl<IO> Handshake<IO> {
    /// Wraps `io`, which must deliver its first 24 bytes within `timeout`.
    pub fn new(io: IO, timeout: Duration) -> Self {
        Handshake::until(io, Instant::now() + timeout)
    }

    /// Wraps `io`, which must deliver its first 24 bytes by `deadline`.
    pub fn until(io: IO, deadline: Instant) -> Self {
        Handshake {
            io,
            timer: Some(Box::pin(tokio::time::sleep_until(deadline))),
            read: 0,
        }
    }

    /// The wrapped connection.
    pub fn get_ref(&self) -> &IO {
        &self.io
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Handshake<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(timer) = &mut this.timer
            && timer.as_mut().poll(cx).is_ready()
        {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "no HTTP/2 preface within the handshake timeout",
            )));
        }
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.io).poll_read(cx, buf))?;
        this.read += buf.filled().len() - before;
        if this.read >= PREFACE_LEN {
            this.timer = None;
        }
        Poll::Ready(Ok(()))
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Handshake<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

impl<IO: tonic::transport::server::Connected> tonic::transport::server::Connected
    for Handshake<IO>
{
    type ConnectInfo = IO::ConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.io.connect_info()
    }
}
