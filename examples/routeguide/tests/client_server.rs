//! Runs the generated RouteGuide client against the generated server (with [`Guide`]) on
//! 127.0.0.1, one call of each of the four RPC kinds, and checks the answers.

use routeguide_example::Guide;
use routeguide_example::routeguide::route_guide_client::RouteGuideClient;
use routeguide_example::routeguide::route_guide_server::RouteGuideServer;
use routeguide_example::routeguide::{Feature, Point, Rectangle, RouteNote};
use tokio_stream::StreamExt;

fn point(latitude: i32, longitude: i32) -> Point {
    Point {
        latitude,
        longitude,
    }
}

fn feature(name: &str, latitude: i32, longitude: i32) -> Feature {
    Feature {
        name: name.to_string(),
        location: Some(point(latitude, longitude)),
        ..Default::default()
    }
}

fn note(at: Point, message: &str) -> RouteNote {
    RouteNote {
        location: Some(at),
        message: message.to_string(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_against_server_all_four_rpc_kinds() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let guide = Guide::new(vec![
        feature("Patriots Path", 407_838_351, -746_143_763),
        feature("Berkshire Valley", 408_122_808, -743_999_179),
        feature("Far Away", 10, 10),
    ]);
    let server = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(RouteGuideServer::new(guide))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    let mut client = RouteGuideClient::connect(format!("http://{addr}"))
        .await
        .expect("connect");

    // Unary.
    let found = client
        .get_feature(point(407_838_351, -746_143_763))
        .await
        .expect("get_feature")
        .into_inner();
    assert_eq!(found.name, "Patriots Path");
    let missing = client
        .get_feature(point(1, 2))
        .await
        .expect("get_feature")
        .into_inner();
    assert_eq!(missing.name, "");
    assert_eq!(missing.location, Some(point(1, 2)));

    // Server streaming.
    let rect = Rectangle {
        lo: Some(point(400_000_000, -750_000_000)),
        hi: Some(point(420_000_000, -730_000_000)),
    };
    let mut stream = client
        .list_features(rect)
        .await
        .expect("list_features")
        .into_inner();
    let mut names = Vec::new();
    while let Some(f) = stream.next().await {
        names.push(f.expect("feature").name);
    }
    assert_eq!(names, ["Patriots Path", "Berkshire Valley"]);

    // Client streaming.
    let route = tokio_stream::iter(vec![
        point(407_838_351, -746_143_763),
        point(407_838_361, -746_143_753),
        point(10, 10),
    ]);
    let summary = client
        .record_route(route)
        .await
        .expect("record_route")
        .into_inner();
    assert_eq!(summary.point_count, 3);
    assert_eq!(summary.feature_count, 2);
    assert_eq!(
        summary.distance,
        20 + (407_838_361 - 10) + (746_143_753 + 10)
    );

    // Bidirectional streaming.
    let notes = tokio_stream::iter(vec![
        note(point(0, 1), "first"),
        note(point(0, 2), "second"),
        note(point(0, 1), "third"),
        note(point(0, 1), "fourth"),
    ]);
    let mut replies = client
        .route_chat(notes)
        .await
        .expect("route_chat")
        .into_inner();
    let mut got = Vec::new();
    while let Some(n) = replies.next().await {
        got.push(n.expect("note").message);
    }
    assert_eq!(got, ["first", "first", "third"]);

    server.abort();
}
