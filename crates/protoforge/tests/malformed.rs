//! Malformed input: every decode error kind is reported (with its field path), nothing
//! panics, and limits (recursion depth, length prefixes) hold.

use protoforge::descriptor::{
    DescriptorProto, FieldDescriptorProto, FileDescriptorProto, FileDescriptorSet, SourceCodeInfo,
};
use protoforge::{DecodeErrorKind, DecodeOptions, Message};

#[track_caller]
fn check_err<M: Message>(bytes: &[u8], expected: DecodeErrorKind) -> protoforge::DecodeError {
    match M::decode(bytes) {
        Ok(msg) => panic!("decoded {bytes:02x?} into {msg:?}, expected {expected:?}"),
        Err(err) => {
            assert_eq!(err.kind(), expected, "{bytes:02x?}: {err}");
            err
        }
    }
}

#[test]
fn truncated_inputs() {
    // A tag with no value, a varint cut short, a string cut short, fixed values cut short.
    check_err::<FieldDescriptorProto>(&[0x18], DecodeErrorKind::Truncated);
    check_err::<FieldDescriptorProto>(&[0x18, 0x80], DecodeErrorKind::Truncated);
    check_err::<FieldDescriptorProto>(&[0x80], DecodeErrorKind::Truncated);
    check_err::<FieldDescriptorProto>(&[0x99, 0x01, 0, 0, 0], DecodeErrorKind::Truncated);
    check_err::<FieldDescriptorProto>(&[0x9d, 0x01, 0, 0], DecodeErrorKind::Truncated);
    // A sub-message whose last field runs past the sub-message's length.
    let err = check_err::<FileDescriptorSet>(
        &[0x0a, 0x02, 0x0a, 0x05, b'a', b'b', b'c', b'd', b'e'],
        DecodeErrorKind::Truncated,
    );
    assert_eq!(
        err.path().collect::<Vec<_>>(),
        [("FileDescriptorSet", "file")]
    );
}

#[test]
fn overlong_varints() {
    // Eleven bytes: ten continuation bytes and a terminator.
    let mut bytes = vec![0x18];
    bytes.extend([0xff; 10]);
    bytes.push(0x01);
    check_err::<FieldDescriptorProto>(&bytes, DecodeErrorKind::VarintOverflow);
    // An overlong tag.
    check_err::<FieldDescriptorProto>(&[0xff; 11], DecodeErrorKind::VarintOverflow);
    // Tags and length prefixes take at most five bytes, even when padding keeps the value
    // small (protoc's rule; `protoforge-conformance`'s `tests/wire_limits.rs` checks every
    // reader against protoc itself).
    check_err::<FieldDescriptorProto>(
        &[0x98, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01],
        DecodeErrorKind::VarintOverflow,
    );
    check_err::<FieldDescriptorProto>(
        &[0x0a, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00, b'a'],
        DecodeErrorKind::VarintOverflow,
    );
    let padded = FieldDescriptorProto::decode(&[0x98, 0x80, 0x80, 0x80, 0x00, 0x01][..]).unwrap();
    assert_eq!(padded.number, Some(1));
    let padded =
        FieldDescriptorProto::decode(&[0x0a, 0x81, 0x80, 0x80, 0x80, 0x00, b'a'][..]).unwrap();
    assert_eq!(padded.name.as_deref(), Some("a"));
    // A value takes up to ten bytes whatever its type; the tenth byte's bits above bit 63
    // are dropped, as protoc does.
    let field = FieldDescriptorProto::decode(
        &[
            0x18, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7e,
        ][..],
    )
    .unwrap();
    assert_eq!(field.number, Some(1));
    // Ten bytes is the longest legal varint: -1 as int32 is sign-extended to ten bytes.
    let field = FieldDescriptorProto::decode(
        &[
            0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ][..],
    )
    .unwrap();
    assert_eq!(field.number, Some(-1));
    assert_eq!(field.encode_to_vec().len(), 11);
}

#[test]
fn invalid_wire_types() {
    check_err::<FieldDescriptorProto>(&[0x0e], DecodeErrorKind::InvalidWireType(6));
    check_err::<FieldDescriptorProto>(&[0x0f], DecodeErrorKind::InvalidWireType(7));
    // A known string field sent as a varint.
    let err = check_err::<FieldDescriptorProto>(
        &[0x08, 0x01],
        DecodeErrorKind::UnexpectedWireType {
            expected: 2,
            actual: 0,
        },
    );
    assert_eq!(
        err.path().collect::<Vec<_>>(),
        [("FieldDescriptorProto", "name")]
    );
    // A known int32 field sent as fixed32.
    check_err::<FieldDescriptorProto>(
        &[0x1d, 1, 0, 0, 0],
        DecodeErrorKind::UnexpectedWireType {
            expected: 0,
            actual: 5,
        },
    );
}

#[test]
fn bad_field_numbers() {
    check_err::<FieldDescriptorProto>(&[0x00], DecodeErrorKind::ZeroFieldNumber);
    check_err::<FieldDescriptorProto>(&[0x02, 0x00], DecodeErrorKind::ZeroFieldNumber);
    // 2^29 - 1 is the largest field number and is kept as an unknown field.
    let max = ((1u64 << 29) - 1) << 3; // Wire type 0.
    let mut ok = varint(max);
    ok.push(7);
    let field = FieldDescriptorProto::decode(&ok[..]).unwrap();
    assert_eq!(field.unknown_fields.len(), 1);
    assert_eq!(field.encode_to_vec(), ok);
    // 2^29 is out of range.
    let mut bad = varint(1u64 << 32);
    bad.push(7);
    check_err::<FieldDescriptorProto>(&bad, DecodeErrorKind::FieldNumberOutOfRange(1 << 29));
}

#[test]
fn length_prefix_beyond_input_is_rejected_before_allocating() {
    check_err::<FieldDescriptorProto>(
        &[0x0a, 0x05, b'a'],
        DecodeErrorKind::LengthOutOfBounds {
            length: 5,
            remaining: 1,
        },
    );
    // A 4 GiB length prefix on a string, a bytes-like unknown field and a sub-message.
    let mut bytes = vec![0x0a];
    bytes.extend(varint(u64::from(u32::MAX)));
    let remaining = 0;
    check_err::<FieldDescriptorProto>(
        &bytes,
        DecodeErrorKind::LengthOutOfBounds {
            length: u64::from(u32::MAX),
            remaining,
        },
    );
    let mut unknown = vec![0xfa, 0x01];
    unknown.extend(varint((1 << 31) - 1));
    check_err::<FieldDescriptorProto>(
        &unknown,
        DecodeErrorKind::LengthOutOfBounds {
            length: (1 << 31) - 1,
            remaining: 0,
        },
    );
    let mut nested = vec![0x0a];
    nested.extend(varint(1 << 34));
    check_err::<FileDescriptorSet>(
        &nested,
        DecodeErrorKind::LengthOutOfBounds {
            length: 1 << 34,
            remaining: 0,
        },
    );
    // A length prefix longer than five bytes is malformed whatever its value.
    let mut long = vec![0xfa, 0x01];
    long.extend(varint(1 << 40));
    check_err::<FieldDescriptorProto>(&long, DecodeErrorKind::VarintOverflow);
    // Packed values.
    let mut packed = vec![0x0a];
    packed.extend(varint(1 << 30));
    check_err::<protoforge::descriptor::source_code_info::Location>(
        &packed,
        DecodeErrorKind::LengthOutOfBounds {
            length: 1 << 30,
            remaining: 0,
        },
    );
}

/// `depth` levels of `DescriptorProto.nested_type` below a top-level `DescriptorProto`.
fn nested_messages(depth: usize) -> Vec<u8> {
    let mut msg = DescriptorProto {
        name: Some("leaf".into()),
        ..Default::default()
    };
    for _ in 0..depth {
        msg = DescriptorProto {
            nested_type: vec![msg],
            ..Default::default()
        };
    }
    msg.encode_to_vec()
}

#[test]
fn recursion_limit_defaults_to_100_and_is_configurable() {
    let ok = nested_messages(100);
    let decoded = DescriptorProto::decode(&ok[..]).unwrap();
    assert_eq!(decoded.encode_to_vec(), ok);
    let deep = nested_messages(101);
    let err = check_err::<DescriptorProto>(&deep, DecodeErrorKind::RecursionLimitExceeded);
    // The path names every level entered, the one that failed included.
    assert_eq!(err.path().count(), 101);
    assert!(err.path().all(|p| p == ("DescriptorProto", "nested_type")));
    // A higher limit accepts it, a lower one rejects less.
    let decoded: DescriptorProto = DecodeOptions::new()
        .recursion_limit(101)
        .decode(&deep[..])
        .unwrap();
    assert_eq!(decoded.encode_to_vec(), deep);
    let shallow = nested_messages(3);
    let err = DecodeOptions::new()
        .recursion_limit(2)
        .decode::<DescriptorProto>(&shallow[..])
        .unwrap_err();
    assert_eq!(err.kind(), DecodeErrorKind::RecursionLimitExceeded);
}

#[test]
fn deeply_nested_unknown_groups_hit_the_limit_instead_of_the_stack() {
    // Field 100 start-group tags nested 100_000 deep, as an unknown field.
    let start = varint((100 << 3) | 3);
    let bytes: Vec<u8> = start
        .iter()
        .copied()
        .cycle()
        .take(start.len() * 100_000)
        .collect();
    check_err::<FieldDescriptorProto>(&bytes, DecodeErrorKind::RecursionLimitExceeded);
    // Deep length-delimited nesting of known messages is limited the same way.
    let mut deep = Vec::new();
    for _ in 0..10_000 {
        let mut outer = vec![0x1a];
        outer.extend(varint(deep.len() as u64));
        outer.extend(deep);
        deep = outer;
    }
    check_err::<DescriptorProto>(&deep, DecodeErrorKind::RecursionLimitExceeded);
}

#[test]
fn invalid_utf8_in_proto3_strings_names_the_field_path() {
    // google.protobuf.Any is proto3: its strings are validated.
    check_err::<protoforge::wkt::Any>(&[0x0a, 0x02, 0xff, 0xfe], DecodeErrorKind::InvalidUtf8);
    // Value.list_value (6) -> ListValue.values (1) -> Value.string_value (3) = "\xc0a".
    let bytes = [0x32, 0x07, 0x0a, 0x05, 0x1a, 0x03, 0xc0, b'a', b'b'];
    let err = check_err::<protoforge::wkt::Value>(&bytes, DecodeErrorKind::InvalidUtf8);
    assert_eq!(
        err.path().collect::<Vec<_>>(),
        [
            ("Value", "list_value"),
            ("ListValue", "values"),
            ("Value", "string_value"),
        ]
    );
    assert_eq!(
        err.to_string(),
        "failed to decode protobuf message: Value.list_value: ListValue.values: \
         Value.string_value: invalid UTF-8 in string field"
    );
}

#[test]
fn invalid_utf8_in_proto2_strings_is_kept_byte_for_byte() {
    // descriptor.proto is proto2: strings are not validated, and bytes that are not UTF-8
    // survive as an unknown field so that re-encoding loses nothing.
    let bytes = [0x0a, 0x02, 0xff, 0xfe];
    let field = FieldDescriptorProto::decode(&bytes[..]).unwrap();
    assert_eq!(field.name, None);
    assert_eq!(field.encode_to_vec(), bytes);
}

#[test]
fn group_errors() {
    // Field 5 is unknown to FileDescriptorSet, so these are unknown groups.
    // Group 5 closed by an end-group tag for field 6.
    check_err::<FileDescriptorSet>(
        &[0x2b, 0x34],
        DecodeErrorKind::EndGroupMismatch {
            expected: 5,
            actual: 6,
        },
    );
    // An end-group tag with no open group, at the top and inside a sub-message.
    check_err::<FileDescriptorSet>(&[0x2c], DecodeErrorKind::UnexpectedEndGroup(5));
    check_err::<FileDescriptorSet>(&[0x0a, 0x01, 0x2c], DecodeErrorKind::UnexpectedEndGroup(5));
    // A group that never ends.
    check_err::<FileDescriptorSet>(&[0x2b, 0x08, 0x01], DecodeErrorKind::UnterminatedGroup(5));
    // A well-formed unknown group (with a nested group 6) round-trips.
    let ok = [0x2b, 0x08, 0x01, 0x33, 0x34, 0x2c];
    let set = FileDescriptorSet::decode(&ok[..]).unwrap();
    assert_eq!(set.unknown_fields.len(), 1);
    assert_eq!(set.encode_to_vec(), ok);
    // A known field sent as a group is a wire-type error.
    check_err::<FieldDescriptorProto>(
        &[0x2b, 0x2c],
        DecodeErrorKind::UnexpectedWireType {
            expected: 0,
            actual: 3,
        },
    );
}

#[test]
fn packed_fields_accept_both_encodings_and_check_lengths() {
    use protoforge::descriptor::source_code_info::Location;
    // path = [1, 2] packed, then 3 unpacked, then [300] packed: all append.
    let bytes = [0x0a, 0x02, 0x01, 0x02, 0x08, 0x03, 0x0a, 0x02, 0xac, 0x02];
    let loc = Location::decode(&bytes[..]).unwrap();
    assert_eq!(loc.path, [1, 2, 3, 300]);
    assert_eq!(
        loc.encode_to_vec(),
        [0x0a, 0x05, 0x01, 0x02, 0x03, 0xac, 0x02]
    );
    // A packed run whose last varint runs past its length.
    check_err::<Location>(&[0x0a, 0x01, 0x80, 0x01], DecodeErrorKind::Truncated);
    // Packed runs of a fixed-size type must be a multiple of its size: see the
    // `packed_fixed_length` test in `codecs.rs`, descriptor.proto has no such field.
    let info = SourceCodeInfo {
        location: vec![loc],
        ..Default::default()
    };
    assert_eq!(
        SourceCodeInfo::decode(&info.encode_to_vec()[..]).unwrap(),
        info
    );
}

#[test]
fn closed_enums_keep_unknown_numbers_as_unknown_fields() {
    use protoforge::descriptor::field_descriptor_proto::{Label, Type};
    // label = 4 (not a Label), type = 9 (TYPE_STRING).
    let bytes = [0x20, 0x04, 0x28, 0x09];
    let field = FieldDescriptorProto::decode(&bytes[..]).unwrap();
    assert_eq!(field.label, None);
    assert_eq!(field.label(), Label::Optional);
    assert_eq!(field.r#type, Some(Type::String));
    assert_eq!(
        field.unknown_fields.get(4).collect::<Vec<_>>(),
        [&protoforge::UnknownValue::Varint(4)]
    );
    // Known fields first, then the unknown ones (as protobuf C++ does).
    assert_eq!(field.encode_to_vec(), [0x28, 0x09, 0x20, 0x04]);
}

#[test]
fn merging_follows_protobuf_rules() {
    // Last scalar wins, sub-messages merge, repeated fields append.
    let a = FileDescriptorProto {
        name: Some("a".into()),
        dependency: vec!["x".into()],
        options: Some(protoforge::descriptor::FileOptions {
            java_package: Some("j".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let b = FileDescriptorProto {
        name: Some("b".into()),
        dependency: vec!["y".into()],
        options: Some(protoforge::descriptor::FileOptions {
            go_package: Some("g".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut bytes = a.encode_to_vec();
    bytes.extend(b.encode_to_vec());
    let mut merged = FileDescriptorProto::decode(&bytes[..]).unwrap();
    assert_eq!(merged.name(), "b");
    assert_eq!(merged.dependency, ["x", "y"]);
    let options = merged.options.as_ref().unwrap();
    assert_eq!((options.java_package(), options.go_package()), ("j", "g"));
    merged.clear();
    assert_eq!(merged, FileDescriptorProto::default());
    assert_eq!(merged.encoded_len(), 0);
}

#[test]
fn length_delimited_framing() {
    let file = FileDescriptorProto {
        name: Some("f.proto".into()),
        ..Default::default()
    };
    let mut stream = file.encode_length_delimited_to_vec();
    stream.extend([0xaa, 0xbb]);
    let mut buf = &stream[..];
    let decoded = FileDescriptorProto::decode_length_delimited(&mut buf).unwrap();
    assert_eq!(decoded, file);
    assert_eq!(buf, [0xaa, 0xbb]);
    // The length prefix claims more than there is.
    let err = FileDescriptorProto::decode_length_delimited(&[0x05, 0x0a][..]).unwrap_err();
    assert_eq!(
        err.kind(),
        DecodeErrorKind::LengthOutOfBounds {
            length: 5,
            remaining: 1
        }
    );
    // Encoding into a buffer that is too small fails without writing.
    let mut small = [0u8; 4];
    let mut out = &mut small[..];
    let err = file.encode(&mut out).unwrap_err();
    assert_eq!((err.required_capacity(), err.remaining()), (9, 4));
    assert_eq!(small, [0; 4]);
}

fn varint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
    out
}
