//! Both generated codes talk to each other (the same `.proto` gives the same wire format)
//! and the load driver measures real calls: a protoforge client against the prost server and
//! back, then a short load run of each implementation.

use std::time::Duration;

use grpc_echo_bench::{Client, Impl, bench, serve};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_and_servers_of_both_kinds_interoperate() {
    let payload: Vec<u8> = (0..=255).collect();
    for (server_kind, client_kind) in [
        (Impl::Protoforge, Impl::Prost),
        (Impl::Prost, Impl::Protoforge),
        (Impl::Protoforge, Impl::Protoforge),
    ] {
        let server = serve(server_kind).await.expect("serve");
        let mut client = Client::connect(client_kind, server.addr)
            .await
            .expect("connect");
        let (message, echoed) = client.echo("héllo", &payload).await.expect("echo");
        assert_eq!(
            message, "héllo",
            "{server_kind:?} server, {client_kind:?} client"
        );
        assert_eq!(
            echoed, payload,
            "{server_kind:?} server, {client_kind:?} client"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_runs_measure_completed_calls() {
    for which in [Impl::Protoforge, Impl::Prost] {
        let stats = bench(which, 4, Duration::from_millis(300), 64)
            .await
            .expect("bench");
        assert!(stats.requests > 0, "{which:?}: no call completed");
        assert!(
            stats.p50 > Duration::ZERO && stats.p50 <= stats.p99,
            "{which:?}: {stats:?}"
        );
        assert!(stats.per_second > 0.0);
    }
}
