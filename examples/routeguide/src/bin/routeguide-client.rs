//! `routeguide-client [URL] [--tls] [--token TOKEN]`: asks the server at `URL` (default
//! `http://127.0.0.1:10000`, or `https://localhost:10000` with `--tls`, trusting gRPC's test
//! CA and checking the certificate's name `foo.test.google.fr`, as gRPC's interop clients do) for the feature at one point and for the features in a rectangle, and prints them.
//! `--token` sends `authorization: Bearer TOKEN` with every call.

use routeguide_example::routeguide::route_guide_client::RouteGuideClient;
use routeguide_example::routeguide::{Point, Rectangle};
use routeguide_example::{SendBearer, tls};
use tokio_stream::StreamExt;
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut url = None;
    let mut secure = false;
    let mut token = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--tls" => secure = true,
            "--token" => token = Some(args.next().ok_or("--token needs a value")?),
            _ if !arg.starts_with('-') => url = Some(arg),
            _ => return Err(format!("unknown flag `{arg}`").into()),
        }
    }
    let default = if secure {
        "https://localhost:10000"
    } else {
        "http://127.0.0.1:10000"
    };
    let mut endpoint = Endpoint::from_shared(url.unwrap_or_else(|| default.to_string()))?;
    if secure {
        endpoint = endpoint.tls_config(
            ClientTlsConfig::new()
                .ca_certificate(Certificate::from_pem(tls::CA))
                .domain_name("foo.test.google.fr"),
        )?;
    }
    let channel = endpoint.connect().await?;
    let bearer = match token {
        Some(token) => SendBearer::new(&token).ok_or("the token is not a valid header value")?,
        None => SendBearer::default(),
    };
    let mut client = RouteGuideClient::with_interceptor(channel, bearer);
    let point = |latitude, longitude| Point {
        latitude,
        longitude,
    };
    let feature = client.get_feature(point(407_838_351, -746_143_763)).await?;
    println!("GetFeature: {:?}", feature.into_inner());
    let rect = Rectangle {
        lo: Some(point(400_000_000, -750_000_000)),
        hi: Some(point(420_000_000, -730_000_000)),
    };
    let mut features = client.list_features(rect).await?.into_inner();
    while let Some(feature) = features.next().await {
        println!("ListFeatures: {:?}", feature?);
    }
    Ok(())
}
