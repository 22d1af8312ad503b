//! `routeguide-example`: the gRPC RouteGuide example on protoforge. `build.rs` generates
//! the code with `protoforge-build`; this crate adds a tiny in-memory feature database used by
//! the server, and the example's binaries and test run the client against the server.

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

/// Adds the RouteGuide service, answered by `guide`, and server reflection (both the `v1` and
/// the older `v1alpha` protocol, which many clients still use) describing it to `server`.
pub fn add_services(
    server: &mut tonic::transport::Server,
    guide: Guide,
) -> Result<tonic::transport::server::Router, tonic_reflection::server::Error> {
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
    };
    Ok(server
        .add_service(routeguide::route_guide_server::RouteGuideServer::new(guide))
        .add_service(reflection().build_v1()?)
        .add_service(reflection().build_v1alpha()?))
}

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use routeguide::route_guide_server::RouteGuide;
use routeguide::{Feature, Point, Rectangle, RouteNote, RouteSummary};
use tokio_stream::{Stream, StreamExt};
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
