//! The codec benchmark: decode, encode (into a preallocated `Vec`) and `encoded_len` of the
//! same bytes with protoforge, prost and buffa, side by side in one criterion group per
//! payload and operation. Payloads: an OpenTelemetry trace export (100 spans) and metrics
//! export (100 metrics), the shared corpus's descriptors as one `FileDescriptorSet` with
//! source info (compiled by protoforge here, then passed through prost so that all three
//! encode it alike; left out with a note when the corpus is missing), and chains of nested
//! `Node`s at depths 1 to 64. `cargo xtask bench codec` runs it and prints the ratios.

use std::hint::black_box;
use std::time::Duration;

use codec_compare::{Bf, Codec, Pb, Pf, PfShared, bf, pb, pf};
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput, measurement::WallTime};

/// The benchmark of one library in a group: its name, with the depth when there is one.
fn id<C: Codec>(param: Option<usize>) -> BenchmarkId {
    match param {
        Some(p) => BenchmarkId::new(C::NAME, p),
        None => BenchmarkId::from_parameter(C::NAME),
    }
}

fn decode<C: Codec>(group: &mut BenchmarkGroup<'_, WallTime>, param: Option<usize>, bytes: &[u8]) {
    group.bench_function(id::<C>(param), |b| b.iter(|| C::decode(black_box(bytes))));
}

/// Decoding from a `bytes::Bytes` holding the payload, as a gRPC stack hands it over.
fn decode_shared<C: Codec>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    param: Option<usize>,
    bytes: &[u8],
) {
    let shared = bytes::Bytes::copy_from_slice(bytes);
    group.bench_function(id::<C>(param), |b| {
        b.iter(|| C::decode_shared(black_box(&shared)))
    });
}

fn encode<C: Codec>(group: &mut BenchmarkGroup<'_, WallTime>, param: Option<usize>, bytes: &[u8]) {
    let message = C::decode(bytes);
    let mut buf = Vec::with_capacity(bytes.len());
    group.bench_function(id::<C>(param), |b| {
        b.iter(|| {
            buf.clear();
            C::encode(black_box(&message), &mut buf);
            black_box(buf.len())
        })
    });
}

fn encoded_len<C: Codec>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    param: Option<usize>,
    bytes: &[u8],
) {
    let message = C::decode(bytes);
    group.bench_function(id::<C>(param), |b| {
        b.iter(|| C::encoded_len(black_box(&message)))
    });
}

/// The three libraries on one payload, given the three message types: one group per
/// operation (`<payload>/decode` ...), in which the libraries run one after the other, so
/// that a change in machine load falls on all of them alike.
macro_rules! all_three {
    ($c:expr, $payload:expr, $param:expr, $bytes:expr, $pf:ty, $pb:ty, $bf:ty) => {{
        let bytes: &[u8] = $bytes;
        for op in ["decode", "encode", "encoded_len"] {
            let mut group = $c.benchmark_group(format!("{}/{op}", $payload));
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            let run = match op {
                "decode" => [decode::<Pf<$pf>>, decode::<Pb<$pb>>, decode::<Bf<$bf>>],
                "encode" => [encode::<Pf<$pf>>, encode::<Pb<$pb>>, encode::<Bf<$bf>>],
                _ => [
                    encoded_len::<Pf<$pf>>,
                    encoded_len::<Pb<$pb>>,
                    encoded_len::<Bf<$bf>>,
                ],
            };
            for f in run {
                f(&mut group, $param, bytes);
            }
            group.finish();
        }
    }};
}

/// protoforge with shared strings beside the others, decoding from a `bytes::Bytes`
/// (`<payload>/decode_shared`): what a gRPC server's decoder gets. prost and buffa decode it
/// as a slice (their owned types copy every string).
macro_rules! shared_decode {
    ($c:expr, $payload:expr, $bytes:expr, $pfs:ty, $pf:ty, $pb:ty, $bf:ty) => {{
        let bytes: &[u8] = $bytes;
        let mut group = $c.benchmark_group(format!("{}/decode_shared", $payload));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        for f in [
            decode_shared::<PfShared<$pfs>>,
            decode_shared::<Pf<$pf>>,
            decode_shared::<Pb<$pb>>,
            decode_shared::<Bf<$bf>>,
        ] {
            f(&mut group, None, bytes);
        }
        group.finish();
    }};
}

fn opentelemetry(c: &mut Criterion) {
    use bf::opentelemetry::proto::collector as bfc;
    use pb::opentelemetry::proto::collector as pbc;
    use pf::opentelemetry::proto::collector as pfc;
    all_three!(
        c,
        "trace",
        None,
        &codec_compare::trace_request(),
        pfc::trace::v1::ExportTraceServiceRequest,
        pbc::trace::v1::ExportTraceServiceRequest,
        bfc::trace::v1::ExportTraceServiceRequest
    );
    all_three!(
        c,
        "metrics",
        None,
        &codec_compare::metrics_request(),
        pfc::metrics::v1::ExportMetricsServiceRequest,
        pbc::metrics::v1::ExportMetricsServiceRequest,
        bfc::metrics::v1::ExportMetricsServiceRequest
    );
    use codec_compare::pfs::opentelemetry::proto::collector as pfsc;
    shared_decode!(
        c,
        "trace",
        &codec_compare::trace_request(),
        pfsc::trace::v1::ExportTraceServiceRequest,
        pfc::trace::v1::ExportTraceServiceRequest,
        pbc::trace::v1::ExportTraceServiceRequest,
        bfc::trace::v1::ExportTraceServiceRequest
    );
    shared_decode!(
        c,
        "metrics",
        &codec_compare::metrics_request(),
        pfsc::metrics::v1::ExportMetricsServiceRequest,
        pfc::metrics::v1::ExportMetricsServiceRequest,
        pbc::metrics::v1::ExportMetricsServiceRequest,
        bfc::metrics::v1::ExportMetricsServiceRequest
    );
}

fn descriptors(c: &mut Criterion) {
    let corpus = codec_compare::corpus_dir();
    let set = match codec_compare::corpus_descriptor_set(&corpus, usize::MAX) {
        Ok(set) => set,
        Err(e) => {
            eprintln!("codec bench: descriptor payload left out: {e}");
            return;
        }
    };
    let bytes = codec_compare::through_prost::<prost_types::FileDescriptorSet>(
        &protoforge::Message::encode_to_vec(&set),
    );
    eprintln!(
        "codec bench: descriptor payload: {} files, {} bytes",
        set.file.len(),
        bytes.len()
    );
    all_three!(
        c,
        "descriptors",
        None,
        &bytes,
        protoforge::descriptor::FileDescriptorSet,
        prost_types::FileDescriptorSet,
        buffa_descriptor::generated::descriptor::FileDescriptorSet
    );
}

fn nesting(c: &mut Criterion) {
    for &depth in codec_compare::NODE_DEPTHS {
        all_three!(
            c,
            "node",
            Some(depth),
            &codec_compare::node(depth),
            pf::codec_compare::node::Node,
            pb::codec_compare::node::Node,
            bf::codec_compare::node::Node
        );
    }
}

fn config() -> Criterion {
    // Short runs: 90 benchmarks on a shared machine; the noise is reported beside each.
    Criterion::default()
        .warm_up_time(Duration::from_millis(700))
        .measurement_time(Duration::from_secs(2))
        .sample_size(40)
}

criterion::criterion_group! {
    name = benches;
    config = config();
    targets = opentelemetry, descriptors, nesting
}
criterion::criterion_main!(benches);
