//! `grpc-echo-bench [--seconds S] [--payload BYTES] [--rounds N]`: unary echo on loopback with
//! 1 and 64 concurrent calls, protoforge-generated vs tonic+prost-generated code for the same
//! `.proto`, in one run. Each configuration runs both implementations in each of `N` rounds
//! (which one goes first alternates from round to round) and keeps each one's best round; the
//! table shows requests/s, p50, p99 and the ratio.

use std::time::Duration;

use grpc_echo_bench::{Impl, Stats, bench};

/// The concurrency levels measured.
const STREAMS: [usize; 2] = [1, 64];

struct Args {
    seconds: f64,
    payload: usize,
    rounds: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seconds: 3.0,
        payload: 100,
        rounds: 2,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("`{flag}` needs a value"))?;
        let bad = format!("bad value `{value}` for `{flag}`");
        match flag.as_str() {
            "--seconds" => args.seconds = value.parse().map_err(|_| bad.clone())?,
            "--payload" => args.payload = value.parse().map_err(|_| bad.clone())?,
            "--rounds" => args.rounds = value.parse().map_err(|_| bad.clone())?,
            _ => {
                return Err(format!(
                    "unknown flag `{flag}` (--seconds, --payload, --rounds)"
                ));
            }
        }
    }
    if !args.seconds.is_finite() || args.seconds <= 0.0 || args.rounds == 0 {
        return Err("--seconds and --rounds must be positive".into());
    }
    Ok(args)
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = parse_args()?;
    let duration = Duration::from_secs_f64(args.seconds);
    println!(
        "unary echo, {}-byte payload, {} s per run, best of {} alternating rounds",
        args.payload, args.seconds, args.rounds
    );
    println!();
    println!("| streams | implementation | requests/s | p50 | p99 |");
    println!("| ---: | --- | ---: | ---: | ---: |");
    let mut ratios = Vec::new();
    for streams in STREAMS {
        let mut best = [Stats::default(); 2];
        for round in 0..args.rounds {
            // The order flips every round: whichever runs second in a round measured a few
            // percent faster on this machine, so a fixed order favours one side.
            let mut order = [(0, Impl::Protoforge), (1, Impl::Prost)];
            if round % 2 == 1 {
                order.reverse();
            }
            for (slot, which) in order {
                let stats = bench(which, streams, duration, args.payload).await?;
                if stats.per_second > best[slot].per_second {
                    best[slot] = stats;
                }
            }
        }
        for (which, stats) in [Impl::Protoforge, Impl::Prost].iter().zip(best) {
            println!(
                "| {streams} | {} | {:.0} | {} | {} |",
                which.name(),
                stats.per_second,
                micros(stats.p50),
                micros(stats.p99)
            );
        }
        ratios.push((streams, best[0].per_second / best[1].per_second));
    }
    println!();
    for (streams, ratio) in ratios {
        println!("{streams} stream(s): protoforge / tonic+prost throughput = {ratio:.3}");
    }
    Ok(())
}
