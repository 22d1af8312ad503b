//! `grpc-echo-bench`: a unary echo service generated twice from `proto/echo.proto`, once by
//! protoforge ([`pf`]) and once by tonic-prost-build ([`pb`]), both served and called through the
//! same tonic. [`serve`] starts either server on an ephemeral loopback port and [`load`] drives
//! a client with a fixed number of concurrent calls, measuring throughput and latency
//! percentiles. The binary (`src/main.rs`) prints the comparison table.

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tonic::{Request, Response, Status};

/// The protoforge-generated code of package `echo`.
#[allow(missing_docs)]
pub mod pf {
    include!(concat!(env!("OUT_DIR"), "/protoforge/echo.rs"));
}

/// The tonic-prost-build-generated code of package `echo`.
#[allow(missing_docs, clippy::all)]
pub mod pb {
    include!(concat!(env!("OUT_DIR"), "/prost/echo.rs"));
}

/// Which generated code a server or client uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Impl {
    /// protoforge messages and service code.
    Protoforge,
    /// prost messages with tonic-prost-build service code.
    Prost,
}

impl Impl {
    /// A short display name.
    pub fn name(self) -> &'static str {
        match self {
            Impl::Protoforge => "protoforge",
            Impl::Prost => "tonic+prost",
        }
    }
}

/// The protoforge echo server.
#[derive(Debug, Default)]
pub struct PfEcho;

impl pf::echo_server::Echo for PfEcho {
    async fn unary_echo(
        &self,
        request: Request<pf::EchoRequest>,
    ) -> Result<Response<pf::EchoResponse>, Status> {
        let request = request.into_inner();
        Ok(Response::new(pf::EchoResponse {
            message: request.message,
            payload: request.payload,
            ..Default::default()
        }))
    }
}

/// The prost echo server.
#[derive(Debug, Default)]
pub struct PbEcho;

#[tonic::async_trait]
impl pb::echo_server::Echo for PbEcho {
    async fn unary_echo(
        &self,
        request: Request<pb::EchoRequest>,
    ) -> Result<Response<pb::EchoResponse>, Status> {
        let request = request.into_inner();
        Ok(Response::new(pb::EchoResponse {
            message: request.message,
            payload: request.payload,
        }))
    }
}

/// A running server; dropping it stops the server.
#[derive(Debug)]
pub struct Running {
    /// The address it listens on (127.0.0.1, ephemeral port).
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Starts the echo server of `which` on 127.0.0.1 (ephemeral port) in the current runtime.
pub async fn serve(which: Impl) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    // TCP_NODELAY on every accepted connection, as servers built with `Server::bind` get it:
    // without it a small response can wait for the client's delayed ACK (40 ms), and those
    // waits, not the generated code, would decide the tail latencies.
    let incoming = tokio_stream::StreamExt::map(
        tokio_stream::wrappers::TcpListenerStream::new(listener),
        |conn| {
            conn.and_then(|stream| {
                stream.set_nodelay(true)?;
                Ok(stream)
            })
        },
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let builder = tonic::transport::Server::builder();
    let router = match which {
        Impl::Protoforge => {
            let mut builder = builder;
            builder.add_service(pf::echo_server::EchoServer::new(PfEcho))
        }
        Impl::Prost => {
            let mut builder = builder;
            builder.add_service(pb::echo_server::EchoServer::new(PbEcho))
        }
    };
    tokio::spawn(router.serve_with_incoming_shutdown(incoming, shutdown));
    Ok(Running {
        addr,
        stop: Some(stop),
    })
}

/// One echo client of either kind, sharing one HTTP/2 connection when cloned.
#[derive(Clone, Debug)]
pub enum Client {
    /// The protoforge-generated client.
    Protoforge(pf::echo_client::EchoClient<tonic::transport::Channel>),
    /// The tonic-prost-build-generated client.
    Prost(pb::echo_client::EchoClient<tonic::transport::Channel>),
}

impl Client {
    /// Connects a client of kind `which` to `addr`.
    pub async fn connect(which: Impl, addr: SocketAddr) -> Result<Client, tonic::transport::Error> {
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))?
            .connect()
            .await?;
        Ok(match which {
            Impl::Protoforge => Client::Protoforge(pf::echo_client::EchoClient::new(channel)),
            Impl::Prost => Client::Prost(pb::echo_client::EchoClient::new(channel)),
        })
    }

    /// Sends one echo of `message` and `payload`; returns what came back.
    pub async fn echo(
        &mut self,
        message: &str,
        payload: &[u8],
    ) -> Result<(String, Vec<u8>), Status> {
        match self {
            Client::Protoforge(client) => {
                let request = pf::EchoRequest {
                    message: message.to_string(),
                    payload: payload.to_vec(),
                    ..Default::default()
                };
                let reply = client.unary_echo(request).await?.into_inner();
                Ok((reply.message, reply.payload))
            }
            Client::Prost(client) => {
                let request = pb::EchoRequest {
                    message: message.to_string(),
                    payload: payload.to_vec(),
                };
                let reply = client.unary_echo(request).await?.into_inner();
                Ok((reply.message, reply.payload))
            }
        }
    }
}

/// Throughput and latency of one load run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stats {
    /// Completed calls.
    pub requests: u64,
    /// Completed calls per second of the measured window.
    pub per_second: f64,
    /// Median call latency.
    pub p50: Duration,
    /// 99th percentile call latency.
    pub p99: Duration,
}

/// The `q` quantile (0..=1) of sorted `samples` (nearest rank), zero when empty.
fn quantile(samples: &[Duration], q: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((samples.len() as f64) * q).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

/// Runs `streams` concurrent callers, each looping `call` back to back for `duration`, and
/// measures every call. A failed call or a wrong echo stops the run with its error.
pub async fn load<F, Fut>(streams: usize, duration: Duration, call: F) -> Result<Stats, String>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::with_capacity(streams);
    for _ in 0..streams {
        let call = call.clone();
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while Instant::now() < deadline {
                let began = Instant::now();
                call().await?;
                samples.push(began.elapsed());
            }
            Ok::<_, String>(samples)
        }));
    }
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await.map_err(|e| e.to_string())??);
    }
    let elapsed = start.elapsed().as_secs_f64();
    samples.sort_unstable();
    Ok(Stats {
        requests: samples.len() as u64,
        per_second: samples.len() as f64 / elapsed,
        p50: quantile(&samples, 0.50),
        p99: quantile(&samples, 0.99),
    })
}

/// Loads a server of kind `which` with its own client: `streams` concurrent unary echoes of a
/// `payload_len`-byte payload for `duration` (after a short warm-up), checking every answer.
pub async fn bench(
    which: Impl,
    streams: usize,
    duration: Duration,
    payload_len: usize,
) -> Result<Stats, String> {
    let server = serve(which).await.map_err(|e| e.to_string())?;
    let client = Client::connect(which, server.addr)
        .await
        .map_err(|e| e.to_string())?;
    let payload: std::sync::Arc<[u8]> = (0..payload_len).map(|i| i as u8).collect();
    let call = move || {
        let mut client = client.clone();
        let payload = std::sync::Arc::clone(&payload);
        async move {
            let (message, echoed) = client
                .echo("hello", &payload)
                .await
                .map_err(|s| s.to_string())?;
            if message != "hello" || echoed[..] != payload[..] {
                return Err("the echo differs from the request".to_string());
            }
            Ok(())
        }
    };
    load(streams, duration / 5, call.clone()).await?;
    let stats = load(streams, duration, call).await;
    drop(server);
    stats
}

#[cfg(test)]
mod tests {
    use super::quantile;
    use std::time::Duration;

    #[test]
    fn quantiles_use_nearest_rank() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&samples, 0.5), Duration::from_millis(50));
        assert_eq!(quantile(&samples, 0.99), Duration::from_millis(99));
        assert_eq!(quantile(&samples[..1], 0.99), Duration::from_millis(1));
        assert_eq!(quantile(&[], 0.5), Duration::ZERO);
    }
}
