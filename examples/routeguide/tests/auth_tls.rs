//! The example's server set-up (`routeguide_example::router`) as a user runs it: over TLS
//! with the test certificate, RouteGuide calls need `authorization: Bearer TOKEN` (checked by
//! a server interceptor, `UNAUTHENTICATED` otherwise; the generated client adds it with
//! `with_interceptor`), while health and reflection stay open.

use routeguide_example::routeguide::Point;
use routeguide_example::routeguide::route_guide_client::RouteGuideClient;
use routeguide_example::{Guide, SendBearer, ServeOptions, router, tls};
use tonic::Code;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

async fn serve(options: ServeOptions) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    let (router, _health) = router(Guide::new(vec![]), &options).expect("router");
    tokio::spawn(async move {
        routeguide_example::serve(router, listener, &options, std::future::pending())
            .await
            .expect("serve");
    });
    port
}

async fn tls_channel(port: u16) -> Channel {
    Endpoint::from_shared(format!("https://127.0.0.1:{port}"))
        .expect("uri")
        .tls_config(
            ClientTlsConfig::new()
                .ca_certificate(Certificate::from_pem(tls::CA))
                .domain_name("foo.test.google.fr"),
        )
        .expect("tls config")
        .connect()
        .await
        .expect("connect over TLS")
}

fn point() -> Point {
    Point {
        latitude: 1,
        longitude: 2,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bearer_token_over_tls() {
    let port = serve(ServeOptions {
        tls: true,
        token: Some("s3cret".into()),
    })
    .await;
    let channel = tls_channel(port).await;

    let mut anonymous = RouteGuideClient::new(channel.clone());
    let status = anonymous.get_feature(point()).await.expect_err("no token");
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");

    let wrong = SendBearer::new("guess").expect("token");
    let mut client = RouteGuideClient::with_interceptor(channel.clone(), wrong);
    let status = client.get_feature(point()).await.expect_err("wrong token");
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");

    let right = SendBearer::new("s3cret").expect("token");
    let mut client = RouteGuideClient::with_interceptor(channel.clone(), right);
    let feature = client.get_feature(point()).await.expect("right token");
    assert_eq!(feature.get_ref().location, Some(point()));

    // A plaintext client cannot talk to the TLS server.
    let plain = Endpoint::from_shared(format!("http://127.0.0.1:{port}"))
        .expect("uri")
        .connect()
        .await;
    if let Ok(plain) = plain {
        let status = RouteGuideClient::new(plain)
            .get_feature(point())
            .await
            .expect_err("plaintext against TLS");
        assert_ne!(status.code(), Code::Ok);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_token_calls_are_open() {
    let port = serve(ServeOptions::default()).await;
    let mut client = RouteGuideClient::connect(format!("http://127.0.0.1:{port}"))
        .await
        .expect("connect");
    client.get_feature(point()).await.expect("open");
}
