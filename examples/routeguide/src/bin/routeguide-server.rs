//! `routeguide-server [ADDR]`: serves RouteGuide (with two sample features) and gRPC server
//! reflection on `ADDR` (default `127.0.0.1:10000`) until interrupted.

use routeguide_example::routeguide::{Feature, Point};
use routeguide_example::{Guide, add_services};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:10000".to_string())
        .parse()?;
    let feature = |name: &str, latitude, longitude| Feature {
        name: name.to_string(),
        location: Some(Point {
            latitude,
            longitude,
            ..Default::default()
        }),
        ..Default::default()
    };
    let guide = Guide::new(vec![
        feature("Patriots Path", 407_838_351, -746_143_763),
        feature("Berkshire Valley", 408_122_808, -743_999_179),
    ]);
    println!("routeguide-server listening on {addr}");
    add_services(&mut tonic::transport::Server::builder(), guide)?
        .serve(addr)
        .await?;
    Ok(())
}
