//! `protoforge_check::breaking` on inputs no compiler would produce: truncated and random
//! image bytes, descriptors without source info, dangling type names and indexes, and
//! nonsense spans. Nothing may panic.

use protoforge::Message;
use protoforge::descriptor::source_code_info::Location;
use protoforge::descriptor::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, FileDescriptorSet, SourceCodeInfo, field_descriptor_proto,
};
use protoforge_check::breaking::{RuleVersion, against, check_version};
use protoforge_check::config::BreakingConfig;
use protoforge_check::image::Image;

fn all_rules() -> BreakingConfig {
    BreakingConfig {
        use_: ["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]
            .map(String::from)
            .to_vec(),
        ..BreakingConfig::default()
    }
}

fn field(
    name: &str,
    number: i32,
    t: field_descriptor_proto::Type,
    type_name: &str,
) -> FieldDescriptorProto {
    FieldDescriptorProto {
        name: Some(name.into()),
        number: Some(number),
        r#type: Some(t),
        type_name: (!type_name.is_empty()).then(|| type_name.into()),
        oneof_index: Some(7),
        default_value: Some("\\x".into()),
        ..Default::default()
    }
}

/// A file whose fields point at types that do not exist, with an out-of-range oneof index
/// and spans of every odd length.
fn odd_file(number: i32, t: field_descriptor_proto::Type, with_info: bool) -> FileDescriptorProto {
    let spans: Vec<Vec<i32>> = vec![
        vec![],
        vec![-5],
        vec![1, 2, 3],
        vec![i32::MAX, i32::MAX, -1, 0],
    ];
    FileDescriptorProto {
        name: Some("odd.proto".into()),
        package: Some("odd.v1beta1".into()),
        message_type: vec![DescriptorProto {
            name: Some("M".into()),
            field: vec![
                field("a", number, t, ".missing.Type"),
                field("b", 2, field_descriptor_proto::Type::Enum, ".odd.v1beta1.E"),
            ],
            ..Default::default()
        }],
        enum_type: vec![EnumDescriptorProto {
            name: Some("E".into()),
            value: vec![EnumValueDescriptorProto {
                name: Some("X".into()),
                number: Some(number),
                ..Default::default()
            }],
            ..Default::default()
        }],
        source_code_info: with_info.then(|| SourceCodeInfo {
            location: spans
                .into_iter()
                .enumerate()
                .map(|(i, span)| Location {
                    path: vec![4, 0, 2, i as i32 % 2],
                    span,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }),
        syntax: Some("editions".into()),
        ..Default::default()
    }
}

fn image(files: Vec<FileDescriptorProto>) -> Image {
    Image {
        is_target: vec![true; files.len()],
        files,
        ..Default::default()
    }
}

#[test]
fn odd_descriptors_do_not_panic() {
    use field_descriptor_proto::Type;
    let kinds = [
        Type::Message,
        Type::Group,
        Type::Enum,
        Type::Bytes,
        Type::Double,
    ];
    for (i, &a) in kinds.iter().enumerate() {
        for &b in &kinds {
            for info in [false, true] {
                let cur = image(vec![odd_file(1, a, info)]);
                let prev = image(vec![odd_file(i as i32 - 2, b, !info)]);
                for version in [RuleVersion::V1, RuleVersion::V2] {
                    let findings =
                        check_version(&cur, &prev, &all_rules(), version).expect("rules");
                    for f in &findings {
                        assert!(f.start_line >= 1 && f.start_column >= 1, "{f:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn bad_image_bytes_are_errors_not_panics() {
    let set = FileDescriptorSet {
        file: vec![odd_file(1, field_descriptor_proto::Type::Message, true)],
        ..Default::default()
    };
    let bytes = set.encode_to_vec();
    assert!(against::read_image(&bytes).is_ok());
    for n in 0..bytes.len() {
        let _ = against::read_image(&bytes[..n]);
    }
    let mut x: u32 = 12345;
    for _ in 0..200 {
        let noise: Vec<u8> = (0..64)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (x >> 16) as u8
            })
            .collect();
        if let Ok(img) = against::read_image(&noise) {
            let _ = check_version(&img, &img, &all_rules(), RuleVersion::V2);
        }
    }
}

#[test]
fn against_specs_parse_as_buf_reads_them() {
    use against::Against;
    assert_eq!(
        against::parse(".git#branch=main,subdir=proto").expect("git"),
        Against::Git {
            repo: ".git".into(),
            reference: "main".into(),
            subdir: "proto".into()
        }
    );
    assert!(matches!(
        against::parse("x#tag=v1").expect("tag"),
        Against::Git { .. }
    ));
    assert!(against::parse("x#nope=1").is_err());
    assert!(against::parse("#").is_ok());
}
