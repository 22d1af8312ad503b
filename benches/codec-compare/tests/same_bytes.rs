//! The independent-truth check behind the benchmark: protoforge, prost and buffa decode each
//! payload and encode it back to exactly the same bytes, and report the same size, so the
//! benchmark times the same work in each library.

use codec_compare::pb::codec_compare::node::Node as PbNode;
use codec_compare::pb::opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest as PbMetrics;
use codec_compare::pb::opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest as PbTrace;
use codec_compare::{Bf, Codec, Pb, Pf, PfShared, bf, pf, pfs};

/// Decodes `bytes` with each library, checks each re-encodes them exactly, and that prost
/// decodes every library's output to the value it decoded itself.
#[track_caller]
fn check_same_bytes<A: Codec, B: Codec, C: Codec>(what: &str, bytes: &[u8])
where
    B::M: PartialEq + std::fmt::Debug,
{
    let reference = B::decode(bytes);
    let outputs = [
        (A::NAME, encode::<A>(bytes)),
        (B::NAME, encode::<B>(bytes)),
        (C::NAME, encode::<C>(bytes)),
    ];
    for (name, (len, out)) in outputs {
        assert_eq!(len, bytes.len(), "{what}: {name}'s encoded_len");
        assert!(out == bytes, "{what}: {name} re-encodes to different bytes");
        assert_eq!(
            B::decode(&out),
            reference,
            "{what}: {} reads {name}'s output",
            B::NAME
        );
    }
}

/// `C`'s encoded_len and encoding of its decoding of `bytes`.
fn encode<C: Codec>(bytes: &[u8]) -> (usize, Vec<u8>) {
    let message = C::decode(bytes);
    let mut out = Vec::new();
    C::encode(&message, &mut out);
    (C::encoded_len(&message), out)
}

#[test]
fn opentelemetry_payloads_encode_identically() {
    type PfTrace = pf::opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
    type BfTrace = bf::opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
    check_same_bytes::<Pf<PfTrace>, Pb<PbTrace>, Bf<BfTrace>>(
        "trace",
        &codec_compare::trace_request(),
    );
    type PfMetrics = pf::opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;
    type BfMetrics = bf::opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;
    check_same_bytes::<Pf<PfMetrics>, Pb<PbMetrics>, Bf<BfMetrics>>(
        "metrics",
        &codec_compare::metrics_request(),
    );
    // With shared strings and bytes, decoded from a `Bytes`: the same bytes back.
    type PfsTrace = pfs::opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
    type PfsMetrics =
        pfs::opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;
    for (what, bytes, out) in [
        (
            "trace",
            codec_compare::trace_request(),
            shared_round_trip::<PfShared<PfsTrace>>(&codec_compare::trace_request()),
        ),
        (
            "metrics",
            codec_compare::metrics_request(),
            shared_round_trip::<PfShared<PfsMetrics>>(&codec_compare::metrics_request()),
        ),
    ] {
        assert!(
            out == bytes,
            "{what}: shared strings re-encode to different bytes"
        );
    }
}

/// `C`'s encoding of its decoding of `bytes` from a `bytes::Bytes`.
fn shared_round_trip<C: Codec>(bytes: &[u8]) -> Vec<u8> {
    let message = C::decode_shared(&bytes::Bytes::copy_from_slice(bytes));
    let mut out = Vec::new();
    C::encode(&message, &mut out);
    assert_eq!(C::encoded_len(&message), out.len());
    out
}

#[test]
fn nested_nodes_encode_identically() {
    for &depth in codec_compare::NODE_DEPTHS {
        check_same_bytes::<
            Pf<pf::codec_compare::node::Node>,
            Pb<PbNode>,
            Bf<bf::codec_compare::node::Node>,
        >(&format!("node depth {depth}"), &codec_compare::node(depth));
    }
}

/// protoc's own descriptor set with source info for `unittest.proto` and its imports (the
/// benchmark uses the whole corpus, compiled by protoforge).
#[test]
fn descriptor_sets_encode_identically() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/descriptors/protobuf/goldens/google/protobuf/unittest.proto.src.pb"
    );
    let protoc = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // protoforge and buffa keep every field of protoc's bytes; prost drops those its types
    // lack, so the three are compared on prost's re-encoding.
    type PfSet = protoforge::descriptor::FileDescriptorSet;
    type BfSet = buffa_descriptor::generated::descriptor::FileDescriptorSet;
    assert!(
        encode::<Pf<PfSet>>(&protoc).1 == protoc,
        "protoforge keeps protoc's bytes"
    );
    assert!(
        encode::<Bf<BfSet>>(&protoc).1 == protoc,
        "buffa keeps protoc's bytes"
    );
    let bytes = codec_compare::through_prost::<prost_types::FileDescriptorSet>(&protoc);
    // When this fails prost keeps every field now: compare on protoc's bytes instead.
    assert!(
        bytes.len() < protoc.len(),
        "prost-types drops fields of protoc's descriptors"
    );
    check_same_bytes::<
        Pf<protoforge::descriptor::FileDescriptorSet>,
        Pb<prost_types::FileDescriptorSet>,
        Bf<buffa_descriptor::generated::descriptor::FileDescriptorSet>,
    >("unittest.proto descriptor set", &bytes);
}
