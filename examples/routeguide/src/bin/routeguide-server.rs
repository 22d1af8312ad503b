//! `routeguide-server [ADDR] [--tls] [--token TOKEN]`: serves RouteGuide (with two sample
//! features), gRPC health and server reflection on `ADDR` (default `127.0.0.1:10000`) until
//! interrupted, with protoforge's server defaults. `--tls` serves TLS with the example's test
//! certificate; `--token` requires `authorization: Bearer TOKEN` on RouteGuide calls.

use routeguide_example::routeguide::{Feature, Point};
use routeguide_example::{Guide, ServeOptions, router, serve};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut addr = "127.0.0.1:10000".to_string();
    let mut options = ServeOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--tls" => options.tls = true,
            "--token" => options.token = Some(args.next().ok_or("--token needs a value")?),
            "--help" => {
                println!("usage: routeguide-server [ADDR] [--tls] [--token TOKEN]");
                return Ok(());
            }
            _ if !arg.starts_with('-') => addr = arg,
            _ => return Err(format!("unknown flag `{arg}`").into()),
        }
    }
    let feature = |name: &str, latitude, longitude| Feature {
        name: name.to_string(),
        location: Some(Point {
            latitude,
            longitude,
        }),
        ..Default::default()
    };
    let guide = Guide::new(vec![
        feature("Patriots Path", 407_838_351, -746_143_763),
        feature("Berkshire Valley", 408_122_808, -743_999_179),
    ]);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("routeguide-server listening on {}", listener.local_addr()?);
    let (router, _health) = router(guide, &options)?;
    serve(router, listener, &options, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
