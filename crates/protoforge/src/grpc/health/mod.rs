//! The standard gRPC health service, `grpc.health.v1.Health` (feature `grpc-health`):
//! [`service`] returns a [`HealthReporter`], through which the application sets each service's
//! serving status, and the server to add to a tonic router. `Check` answers the current status
//! (`NOT_FOUND` for a service never set), `List` all of them, and `Watch` streams the status
//! and every change to it (`SERVICE_UNKNOWN` until the service is set). The empty service name
//! stands for the whole server and starts as `SERVING`.
//!
//! ```
//! use protoforge::grpc::health::{self, ServingStatus};
//! let (reporter, server) = health::service();
//! reporter.set_status("routeguide.RouteGuide", ServingStatus::Serving);
//! assert_eq!(reporter.status("routeguide.RouteGuide"), Some(ServingStatus::Serving));
//! # drop(server);
//! ```

// Generated from grpc's .proto files (kept as the generator writes them, which a test
// checks), whose fields are not all documented.
#[rustfmt::skip]
#[allow(missing_docs)]
pub mod v1;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::watch;
use tokio_stream::StreamExt;
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status};

pub use v1::health_check_response::ServingStatus;
use v1::health_server::{Health, HealthServer};
use v1::{HealthCheckRequest, HealthCheckResponse, HealthListRequest, HealthListResponse};

/// The statuses, one watch channel per service name.
type Statuses = Arc<Mutex<HashMap<String, watch::Sender<ServingStatus>>>>;

/// Sets the serving status of services; cheap to clone, shared with the health server.
#[derive(Clone, Debug)]
pub struct HealthReporter {
    statuses: Statuses,
}

impl HealthReporter {
    /// Sets the status of `service` (a full name such as `package.Service`, or `""` for the
    /// whole server); watchers see the change.
    pub fn set_status(&self, service: &str, status: ServingStatus) {
        let mut statuses = self.statuses.lock().unwrap_or_else(PoisonError::into_inner);
        match statuses.get(service) {
            Some(sender) => {
                sender.send_replace(status);
            }
            None => {
                statuses.insert(service.to_string(), watch::channel(status).0);
            }
        }
    }

    /// Marks `service` as serving.
    pub fn set_serving(&self, service: &str) {
        self.set_status(service, ServingStatus::Serving);
    }

    /// Marks `service` as not serving.
    pub fn set_not_serving(&self, service: &str) {
        self.set_status(service, ServingStatus::NotServing);
    }

    /// The status of `service`, if it was set.
    pub fn status(&self, service: &str) -> Option<ServingStatus> {
        let statuses = self.statuses.lock().unwrap_or_else(PoisonError::into_inner);
        statuses
            .get(service)
            .map(|s| *s.borrow())
            .filter(|s| *s != ServingStatus::ServiceUnknown)
    }
}

/// The health service behind [`service`]'s server.
#[derive(Debug)]
pub struct HealthService {
    statuses: Statuses,
}

/// A reporter and the health server it feeds (with the whole server, `""`, serving).
pub fn service() -> (HealthReporter, HealthServer<HealthService>) {
    let reporter = HealthReporter {
        statuses: Arc::default(),
    };
    reporter.set_serving("");
    let service = HealthService {
        statuses: Arc::clone(&reporter.statuses),
    };
    (reporter, HealthServer::new(service))
}

fn response(status: ServingStatus) -> HealthCheckResponse {
    HealthCheckResponse {
        status: status.into(),
        ..Default::default()
    }
}

impl Health for HealthService {
    async fn check(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        let reporter = HealthReporter {
            statuses: Arc::clone(&self.statuses),
        };
        let service = &request.get_ref().service;
        match reporter.status(service) {
            Some(status) => Ok(Response::new(response(status))),
            None => Err(Status::not_found(format!("unknown service `{service}`"))),
        }
    }

    async fn list(
        &self,
        _request: Request<HealthListRequest>,
    ) -> Result<Response<HealthListResponse>, Status> {
        let statuses = self.statuses.lock().unwrap_or_else(PoisonError::into_inner);
        let statuses = statuses
            .iter()
            .map(|(name, status)| (name.clone(), *status.borrow()))
            .filter(|(_, status)| *status != ServingStatus::ServiceUnknown)
            .map(|(name, status)| (name, response(status)))
            .collect();
        Ok(Response::new(HealthListResponse {
            statuses,
            ..Default::default()
        }))
    }

    async fn watch(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<BoxStream<HealthCheckResponse>>, Status> {
        let service = request.into_inner().service;
        let receiver = {
            let mut statuses = self.statuses.lock().unwrap_or_else(PoisonError::into_inner);
            statuses
                .entry(service)
                .or_insert_with(|| watch::channel(ServingStatus::ServiceUnknown).0)
                .subscribe()
        };
        let stream = tokio_stream::wrappers::WatchStream::new(receiver).map(|s| Ok(response(s)));
        Ok(Response::new(Box::pin(stream)))
    }
}
