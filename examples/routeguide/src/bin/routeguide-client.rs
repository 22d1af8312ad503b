//! `routeguide-client [URL]`: asks the server at `URL` (default `http://127.0.0.1:10000`)
//! for the feature at one point and for the features in a rectangle, and prints them.

use routeguide_example::routeguide::route_guide_client::RouteGuideClient;
use routeguide_example::routeguide::{Point, Rectangle};
use tokio_stream::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:10000".to_string());
    let mut client = RouteGuideClient::connect(url).await?;
    let point = |latitude, longitude| Point {
        latitude,
        longitude,
        ..Default::default()
    };
    let feature = client.get_feature(point(407_838_351, -746_143_763)).await?;
    println!("GetFeature: {:?}", feature.into_inner());
    let rect = Rectangle {
        lo: Some(point(400_000_000, -750_000_000)),
        hi: Some(point(420_000_000, -730_000_000)),
        ..Default::default()
    };
    let mut features = client.list_features(rect).await?.into_inner();
    while let Some(feature) = features.next().await {
        println!("ListFeatures: {:?}", feature?);
    }
    Ok(())
}
