//! Extensions read from and written to descriptor option messages, checked against the
//! custom options protoc compiled from `unittest_custom_options.proto` (whose values are
//! in that file's source).

use bytes::Buf;
use protoforge::descriptor::{
    DescriptorProto, FileDescriptorProto, FileDescriptorSet, FileOptions, MessageOptions,
};
use protoforge::encoding::{FieldInput, Visitor, codec};
use protoforge::{DecodeError, Extendable, Extension, Message, RepeatedExtension, UnknownFields};

/// `proto2_unittest.ComplexOptionType1`, written the way generated code will be.
#[derive(Clone, PartialEq, Default, Debug)]
struct ComplexOptionType1 {
    foo: Option<i32>,
    foo2: Option<i32>,
    foo3: Option<i32>,
    foo4: Vec<i32>,
    unknown_fields: UnknownFields,
}

impl Message for ComplexOptionType1 {
    const FIELD_NAMES: &'static str = "ComplexOptionType1: foo=1 foo2=2 foo3=3 foo4=4";

    fn visit_fields(&self, v: &mut impl Visitor) {
        v.optional::<codec::Int32>(1, &self.foo);
        v.optional::<codec::Int32>(2, &self.foo2);
        v.optional::<codec::Int32>(3, &self.foo3);
        v.repeated::<codec::Int32>(4, &self.foo4);
        v.unknown(&self.unknown_fields);
    }

    fn merge_field(&mut self, field: FieldInput<'_, impl Buf>) -> Result<(), DecodeError> {
        match field.number() {
            1 => field.merge_optional::<codec::Int32>(&mut self.foo),
            2 => field.merge_optional::<codec::Int32>(&mut self.foo2),
            3 => field.merge_optional::<codec::Int32>(&mut self.foo3),
            4 => field.merge_repeated::<codec::Int32>(&mut self.foo4),
            _ => field.unknown(&mut self.unknown_fields),
        }
    }

    fn clear(&mut self) {
        *self = Self::default();
    }
}

impl Extendable for ComplexOptionType1 {
    const FULL_NAME: &'static str = "proto2_unittest.ComplexOptionType1";

    fn extension_fields(&self) -> &UnknownFields {
        &self.unknown_fields
    }

    fn extension_fields_mut(&mut self) -> &mut UnknownFields {
        &mut self.unknown_fields
    }
}

const FILE_OPT1: Extension<FileOptions, codec::UInt64> = Extension::new(7736974);
const MESSAGE_OPT1: Extension<MessageOptions, codec::Int32> = Extension::new(7739036);
const BOOL_OPT: Extension<MessageOptions, codec::Bool> = Extension::new(7706090);
const INT32_OPT: Extension<MessageOptions, codec::Int32> = Extension::new(7705709);
const INT64_OPT: Extension<MessageOptions, codec::Int64> = Extension::new(7705542);
const UINT32_OPT: Extension<MessageOptions, codec::UInt32> = Extension::new(7704880);
const UINT64_OPT: Extension<MessageOptions, codec::UInt64> = Extension::new(7702367);
const SINT32_OPT: Extension<MessageOptions, codec::SInt32> = Extension::new(7701568);
const SINT64_OPT: Extension<MessageOptions, codec::SInt64> = Extension::new(7700863);
const FIXED32_OPT: Extension<MessageOptions, codec::Fixed32> = Extension::new(7700307);
const FIXED64_OPT: Extension<MessageOptions, codec::Fixed64> = Extension::new(7700194);
const SFIXED32_OPT: Extension<MessageOptions, codec::SFixed32> = Extension::new(7698645);
const SFIXED64_OPT: Extension<MessageOptions, codec::SFixed64> = Extension::new(7685475);
const FLOAT_OPT: Extension<MessageOptions, codec::Float> = Extension::new(7675390);
const DOUBLE_OPT: Extension<MessageOptions, codec::Double> = Extension::new(7673293);
const STRING_OPT: Extension<MessageOptions, codec::String> = Extension::new(7673285);
const BYTES_OPT: Extension<MessageOptions, codec::Bytes> = Extension::new(7673238);
const COMPLEX_OPT1: Extension<MessageOptions, codec::Message<ComplexOptionType1>> =
    Extension::new(7646756);
const MOOO: Extension<ComplexOptionType1, codec::Int32> = Extension::new(7663707);

fn custom_options_file() -> FileDescriptorProto {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/descriptors/protobuf/goldens/google/protobuf/unittest_custom_options.proto.pb"
    );
    let bytes = std::fs::read(path).expect("golden");
    let set = FileDescriptorSet::decode(&bytes[..]).expect("decode");
    set.file
        .into_iter()
        .find(|f| f.name() == "google/protobuf/unittest_custom_options.proto")
        .expect("the file itself")
}

fn message<'a>(file: &'a FileDescriptorProto, name: &str) -> &'a DescriptorProto {
    file.message_type
        .iter()
        .find(|m| m.name() == name)
        .expect(name)
}

fn options<'a>(file: &'a FileDescriptorProto, name: &str) -> &'a MessageOptions {
    message(file, name).options.as_ref().expect("options")
}

#[test]
fn scalar_custom_options_decode_to_their_source_values() {
    let file = custom_options_file();
    let file_options = file.options.as_ref().unwrap();
    assert_eq!(
        file_options.extension(&FILE_OPT1).unwrap(),
        Some(9876543210)
    );
    assert_eq!(
        options(&file, "TestMessageWithCustomOptions")
            .extension(&MESSAGE_OPT1)
            .unwrap(),
        Some(-56)
    );
    assert!(!file_options.has_extension(&Extension::<FileOptions, codec::Int32>::new(1234)));

    let min = options(&file, "CustomOptionMinIntegerValues");
    assert_eq!(min.extension(&BOOL_OPT).unwrap(), Some(false));
    assert_eq!(min.extension(&INT32_OPT).unwrap(), Some(i32::MIN));
    assert_eq!(min.extension(&INT64_OPT).unwrap(), Some(i64::MIN));
    assert_eq!(min.extension(&UINT32_OPT).unwrap(), Some(0));
    assert_eq!(min.extension(&UINT64_OPT).unwrap(), Some(0));
    assert_eq!(min.extension(&SINT32_OPT).unwrap(), Some(i32::MIN));
    assert_eq!(min.extension(&SINT64_OPT).unwrap(), Some(i64::MIN));
    assert_eq!(min.extension(&FIXED32_OPT).unwrap(), Some(0));
    assert_eq!(min.extension(&FIXED64_OPT).unwrap(), Some(0));
    assert_eq!(min.extension(&SFIXED32_OPT).unwrap(), Some(i32::MIN));
    assert_eq!(min.extension(&SFIXED64_OPT).unwrap(), Some(i64::MIN));

    let max = options(&file, "CustomOptionMaxIntegerValues");
    assert_eq!(max.extension(&BOOL_OPT).unwrap(), Some(true));
    assert_eq!(max.extension(&INT32_OPT).unwrap(), Some(i32::MAX));
    assert_eq!(max.extension(&INT64_OPT).unwrap(), Some(i64::MAX));
    assert_eq!(max.extension(&UINT32_OPT).unwrap(), Some(u32::MAX));
    assert_eq!(max.extension(&UINT64_OPT).unwrap(), Some(u64::MAX));
    assert_eq!(max.extension(&SINT32_OPT).unwrap(), Some(i32::MAX));
    assert_eq!(max.extension(&SINT64_OPT).unwrap(), Some(i64::MAX));
    assert_eq!(max.extension(&FIXED32_OPT).unwrap(), Some(u32::MAX));
    assert_eq!(max.extension(&FIXED64_OPT).unwrap(), Some(u64::MAX));
    assert_eq!(max.extension(&SFIXED32_OPT).unwrap(), Some(i32::MAX));
    assert_eq!(max.extension(&SFIXED64_OPT).unwrap(), Some(i64::MAX));

    let other = options(&file, "CustomOptionOtherValues");
    assert_eq!(other.extension(&INT32_OPT).unwrap(), Some(-100));
    assert_eq!(other.extension(&FLOAT_OPT).unwrap(), Some(12.345_679_f32));
    assert_eq!(
        other.extension(&DOUBLE_OPT).unwrap(),
        Some(1.234_567_890_123_456_7)
    );
    assert_eq!(
        other.extension(&STRING_OPT).unwrap().as_deref(),
        Some("Hello, \"World\"")
    );
    assert_eq!(
        other.extension(&BYTES_OPT).unwrap().as_deref(),
        Some(&b"Hello\0World"[..])
    );
}

#[test]
fn message_custom_options_merge_and_carry_their_own_extensions() {
    let file = custom_options_file();
    let various = options(&file, "VariousComplexOptions");
    let complex = various
        .extension(&COMPLEX_OPT1)
        .unwrap()
        .expect("complex_opt1");
    assert_eq!(complex.foo, Some(42));
    assert_eq!(complex.foo4, [99, 88]);
    assert_eq!(complex.extension(&MOOO).unwrap(), Some(324));
}

#[test]
fn rewriting_every_extension_reproduces_protocs_bytes() {
    let file = custom_options_file();
    for name in [
        "CustomOptionMinIntegerValues",
        "CustomOptionMaxIntegerValues",
        "VariousComplexOptions",
    ] {
        let original = options(&file, name).clone();
        let mut rebuilt = original.clone();
        // Take every extension out and put it back through the typed API, in reverse order
        // so that insertion has to sort.
        let numbers: Vec<u32> = original.unknown_fields.iter().map(|f| f.number).collect();
        for &number in numbers.iter().rev() {
            let ext = Extension::<MessageOptions, codec::Bytes>::new(number);
            if let Ok(Some(bytes)) = original.extension(&ext) {
                rebuilt.clear_extension(&ext);
                rebuilt.set_extension(&ext, &bytes);
            }
        }
        rebuilt.set_extension(
            &INT32_OPT,
            &original.extension(&INT32_OPT).unwrap().unwrap_or(5),
        );
        if original.has_extension(&INT32_OPT) {
            assert_eq!(rebuilt.encode_to_vec(), original.encode_to_vec(), "{name}");
        } else {
            assert_ne!(rebuilt.encode_to_vec(), original.encode_to_vec(), "{name}");
            assert!(rebuilt.clear_extension(&INT32_OPT));
            assert_eq!(rebuilt.encode_to_vec(), original.encode_to_vec(), "{name}");
        }
    }
}

#[test]
fn set_extension_writes_what_protoc_would() {
    // protoc writes `option (file_opt1) = 9876543210;` as tag 7736974/varint + value.
    let mut options = FileOptions {
        java_package: Some("p".into()),
        ..Default::default()
    };
    options.set_extension(&FILE_OPT1, &9876543210);
    let file = custom_options_file();
    let from_protoc: Vec<_> = file
        .options
        .as_ref()
        .unwrap()
        .unknown_fields
        .get(7736974)
        .collect();
    assert_eq!(
        options.unknown_fields.get(7736974).collect::<Vec<_>>(),
        from_protoc
    );
    assert_eq!(options.extension(&FILE_OPT1).unwrap(), Some(9876543210));
    let decoded = FileOptions::decode(&options.encode_to_vec()[..]).unwrap();
    assert_eq!(decoded, options);
    // Setting again replaces the value instead of adding one.
    options.set_extension(&FILE_OPT1, &7);
    assert_eq!(options.unknown_fields.len(), 1);
    assert_eq!(options.extension(&FILE_OPT1).unwrap(), Some(7));
}

#[test]
fn repeated_extensions_packed_and_unpacked() {
    const PACKED: RepeatedExtension<FileOptions, codec::SInt32> =
        RepeatedExtension::new(50000, true);
    const UNPACKED: RepeatedExtension<FileOptions, codec::String> =
        RepeatedExtension::new(50001, false);
    let mut options = FileOptions::default();
    options.set_repeated_extension(&UNPACKED, &["a".to_string(), "b".to_string()]);
    options.set_repeated_extension(&PACKED, &[-1, 2, -3]);
    assert_eq!(options.unknown_fields.len(), 3);
    // Packed first (lower number), then the two strings.
    let bytes = options.encode_to_vec();
    assert_eq!(
        bytes,
        [
            0x82, 0xb5, 0x18, 0x03, 0x01, 0x04, 0x05, // 50000, packed zigzag [-1, 2, -3]
            0x8a, 0xb5, 0x18, 0x01, b'a', 0x8a, 0xb5, 0x18, 0x01, b'b',
        ]
    );
    let decoded = FileOptions::decode(&bytes[..]).unwrap();
    assert_eq!(decoded.repeated_extension(&PACKED).unwrap(), [-1, 2, -3]);
    assert_eq!(decoded.repeated_extension(&UNPACKED).unwrap(), ["a", "b"]);
    // A wire-type mismatch is an error, not a panic or a silent default.
    let wrong: Extension<FileOptions, codec::Fixed32> = Extension::new(50001);
    assert!(decoded.extension(&wrong).is_err());
}

#[test]
fn unverified_string_extensions_read_invalid_values_as_absent() {
    const VERIFIED: Extension<FileOptions, codec::String> = Extension::new(50001);
    const UNVERIFIED: Extension<FileOptions, codec::UnverifiedString> = Extension::new(50001);
    const RAW: Extension<FileOptions, codec::Bytes> = Extension::new(50001);
    const LIST: RepeatedExtension<FileOptions, codec::UnverifiedString> =
        RepeatedExtension::new(50001, false);
    // Field 50001, length-delimited: "ok", then 0xff 0xfe (not UTF-8).
    let valid = [0x8a, 0xb5, 0x18, 0x02, b'o', b'k'];
    let invalid = [0x8a, 0xb5, 0x18, 0x02, 0xff, 0xfe];
    let both: Vec<u8> = [&valid[..], &invalid[..]].concat();
    let options = FileOptions::decode(&both[..]).unwrap();
    // Verified: an error; unverified: the last occurrence wins and holds no `String`.
    assert!(options.extension(&VERIFIED).is_err());
    assert_eq!(options.extension(&UNVERIFIED).unwrap(), None);
    assert!(options.has_extension(&UNVERIFIED));
    assert_eq!(options.extension(&RAW).unwrap(), Some(vec![0xff, 0xfe]));
    assert_eq!(options.repeated_extension(&LIST).unwrap(), ["ok"]);
    assert_eq!(options.encode_to_vec(), both, "the raw value is kept");
    let reversed: Vec<u8> = [&invalid[..], &valid[..]].concat();
    let options = FileOptions::decode(&reversed[..]).unwrap();
    assert_eq!(
        options.extension(&UNVERIFIED).unwrap().as_deref(),
        Some("ok")
    );
    let mut written = FileOptions::default();
    written.set_extension(&UNVERIFIED, &"ok".to_string());
    assert_eq!(written.encode_to_vec(), valid);
}
