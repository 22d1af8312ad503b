//! Serves the example (`routeguide_example::router`: RouteGuide, protoforge's health and
//! reflection services) and queries it with independent Python clients:
//! grpcio-reflection's `ProtoReflectionDescriptorDatabase` (reflection `v1alpha`) and stubs
//! protoc generated from grpc's `v1` reflection proto must find every service and file, decode
//! each file and see each method with its message types and streaming kinds as
//! `route_guide.proto` declares them (which the generated `SERVICE` descriptor must also
//! state); grpcio-health-checking's client must see `Check` answers and, through `Watch`, every
//! status change the server makes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use routeguide_example::routeguide::{route_guide_client, route_guide_server};
use routeguide_example::{Guide, ServeOptions, router};

/// The methods of `route_guide.proto`, as the reflection client prints them.
const EXPECTED_METHODS: [&str; 4] = [
    "method GetFeature routeguide.Point routeguide.Feature False False",
    "method ListFeatures routeguide.Rectangle routeguide.Feature False True",
    "method RecordRoute routeguide.Point routeguide.RouteSummary True False",
    "method RouteChat routeguide.RouteNote routeguide.RouteNote True True",
];

/// Serves the example on a free port; returns the port and the health reporter.
async fn serve() -> (u16, protoforge::grpc::health::HealthReporter) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("local addr").port();
    let (router, health) =
        router(Guide::new(vec![]), &ServeOptions::default()).expect("the example's router");
    tokio::spawn(router.serve_with_incoming(protoforge::grpc::transport::incoming(listener)));
    (port, health)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_reflection_clients_find_every_service_and_file() {
    let (port, _health) = serve().await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reflection_client.py");
    let proto_root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/descriptors/grpc/src"
    );
    let stubs = std::env::temp_dir().join(format!("routeguide-reflection-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&stubs);
    std::fs::create_dir_all(&stubs).expect("stub dir");
    let stub_dir = stubs.clone();
    let query = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg(proto_root)
            .arg(&stub_dir)
            .output()
    });
    let output = tokio::time::timeout(Duration::from_secs(120), query)
        .await
        .expect("the reflection client finishes within 120 s")
        .expect("join")
        .expect("run python3 (with pip grpcio-reflection installed)");
    let _ = std::fs::remove_dir_all(&stubs);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "reflection client failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    let with = |prefix: &str| -> Vec<&str> {
        lines
            .iter()
            .copied()
            .filter(|l| l.starts_with(prefix))
            .collect()
    };
    assert_eq!(
        with("service "),
        ["service routeguide.RouteGuide"],
        "{stdout}"
    );
    assert_eq!(with("method "), EXPECTED_METHODS);
    assert_eq!(with("v1 service "), ["v1 service routeguide.RouteGuide"]);
    assert_eq!(with("v1 file "), ["v1 file route_guide.proto"]);
    assert_eq!(
        with("v1 method "),
        [
            "v1 method routeguide.RouteGuide.GetFeature",
            "v1 method routeguide.RouteGuide.ListFeatures",
            "v1 method routeguide.RouteGuide.RecordRoute",
            "v1 method routeguide.RouteGuide.RouteChat",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_health_client_sees_checks_and_every_change() {
    let (port, health) = serve().await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/health_client.py");
    let mut child = Command::new("python3")
        .arg(script)
        .arg(port.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run python3 (with pip grpcio-health-checking installed)");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = move || {
        rx.recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("no line from the health client: {e}"))
    };
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(next());
    }
    health.set_not_serving("routeguide.RouteGuide");
    seen.push(next());
    health.set_serving("routeguide.RouteGuide");
    seen.push(next());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(status.success(), "{seen:?}");
    assert_eq!(
        seen,
        [
            "check - SERVING",
            "check routeguide.RouteGuide SERVING",
            "check no.such.Service NOT_FOUND",
            "watch SERVING",
            "watch NOT_SERVING",
            "watch SERVING",
        ]
    );
}

#[test]
fn generated_service_descriptors_match_the_proto() {
    let py = |b: bool| if b { "True" } else { "False" };
    for service in [route_guide_server::SERVICE, route_guide_client::SERVICE] {
        assert_eq!(service.name, "routeguide.RouteGuide");
        let described: Vec<String> = service
            .methods
            .iter()
            .map(|m| {
                assert_eq!(m.path, format!("/routeguide.RouteGuide/{}", m.name));
                format!(
                    "method {} {} {} {} {}",
                    m.name,
                    m.input_type,
                    m.output_type,
                    py(m.client_streaming),
                    py(m.server_streaming)
                )
            })
            .collect();
        assert_eq!(described, EXPECTED_METHODS);
    }
    assert_eq!(route_guide_server::SERVICE_NAME, "routeguide.RouteGuide");
    assert_eq!(
        <route_guide_server::RouteGuideServer<Guide> as tonic::server::NamedService>::NAME,
        route_guide_server::SERVICE_NAME
    );
}
