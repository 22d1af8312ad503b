//! What generated clients and servers put between tonic and the connection: [`CallGuard`],
//! the service every generated client sends through, which ends a call with
//! `DEADLINE_EXCEEDED` when its deadline (the `grpc-timeout` that `Request::set_timeout` sets)
//! passes, whether it is still waiting for the response headers, reading the response stream or
//! writing the request stream; and [`GuardedBody`], the body both sides read messages from,
//! which refuses a message longer than the receiver's limit with `RESOURCE_EXHAUSTED` (as
//! grpc-go does) by reading the 5-byte frame headers before tonic buffers the message.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::{Buf, Bytes};
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};
use tonic::Status;

/// The error type of bodies and services that can fail with a [`Status`] or a transport error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The header carrying a call's timeout. A constant name spares `HeaderMap::get` parsing and
/// validating the name on every call.
const GRPC_TIMEOUT: http::HeaderName = http::HeaderName::from_static("grpc-timeout");

/// The timeout a request's `grpc-timeout` header gives, if it has a valid one.
pub(crate) fn request_timeout(headers: &http::HeaderMap) -> Option<Duration> {
    parse_grpc_timeout(headers.get(&GRPC_TIMEOUT)?.as_bytes())
}

/// The largest message a receiver accepts unless configured otherwise (4 MiB, as in gRPC).
pub const DEFAULT_MAX_DECODING_MESSAGE_SIZE: usize = 4 * 1024 * 1024;

/// The limit a generated client sets on a call's response messages, carried to [`CallGuard`]
/// in the request's extensions.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct MaxDecodingMessageSize(pub usize);

/// The status of a call whose deadline passed.
fn deadline_exceeded() -> Status {
    Status::deadline_exceeded("Deadline Exceeded")
}

/// Parses a `grpc-timeout` header value (1 to 8 ASCII digits and a unit `H`, `M`, `S`, `m`,
/// `u` or `n`), as the gRPC HTTP/2 protocol defines it.
///
/// ```
/// use std::time::Duration;
/// use protoforge::grpc::parse_grpc_timeout;
/// assert_eq!(parse_grpc_timeout(b"250m"), Some(Duration::from_millis(250)));
/// assert_eq!(parse_grpc_timeout(b"2H"), Some(Duration::from_secs(7200)));
/// assert_eq!(parse_grpc_timeout(b"123456789S"), None);
/// assert_eq!(parse_grpc_timeout(b"5x"), None);
/// ```
pub fn parse_grpc_timeout(value: &[u8]) -> Option<Duration> {
    let (&unit, digits) = value.split_last()?;
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = digits
        .iter()
        .fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
    Some(match unit {
        b'H' => Duration::from_secs(n * 3600),
        b'M' => Duration::from_secs(n * 60),
        b'S' => Duration::from_secs(n),
        b'm' => Duration::from_millis(n),
        b'u' => Duration::from_micros(n),
        b'n' => Duration::from_nanos(n),
        _ => return None,
    })
}

/// The service generated clients send their calls through, wrapping the channel (or any
/// gRPC service) they were built with.
///
/// A call with a deadline fails with `DEADLINE_EXCEEDED` when it passes, however far the call
/// got: waiting for headers, reading response messages or writing request messages. The
/// request body then fails too, so the connection resets the stream and the server sees the
/// cancellation. A response message longer than the call's limit fails the call with
/// `RESOURCE_EXHAUSTED` before it is buffered.
#[derive(Clone, Debug)]
pub struct CallGuard<S> {
    inner: S,
}

impl<S> CallGuard<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> Self {
        CallGuard { inner }
    }

    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

impl<S> tower_service::Service<http::Request<tonic::body::Body>> for CallGuard<S>
where
    S: tonic::client::GrpcService<tonic::body::Body>,
    S::Error: Into<BoxError>,
{
    type Response = http::Response<GuardedBody<S::ResponseBody>>;
    type Error = BoxError;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let deadline = request_timeout(request.headers())
            .and_then(|timeout| Instant::now().checked_add(timeout));
        let limit = request
            .extensions()
            .get::<MaxDecodingMessageSize>()
            .map_or(DEFAULT_MAX_DECODING_MESSAGE_SIZE, |m| m.0);
        let request = match deadline {
            Some(deadline) => request.map(|body| {
                tonic::body::Body::new(GuardedBody::new(body, Some(deadline), usize::MAX))
            }),
            None => request,
        };
        ResponseFuture {
            inner: self.inner.call(request),
            sleep: deadline.map(|deadline| Box::pin(tokio::time::sleep_until(deadline))),
            deadline,
            limit,
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`CallGuard`].
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        // Boxed so that calls without a deadline carry no timer.
        sleep: Option<Pin<Box<Sleep>>>,
        deadline: Option<Instant>,
        limit: usize,
    }
}

impl<F> core::fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<http::Response<B>, E>>,
    E: Into<BoxError>,
{
    type Output = Result<http::Response<GuardedBody<B>>, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        // The deadline first: when it and the channel's own timeout expire together, the call
        // reports DEADLINE_EXCEEDED rather than the channel's CANCELLED.
        if let Some(sleep) = this.sleep
            && sleep.as_mut().poll(cx).is_ready()
        {
            return Poll::Ready(Err(Box::new(deadline_exceeded())));
        }
        let result = ready!(this.inner.poll(cx));
        Poll::Ready(match result {
            Ok(response) => {
                let (deadline, sleep, limit) = (*this.deadline, this.sleep.take(), *this.limit);
                Ok(response.map(|body| GuardedBody {
                    inner: Inner::Live { body },
                    deadline,
                    sleep,
                    frames: FrameLimit::new(limit),
                    pending: None,
                }))
            }
            Err(_) if this.deadline.is_some_and(|d| Instant::now() >= d) => {
                Err(Box::new(deadline_exceeded()))
            }
            Err(e) => Err(e.into()),
        })
    }
}

/// Follows the gRPC frames of a byte stream and flags a message longer than the limit.
#[derive(Clone, Copy, Debug)]
struct FrameLimit {
    limit: usize,
    /// The bytes of the current frame header seen so far.
    header: [u8; 5],
    header_len: usize,
    /// The bytes of the current message still to come.
    body_left: u64,
}

impl FrameLimit {
    fn new(limit: usize) -> FrameLimit {
        FrameLimit {
            limit,
            header: [0; 5],
            header_len: 0,
            body_left: 0,
        }
    }

    /// Scans `data`; on a header announcing too long a message, returns the offset in `data`
    /// where that header starts (0 when it began in an earlier chunk) and the status.
    fn scan(&mut self, data: &[u8]) -> Option<(usize, Status)> {
        if self.limit == usize::MAX {
            return None;
        }
        let mut at = 0;
        while at < data.len() {
            if self.body_left > 0 {
                let skip = self.body_left.min((data.len() - at) as u64);
                self.body_left -= skip;
                at += skip as usize;
                continue;
            }
            let start = at.saturating_sub(self.header_len);
            let take = (5 - self.header_len).min(data.len() - at);
            self.header[self.header_len..self.header_len + take]
                .copy_from_slice(&data[at..at + take]);
            self.header_len += take;
            at += take;
            if self.header_len == 5 {
                self.header_len = 0;
                let len = u32::from_be_bytes([
                    self.header[1],
                    self.header[2],
                    self.header[3],
                    self.header[4],
                ]);
                if len as usize > self.limit {
                    let status = Status::resource_exhausted(format!(
                        "received message larger than max ({len} vs. {})",
                        self.limit
                    ));
                    return Some((start, status));
                }
                self.body_left = u64::from(len);
            }
        }
        None
    }
}

pin_project_lite::pin_project! {
    /// A message body read by generated code: it fails with `DEADLINE_EXCEEDED` at its deadline
    /// and with `RESOURCE_EXHAUSTED` at the header of a message longer than its limit (after
    /// passing on the messages before it).
    pub struct GuardedBody<B> {
        #[pin]
        inner: Inner<B>,
        deadline: Option<Instant>,
        sleep: Option<Pin<Box<Sleep>>>,
        frames: FrameLimit,
        // An error to report after the data preceding it.
        pending: Option<Status>,
    }
}

pin_project_lite::pin_project! {
    /// The body a [`GuardedBody`] reads until it ends or fails; then it is dropped in place.
    #[project = InnerProj]
    enum Inner<B> {
        Live { #[pin] body: B },
        Done,
    }
}

impl<B> core::fmt::Debug for GuardedBody<B> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("GuardedBody")
            .field("deadline", &self.deadline)
            .field("limit", &self.frames.limit)
            .finish_non_exhaustive()
    }
}

impl<B> GuardedBody<B> {
    /// Guards `inner` with an optional `deadline` and a message size `limit`
    /// (`usize::MAX` for none).
    pub fn new(inner: B, deadline: Option<Instant>, limit: usize) -> Self {
        GuardedBody {
            inner: Inner::Live { body: inner },
            deadline,
            sleep: deadline.map(|d| Box::pin(tokio::time::sleep_until(d))),
            frames: FrameLimit::new(limit),
            pending: None,
        }
    }

    /// Guards a request body that generated servers read, with the server's message size
    /// limit (4 MiB when `None`).
    #[doc(hidden)]
    pub fn limited(inner: B, limit: Option<usize>) -> Self {
        GuardedBody::new(
            inner,
            None,
            limit.unwrap_or(DEFAULT_MAX_DECODING_MESSAGE_SIZE),
        )
    }

    /// Ends the body with `status`.
    fn fail(
        mut self: Pin<&mut Self>,
        status: Status,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.as_mut().finish();
        Poll::Ready(Some(Err(Box::new(status))))
    }

    /// Drops the inner body and the timer.
    fn finish(self: Pin<&mut Self>) {
        let mut this = self.project();
        this.inner.set(Inner::Done);
        *this.sleep = None;
    }
}

impl<B> Body for GuardedBody<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.as_mut().project();
        if let Some(status) = this.pending.take() {
            return self.fail(status);
        }
        if let Some(sleep) = this.sleep
            && sleep.as_mut().poll(cx).is_ready()
        {
            return self.fail(deadline_exceeded());
        }
        let InnerProj::Live { body } = this.inner.project() else {
            return Poll::Ready(None);
        };
        let frame = match ready!(body.poll_frame(cx)) {
            None => {
                self.finish();
                return Poll::Ready(None);
            }
            Some(Err(e)) => {
                let e: BoxError = e.into();
                if this.deadline.is_some_and(|d| Instant::now() >= d) {
                    return self.fail(deadline_exceeded());
                }
                self.project().inner.set(Inner::Done);
                return Poll::Ready(Some(Err(e)));
            }
            Some(Ok(frame)) => frame,
        };
        let frame = frame.map_data(|mut d| d.copy_to_bytes(d.remaining()));
        let Some(data) = frame.data_ref() else {
            // Trailers.
            return Poll::Ready(Some(Ok(frame)));
        };
        match this.frames.scan(data) {
            None => Poll::Ready(Some(Ok(frame))),
            Some((0, status)) => self.fail(status),
            Some((start, status)) => {
                let mut data = frame.into_data().unwrap_or_default();
                data.truncate(start);
                *this.pending = Some(status);
                Poll::Ready(Some(Ok(Frame::data(data))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.pending.is_none()
            && match &self.inner {
                Inner::Live { body } => body.is_end_stream(),
                Inner::Done => true,
            }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Live { body } if self.pending.is_none() => body.size_hint(),
            _ => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FrameLimit;

    fn frame(len: u32) -> Vec<u8> {
        let mut out = vec![0];
        out.extend(len.to_be_bytes());
        out.extend(std::iter::repeat_n(7, len as usize));
        out
    }

    #[test]
    fn frame_limit_finds_the_header_of_a_long_message_across_chunks() {
        let mut data = frame(3);
        data.extend(frame(10));
        data.extend(frame(2));
        // Whole: the second header starts at byte 8.
        let mut limit = FrameLimit::new(5);
        assert_eq!(limit.scan(&data).map(|(at, _)| at), Some(8));
        // Split inside the second header: it began in the first chunk.
        let mut limit = FrameLimit::new(5);
        assert!(limit.scan(&data[..10]).is_none());
        let (at, status) = limit.scan(&data[10..]).expect("too long");
        assert_eq!(at, 0);
        assert_eq!(status.code(), tonic::Code::ResourceExhausted);
        // Byte by byte, within the limit: nothing flagged.
        let mut limit = FrameLimit::new(10);
        assert!(data.chunks(1).all(|c| limit.scan(c).is_none()));
    }
}
