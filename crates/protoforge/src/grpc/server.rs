//! Helpers of generated servers: a streaming response whose handler fails before its first
//! message goes out as a Trailers-Only response (status and metadata in the one HEADERS frame),
//! as grpc-go and grpc-core servers answer and as some clients (tonic's among them) require;
//! and a call whose deadline passes before its response starts is answered
//! `DEADLINE_EXCEEDED`, as grpc-go does (tonic's transport would say `CANCELLED`).

use core::pin::Pin;
use core::task::{Context, Poll};

use core::future::Future;
use std::time::Duration;

use tokio::time::Instant;
use tokio_stream::{Stream, StreamExt};
use tonic::Status;
use tonic::metadata::MetadataMap;

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
    let timeout = super::parse_grpc_timeout(headers.get("grpc-timeout")?.as_bytes())?;
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
