//! Serves RouteGuide with server reflection (the descriptor set protoforge-build wrote) and
//! queries it with grpcio-reflection's `ProtoReflectionDescriptorDatabase`, an independent
//! reflection client: it must find the service and each method with its message types and
//! streaming kinds as `route_guide.proto` declares them, which the generated `SERVICE`
//! descriptor must also state.

use std::process::Command;
use std::time::Duration;

use routeguide_example::routeguide::{route_guide_client, route_guide_server};
use routeguide_example::{Guide, add_services};

/// The methods of `route_guide.proto`, as the reflection client prints them.
const EXPECTED_METHODS: [&str; 4] = [
    "method GetFeature routeguide.Point routeguide.Feature False False",
    "method ListFeatures routeguide.Rectangle routeguide.Feature False True",
    "method RecordRoute routeguide.Point routeguide.RouteSummary True False",
    "method RouteChat routeguide.RouteNote routeguide.RouteNote True True",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_reflection_client_finds_the_service_and_its_methods() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("local addr").port();
    let router = add_services(&mut tonic::transport::Server::builder(), Guide::new(vec![]))
        .expect("reflection accepts the descriptor set");
    let server = tokio::spawn(
        router.serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reflection_client.py");
    let query = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .output()
    });
    let output = tokio::time::timeout(Duration::from_secs(120), query)
        .await
        .expect("the reflection client finishes within 120 s")
        .expect("join")
        .expect("run python3 (with pip grpcio-reflection installed)");
    server.abort();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "reflection client failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines.contains(&"service routeguide.RouteGuide"),
        "RouteGuide not listed:\n{stdout}"
    );
    let methods: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("method "))
        .collect();
    assert_eq!(methods, EXPECTED_METHODS);
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
