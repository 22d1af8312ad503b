//! Property tests for every scalar codec (round trip, `encoded_len` equals the bytes
//! written, packed and unpacked repeated forms) plus fixed vectors from the protobuf
//! encoding documentation.

use proptest::prelude::*;
use protoforge::encoding::{
    Codec, DecodeContext, MAX_FIELD_NUMBER, WireType, codec, decode_key, decode_varint,
    encode_varint, encoded_len_varint,
};
use protoforge::{DecodeErrorKind, UnknownFields};

/// Encodes `value` as field `number` and decodes it back, checking lengths and the tag.
fn round_trip<C: Codec>(number: u32, value: &C::Value) -> C::Value {
    let mut buf = Vec::new();
    C::encode(number, value, &mut buf);
    assert_eq!(buf.len(), C::encoded_len(number, value));
    let mut input = &buf[..];
    let (n, wire_type) = decode_key(&mut input).unwrap();
    assert_eq!((n, wire_type), (number, C::WIRE_TYPE));
    let mut out = C::Value::default();
    C::merge(wire_type, &mut out, &mut input, DecodeContext::default()).unwrap();
    assert!(input.is_empty());
    out
}

/// Round-trips `values` as a packed field and as an unpacked field.
fn round_trip_repeated<C: Codec>(
    number: u32,
    values: &[C::Value],
) -> (Vec<C::Value>, Vec<C::Value>) {
    let mut packed = Vec::new();
    C::encode_packed(number, values, &mut packed);
    assert_eq!(packed.len(), C::encoded_len_packed(number, values));
    let mut unpacked = Vec::new();
    C::encode_repeated(number, values, &mut unpacked);
    assert_eq!(unpacked.len(), C::encoded_len_repeated(number, values));
    let decode = |bytes: &[u8]| {
        let mut input = bytes;
        let mut out = Vec::new();
        while !input.is_empty() {
            let (n, wire_type) = decode_key(&mut input).unwrap();
            assert_eq!(n, number);
            C::merge_repeated(wire_type, &mut out, &mut input, DecodeContext::default()).unwrap();
        }
        out
    };
    (decode(&packed), decode(&unpacked))
}

fn field_number() -> impl Strategy<Value = u32> {
    prop_oneof![1..=16u32, 1..=MAX_FIELD_NUMBER, Just(MAX_FIELD_NUMBER)]
}

macro_rules! codec_props {
    ($($name:ident: $codec:ty, $strategy:expr;)*) => {
        proptest! {
            $(
                #[test]
                fn $name(number in field_number(), value in $strategy, values in proptest::collection::vec($strategy, 0..20)) {
                    prop_assert_eq!(round_trip::<$codec>(number, &value), value);
                    let (packed, unpacked) = round_trip_repeated::<$codec>(number, &values);
                    prop_assert_eq!(&packed, &values);
                    prop_assert_eq!(&unpacked, &values);
                }
            )*
        }
    };
}

codec_props! {
    int32: codec::Int32, any::<i32>();
    int64: codec::Int64, any::<i64>();
    uint32: codec::UInt32, any::<u32>();
    uint64: codec::UInt64, any::<u64>();
    sint32: codec::SInt32, any::<i32>();
    sint64: codec::SInt64, any::<i64>();
    fixed32: codec::Fixed32, any::<u32>();
    fixed64: codec::Fixed64, any::<u64>();
    sfixed32: codec::SFixed32, any::<i32>();
    sfixed64: codec::SFixed64, any::<i64>();
    bool: codec::Bool, any::<bool>();
}

proptest! {
    #[test]
    fn float_bits(number in field_number(), bits in any::<u32>()) {
        let value = f32::from_bits(bits);
        prop_assert_eq!(round_trip::<codec::Float>(number, &value).to_bits(), bits);
        let (packed, unpacked) = round_trip_repeated::<codec::Float>(number, &[value, value]);
        prop_assert!(packed.iter().chain(&unpacked).all(|v| v.to_bits() == bits));
    }

    #[test]
    fn double_bits(number in field_number(), bits in any::<u64>()) {
        let value = f64::from_bits(bits);
        prop_assert_eq!(round_trip::<codec::Double>(number, &value).to_bits(), bits);
        let (packed, unpacked) = round_trip_repeated::<codec::Double>(number, &[value, value]);
        prop_assert!(packed.iter().chain(&unpacked).all(|v| v.to_bits() == bits));
    }

    #[test]
    fn string(number in field_number(), value in ".*", values in proptest::collection::vec(".*", 0..8)) {
        prop_assert_eq!(round_trip::<codec::String>(number, &value), value);
        let mut buf = Vec::new();
        codec::String::encode_repeated(number, &values, &mut buf);
        prop_assert_eq!(buf.len(), codec::String::encoded_len_repeated(number, &values));
    }

    #[test]
    fn shared_string(number in field_number(), value in ".*") {
        let shared = protoforge::BytesStr::from(value.clone());
        prop_assert_eq!(round_trip::<codec::StringShared>(number, &shared), shared.clone());
        // The same bytes on the wire as a `String` field.
        let (mut a, mut b) = (Vec::new(), Vec::new());
        codec::StringShared::encode(number, &shared, &mut a);
        codec::String::encode(number, &value, &mut b);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn bytes(number in field_number(), value in proptest::collection::vec(any::<u8>(), 0..300)) {
        prop_assert_eq!(&round_trip::<codec::Bytes>(number, &value), &value);
        let shared = bytes::Bytes::from(value.clone());
        prop_assert_eq!(round_trip::<codec::BytesShared>(number, &shared), shared);
    }

    #[test]
    fn varint(value in any::<u64>()) {
        let mut buf = Vec::new();
        encode_varint(value, &mut buf);
        prop_assert_eq!(buf.len(), encoded_len_varint(value));
        // Decoding works from a contiguous slice and from a buffer split into pieces.
        prop_assert_eq!(decode_varint(&mut &buf[..]).unwrap(), value);
        let split = buf.len() / 2;
        let mut chained = bytes::Buf::chain(&buf[..split], &buf[split..]);
        prop_assert_eq!(decode_varint(&mut chained).unwrap(), value);
        // Every proper prefix is truncated.
        for end in 0..buf.len() {
            prop_assert_eq!(decode_varint(&mut &buf[..end]).unwrap_err().kind(), DecodeErrorKind::Truncated);
        }
    }

    #[test]
    fn unknown_fields_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        // Whatever decodes as unknown fields re-encodes to the same bytes, unless it used a
        // non-minimal varint.
        let mut fields = UnknownFields::new();
        let mut input = &bytes[..];
        let mut ok = true;
        while !input.is_empty() && ok {
            ok = match decode_key(&mut input) {
                Ok((n, w)) if w != WireType::EndGroup => fields.merge_field(n, w, &mut input, DecodeContext::default()).is_ok(),
                _ => false,
            };
        }
        let mut out = Vec::new();
        fields.encode_raw(&mut out);
        prop_assert_eq!(out.len(), fields.encoded_len());
        if ok && !has_non_minimal_varint(&bytes) {
            prop_assert_eq!(out, bytes);
        }
    }
}

/// Whether some varint-looking byte run in `bytes` ends in a zero continuation byte (a
/// conservative test: it may flag minimal encodings too, which only skips a comparison).
fn has_non_minimal_varint(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| w[0] & 0x80 != 0 && w[1] == 0)
}

#[test]
fn documented_encodings() {
    // From https://protobuf.dev/programming-guides/encoding/.
    let mut buf = Vec::new();
    codec::Int32::encode(1, &150, &mut buf);
    assert_eq!(buf, [0x08, 0x96, 0x01]);
    buf.clear();
    codec::String::encode(2, &"testing".to_string(), &mut buf);
    assert_eq!(buf, b"\x12\x07testing");
    buf.clear();
    codec::Int32::encode_packed(4, &[3, 270, 86942], &mut buf);
    assert_eq!(buf, [0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
    // Negative int32 is sign-extended to ten bytes; sint32 zigzags.
    buf.clear();
    codec::Int32::encode(1, &-1, &mut buf);
    assert_eq!(
        buf,
        [
            0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
        ]
    );
    for (value, zigzag) in [(0i32, 0u8), (-1, 1), (1, 2), (-2, 3), (2, 4)] {
        buf.clear();
        codec::SInt32::encode(1, &value, &mut buf);
        assert_eq!(buf, [0x08, zigzag]);
    }
    buf.clear();
    codec::SInt64::encode(1, &i64::MIN, &mut buf);
    assert_eq!(
        buf,
        [
            0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
        ]
    );
    // An int32 written as a 64-bit varint by another implementation truncates.
    let mut out = 0i32;
    codec::Int32::merge(
        WireType::Varint,
        &mut out,
        &mut &[0x80, 0x80, 0x80, 0x80, 0x10][..],
        DecodeContext::default(),
    )
    .unwrap();
    assert_eq!(out, 0);
    // bool accepts any non-zero varint.
    let mut flag = false;
    codec::Bool::merge(
        WireType::Varint,
        &mut flag,
        &mut &[0x02][..],
        DecodeContext::default(),
    )
    .unwrap();
    assert!(flag);
}

#[test]
fn packed_fixed_length() {
    // Five bytes cannot hold whole fixed32 values.
    let mut out = Vec::new();
    let err = codec::Fixed32::merge_repeated(
        WireType::LengthDelimited,
        &mut out,
        &mut &[0x05, 1, 0, 0, 0, 2][..],
        DecodeContext::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::InvalidPackedLength);
    // A non-packable type given a packed run reads it as one value.
    let mut strings = Vec::new();
    codec::String::merge_repeated(
        WireType::LengthDelimited,
        &mut strings,
        &mut &[0x02, b'h', b'i'][..],
        DecodeContext::default(),
    )
    .unwrap();
    assert_eq!(strings, ["hi"]);
    // Fixed values cut short.
    let mut value = 0u64;
    let err = codec::Fixed64::merge(
        WireType::Fixed64,
        &mut value,
        &mut &[1, 2, 3][..],
        DecodeContext::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::Truncated);
}

#[test]
fn buffers_split_anywhere_decode_the_same() {
    use protoforge::Message;
    use protoforge::descriptor::FileDescriptorSet;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/descriptors/protobuf/goldens/google/protobuf/unittest_custom_options.proto.src.pb"
    );
    let bytes = std::fs::read(path).unwrap();
    let whole = FileDescriptorSet::decode(&bytes[..]).unwrap();
    for split in [1, 2, 3, 7, 100, 1000, bytes.len() / 2, bytes.len() - 1] {
        let chained = bytes::Buf::chain(&bytes[..split], &bytes[split..]);
        assert_eq!(
            FileDescriptorSet::decode(chained).unwrap(),
            whole,
            "split at {split}"
        );
    }
}

#[test]
fn shared_strings_point_into_the_decoded_buffer_and_are_checked() {
    let mut wire = Vec::new();
    codec::StringShared::encode(1, &protoforge::BytesStr::from_static("héllo"), &mut wire);
    let buffer = bytes::Bytes::from(wire);
    let mut input = buffer.clone();
    let (_, wire_type) = decode_key(&mut input).unwrap();
    let mut out = protoforge::BytesStr::default();
    codec::StringShared::merge(wire_type, &mut out, &mut input, DecodeContext::default()).unwrap();
    assert_eq!(out, "héllo");
    // No copy: the text is a slice of the buffer decoded from.
    let at = out.as_bytes().as_ptr() as usize - buffer.as_ptr() as usize;
    assert_eq!(at, 2);
    // Not UTF-8: the same error as a `String` field.
    let mut bad = &[0x0a, 0x01, 0xff][..];
    let (_, wire_type) = decode_key(&mut bad).unwrap();
    let e = codec::StringShared::merge(wire_type, &mut out, &mut bad, DecodeContext::default())
        .unwrap_err();
    assert_eq!(e.kind(), DecodeErrorKind::InvalidUtf8);
}
