//! `routeguide-example`: the gRPC RouteGuide example on protoforge. `build.rs` generates
//! the code with `protoforge-build`; this crate adds a tiny in-memory feature database used by
//! the server, the server set-up the binaries share (protoforge's server defaults, health,
//! reflection, optional TLS and bearer-token authentication), and the example's binaries and
//! tests run the client against the server.

/// The generated code of package `routeguide` (messages, `route_guide_server`,
/// `route_guide_client`).
#[allow(missing_docs)]
pub mod routeguide {
    include!(concat!(env!("OUT_DIR"), "/routeguide.rs"));
}

/// The encoded `FileDescriptorSet` of `route_guide.proto` that `build.rs` had
/// protoforge-build write (`file_descriptor_set_path`), as gRPC server reflection serves it.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/route_guide_descriptor.bin"));

/// The example's TLS certificate (for `*.test.google.fr`: clients connect to any address and
/// check that name) and key, and the test CA that signed it: gRPC's public test credentials
/// from `testdata/grpc-tls`. Never use them outside tests and examples.
pub mod tls {
    /// The test CA clients trust.
    pub const CA: &[u8] = include_bytes!("../../../testdata/grpc-tls/ca.pem");

    /// The server's certificate (PEM).
    pub const CERT: &[u8] = include_bytes!("../../../testdata/grpc-tls/server1.pem");
    /// The server's private key (PEM).
    pub const KEY: &[u8] = include_bytes!("../../../testdata/grpc-tls/server1.key");
}

/// A server interceptor that admits requests carrying `authorization: Bearer TOKEN` and
/// refuses every other one with `UNAUTHENTICATED`.
#[derive(Clone, Debug)]
pub struct RequireBearer {
    expected: tonic::metadata::MetadataValue<tonic::metadata::Ascii>,
}

impl RequireBearer {
    /// Admits requests with bearer token `token`; `None` if the token cannot be a header value.
    pub fn new(token: &str) -> Option<RequireBearer> {
        let expected = format!("Bearer {token}").parse().ok()?;
        Some(RequireBearer { expected })
    }
}

impl tonic::service::Interceptor for RequireBearer {
    fn call(&mut self, request: Request<()>) -> Result<Request<()>, Status> {
        match request.metadata().get("authorization") {
            Some(value) if *value == self.expected => Ok(request),
            Some(_) => Err(Status::unauthenticated("invalid bearer token")),
            None => Err(Status::unauthenticated("missing bearer token")),
        }
    }
}

/// A client interceptor that adds `authorization: Bearer TOKEN` to every request (or,
/// as its `Default`, nothing).
#[derive(Clone, Debug, Default)]
pub struct SendBearer {
    value: Option<tonic::metadata::MetadataValue<tonic::metadata::Ascii>>,
}

impl SendBearer {
    /// Sends bearer token `token`; `None` if the token cannot be a header value.
    pub fn new(token: &str) -> Option<SendBearer> {
        let value = format!("Bearer {token}").parse().ok()?;
        Some(SendBearer { value: Some(value) })
    }
}

impl tonic::service::Interceptor for SendBearer {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if let Some(value) = &self.value {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        Ok(request)
    }
}

/// How [`router`] serves.
#[derive(Clone, Debug, Default)]
pub struct ServeOptions {
    /// Serve TLS with [`tls::CERT`] and [`tls::KEY`].
    pub tls: bool,
    /// Require this bearer token on RouteGuide calls (health and reflection stay open).
    pub token: Option<String>,
}

/// The RouteGuide server (answered by `guide`) with health (`grpc.health.v1`, RouteGuide
/// marked serving) and reflection (`v1` and `v1alpha`, describing `route_guide.proto`), on a
/// tonic server with protoforge's defaults ([`protoforge::grpc::transport`]: keepalive, a cap
/// on concurrent streams, 4 MiB messages both ways); run it with [`serve`]. Returns the router
/// and the health reporter.
pub fn router(
    guide: Guide,
    options: &ServeOptions,
) -> Result<(Router, HealthReporter), Box<dyn std::error::Error + Send + Sync>> {
    use protoforge::grpc::transport::{self, MAX_MESSAGE_SIZE};
    use routeguide::route_guide_server::{RouteGuideServer, SERVICE_NAME};

    let mut server = transport::server_builder();
    let reflection = protoforge::grpc::reflection::Builder::new()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)?;
    let (reporter, health) = protoforge::grpc::health::service();
    reporter.set_serving(SERVICE_NAME);
    let guide = RouteGuideServer::new(guide)
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(MAX_MESSAGE_SIZE);
    // With a token, RouteGuide calls pass through the bearer check first.
    let (open, guarded) = match &options.token {
        Some(token) => {
            let check = RequireBearer::new(token).ok_or("the token is not a valid header value")?;
            (None, Some(InterceptedService::new(guide, check)))
        }
        None => (Some(guide), None),
    };
    let router = server
        .add_service(health)
        .add_optional_service(open)
        .add_optional_service(guarded)
        .add_service(reflection.build_v1())
        .add_service(reflection.build_v1alpha());
    Ok((router, reporter))
}

/// Serves `router` on `listener` until `shutdown` completes: over TLS with [`tls::CERT`] when
/// `options.tls` is set, and closing every connection that does not finish its handshake (TLS
/// and the HTTP/2 preface) within [`protoforge::grpc::transport::HANDSHAKE_TIMEOUT`].
pub async fn serve(
    router: Router,
    listener: tokio::net::TcpListener,
    options: &ServeOptions,
    shutdown: impl core::future::Future<Output = ()>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    use protoforge::grpc::transport;

    if options.tls {
        let config = transport::server_tls_config(tls::CERT, tls::KEY)?;
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

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use protoforge::grpc::health::HealthReporter;
use routeguide::route_guide_server::RouteGuide;
use routeguide::{Feature, Point, Rectangle, RouteNote, RouteSummary};
use tokio_stream::{Stream, StreamExt};
use tonic::codegen::InterceptedService;
use tonic::transport::server::Router;
use tonic::{Request, Response, Status, Streaming};

/// A stream of gRPC results, as the generated server trait wants it.
type ResultStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// The RouteGuide server: a fixed list of named features and the notes received so far.
#[derive(Debug, Default)]
pub struct Guide {
    features: Vec<Feature>,
    notes: Arc<Mutex<HashMap<Point, Vec<RouteNote>>>>,
}

impl Guide {
    /// A server knowing `features` (name and location).
    pub fn new(features: Vec<Feature>) -> Guide {
        Guide {
            features,
            notes: Arc::default(),
        }
    }

    fn feature_at(&self, point: &Point) -> Option<&Feature> {
        self.features
            .iter()
            .find(|f| f.location.as_ref() == Some(point))
    }
}

/// Whether `point` lies inside `rect` (corners in any order, edges included).
pub fn in_range(point: &Point, rect: &Rectangle) -> bool {
    let (lo, hi) = (
        rect.lo.clone().unwrap_or_default(),
        rect.hi.clone().unwrap_or_default(),
    );
    let (lat, lon) = (point.latitude, point.longitude);
    lat >= lo.latitude.min(hi.latitude)
        && lat <= lo.latitude.max(hi.latitude)
        && lon >= lo.longitude.min(hi.longitude)
        && lon <= lo.longitude.max(hi.longitude)
}

impl RouteGuide for Guide {
    async fn get_feature(&self, request: Request<Point>) -> Result<Response<Feature>, Status> {
        let point = request.into_inner();
        let feature = self.feature_at(&point).cloned().unwrap_or(Feature {
            name: String::new(),
            location: Some(point),
            ..Default::default()
        });
        Ok(Response::new(feature))
    }

    async fn list_features(
        &self,
        request: Request<Rectangle>,
    ) -> Result<Response<ResultStream<Feature>>, Status> {
        let rect = request.into_inner();
        let found: Vec<Result<Feature, Status>> = self
            .features
            .iter()
            .filter(|f| f.location.as_ref().is_some_and(|p| in_range(p, &rect)))
            .cloned()
            .map(Ok)
            .collect();
        Ok(Response::new(Box::pin(tokio_stream::iter(found))))
    }

    async fn record_route(
        &self,
        request: Request<Streaming<Point>>,
    ) -> Result<Response<RouteSummary>, Status> {
        let mut points = request.into_inner();
        let mut summary = RouteSummary::default();
        let mut last: Option<Point> = None;
        while let Some(point) = points.next().await {
            let point = point?;
            summary.point_count += 1;
            if self.feature_at(&point).is_some() {
                summary.feature_count += 1;
            }
            if let Some(prev) = &last {
                summary.distance += (point.latitude - prev.latitude).abs()
                    + (point.longitude - prev.longitude).abs();
            }
            last = Some(point);
        }
        Ok(Response::new(summary))
    }

    async fn route_chat(
        &self,
        request: Request<Streaming<RouteNote>>,
    ) -> Result<Response<ResultStream<RouteNote>>, Status> {
        let notes = Arc::clone(&self.notes);
        let mut incoming = request.into_inner();
        let (tx, rx) = tokio::sync::mpsc::channel(16);
        tokio::spawn(async move {
            while let Some(note) = incoming.next().await {
                let earlier = match note {
                    Ok(note) => {
                        let location = note.location.clone().unwrap_or_default();
                        let Ok(mut notes) = notes.lock() else { break };
                        let here = notes.entry(location).or_default();
                        // Each note is answered with the notes sent to its location before it.
                        let earlier = here.clone();
                        here.push(note);
                        earlier.into_iter().map(Ok).collect()
                    }
                    Err(status) => vec![Err(status)],
                };
                for reply in earlier {
                    if tx.send(reply).await.is_err() {
                        return;
                    }
                }
            }
        });
        let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
        Ok(Response::new(Box::pin(stream)))
    }
}
