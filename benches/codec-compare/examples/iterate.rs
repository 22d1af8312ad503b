//! `iterate PAYLOAD OP LIBRARY N`: runs one benchmark's operation N times and nothing else,
//! for counters that do not depend on the machine's load (`perf stat -e
//! instructions:u,cycles:u`, or callgrind): PAYLOAD is `trace`, `metrics`, `descriptors` or
//! `node:DEPTH`, OP `decode`, `encode` or `encoded_len`, LIBRARY `protoforge`, `prost` or
//! `buffa`. Setup (building the payload, one decode) is the same for every library, so the
//! difference of two runs with different N is the cost of the iterations alone.

use std::hint::black_box;

use codec_compare::{Bf, Codec, Pb, Pf, bf, pb, pf};

fn run<C: Codec>(op: &str, bytes: &[u8], n: usize) {
    let message = C::decode(bytes);
    let mut buf = Vec::with_capacity(bytes.len());
    for _ in 0..n {
        match op {
            "decode" => drop(black_box(C::decode(black_box(bytes)))),
            "encode" => {
                buf.clear();
                C::encode(black_box(&message), &mut buf);
                black_box(buf.len());
            }
            "encoded_len" => drop(black_box(C::encoded_len(black_box(&message)))),
            other => panic!("unknown operation `{other}`"),
        }
    }
}

macro_rules! dispatch {
    ($lib:expr, $op:expr, $bytes:expr, $n:expr, $pf:ty, $pb:ty, $bf:ty) => {
        match $lib {
            "protoforge" => run::<Pf<$pf>>($op, $bytes, $n),
            "prost" => run::<Pb<$pb>>($op, $bytes, $n),
            "buffa" => run::<Bf<$bf>>($op, $bytes, $n),
            other => panic!("unknown library `{other}`"),
        }
    };
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [payload, op, lib, n] = args.as_slice() else {
        panic!("usage: iterate PAYLOAD OP LIBRARY N");
    };
    let n: usize = n.parse().expect("N is a number");
    let (op, lib) = (op.as_str(), lib.as_str());
    use bf::opentelemetry::proto::collector as bfc;
    use pb::opentelemetry::proto::collector as pbc;
    use pf::opentelemetry::proto::collector as pfc;
    match payload.as_str() {
        "trace" => dispatch!(
            lib,
            op,
            &codec_compare::trace_request(),
            n,
            pfc::trace::v1::ExportTraceServiceRequest,
            pbc::trace::v1::ExportTraceServiceRequest,
            bfc::trace::v1::ExportTraceServiceRequest
        ),
        "metrics" => dispatch!(
            lib,
            op,
            &codec_compare::metrics_request(),
            n,
            pfc::metrics::v1::ExportMetricsServiceRequest,
            pbc::metrics::v1::ExportMetricsServiceRequest,
            bfc::metrics::v1::ExportMetricsServiceRequest
        ),
        "descriptors" => {
            // The test's payload (protoc's unittest.proto set), so no corpus is needed.
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../testdata/descriptors/protobuf/goldens/google/protobuf/unittest.proto.src.pb"
            );
            let protoc = std::fs::read(path).expect("the golden descriptor set");
            let bytes = codec_compare::through_prost::<prost_types::FileDescriptorSet>(&protoc);
            dispatch!(
                lib,
                op,
                &bytes,
                n,
                protoforge::descriptor::FileDescriptorSet,
                prost_types::FileDescriptorSet,
                buffa_descriptor::generated::descriptor::FileDescriptorSet
            )
        }
        node => {
            let depth: usize = node
                .strip_prefix("node:")
                .and_then(|d| d.parse().ok())
                .expect("payload trace, metrics, descriptors or node:DEPTH");
            dispatch!(
                lib,
                op,
                &codec_compare::node(depth),
                n,
                pf::codec_compare::node::Node,
                pb::codec_compare::node::Node,
                bf::codec_compare::node::Node
            )
        }
    }
}
