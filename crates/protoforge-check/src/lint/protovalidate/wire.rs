//! The option values PROTOVALIDATE reads, decoded from their wire form against the
//! `buf.validate` messages of the image (extensions of the options messages are kept as
//! unknown fields, encoded).

use std::collections::HashMap;

use protoforge::descriptor::field_descriptor_proto::{Label, Type};
use protoforge::descriptor::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};

/// One encoded value.
#[derive(Clone, Debug)]
pub(super) enum Raw {
    Varint(u64),
    Fixed64(u64),
    Fixed32(u32),
    Bytes(Vec<u8>),
}

/// The messages of the image by full name (no leading dot).
pub(super) struct Types<'a> {
    messages: HashMap<String, &'a DescriptorProto>,
}

impl<'a> Types<'a> {
    pub fn new(files: impl IntoIterator<Item = &'a FileDescriptorProto>) -> Types<'a> {
        let mut messages = HashMap::new();
        for f in files {
            let pkg = f.package.as_deref().unwrap_or("");
            for m in &f.message_type {
                add(&mut messages, pkg, m);
            }
        }
        Types { messages }
    }

    pub fn get(&self, name: &str) -> Option<&'a DescriptorProto> {
        self.messages.get(name.trim_start_matches('.')).copied()
    }
}

fn add<'a>(out: &mut HashMap<String, &'a DescriptorProto>, scope: &str, m: &'a DescriptorProto) {
    let name = m.name.as_deref().unwrap_or("");
    let full = if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    };
    for n in &m.nested_type {
        add(out, &full, n);
    }
    out.insert(full, m);
}

/// Splits an encoded message into its fields, in order; `None` when it is malformed.
pub(super) fn fields(mut b: &[u8]) -> Option<Vec<(u32, Raw)>> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let key = varint(&mut b)?;
        let number = u32::try_from(key >> 3).ok()?;
        let value = match key & 7 {
            0 => Raw::Varint(varint(&mut b)?),
            1 => {
                let (v, rest) = b.split_first_chunk::<8>()?;
                b = rest;
                Raw::Fixed64(u64::from_le_bytes(*v))
            }
            2 => {
                let len = usize::try_from(varint(&mut b)?).ok()?;
                if len > b.len() {
                    return None;
                }
                let (v, rest) = b.split_at(len);
                b = rest;
                Raw::Bytes(v.to_vec())
            }
            5 => {
                let (v, rest) = b.split_first_chunk::<4>()?;
                b = rest;
                Raw::Fixed32(u32::from_le_bytes(*v))
            }
            _ => return None,
        };
        out.push((number, value));
    }
    Some(out)
}

fn varint(b: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = b.split_first()?;
        *b = rest;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// A scalar value, typed by its field.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Scalar {
    Int(i128),
    Float(f64),
}

/// A decoded message of a known type: its fields in wire order, merged as protobuf merges
/// (scalars: last wins; messages: concatenated; a oneof keeps its last member).
pub(super) struct Msg<'a> {
    pub desc: &'a DescriptorProto,
    raw: Vec<(u32, Raw)>,
}

impl<'a> Msg<'a> {
    /// Decodes the concatenation of `parts` as a `desc`.
    pub fn decode(desc: &'a DescriptorProto, parts: &[&[u8]]) -> Option<Msg<'a>> {
        let mut raw = Vec::new();
        for p in parts {
            raw.extend(fields(p)?);
        }
        Some(Msg { desc, raw })
    }

    pub fn field(&self, number: u32) -> Option<&'a FieldDescriptorProto> {
        self.desc
            .field
            .iter()
            .find(|f| f.number.and_then(|n| u32::try_from(n).ok()) == Some(number))
    }

    pub fn field_named(&self, name: &str) -> Option<&'a FieldDescriptorProto> {
        self.desc
            .field
            .iter()
            .find(|f| f.name.as_deref() == Some(name))
    }

    /// The numbers of the fields that are set, in declaration order (a oneof's last member
    /// only, repeated fields when not empty).
    pub fn present(&self) -> Vec<u32> {
        let mut last_of_oneof: HashMap<i32, u32> = HashMap::new();
        let mut seen = Vec::new();
        for (n, _) in &self.raw {
            let Some(f) = self.field(*n) else { continue };
            if let Some(o) = f
                .oneof_index
                .filter(|_| !f.proto3_optional.unwrap_or(false))
            {
                last_of_oneof.insert(o, *n);
            }
            if !seen.contains(n) {
                seen.push(*n);
            }
        }
        self.desc
            .field
            .iter()
            .filter_map(|f| {
                let n = u32::try_from(f.number?).ok()?;
                if !seen.contains(&n) {
                    return None;
                }
                match f
                    .oneof_index
                    .filter(|_| !f.proto3_optional.unwrap_or(false))
                {
                    Some(o) if last_of_oneof.get(&o) != Some(&n) => None,
                    _ => Some(n),
                }
            })
            .collect()
    }

    pub fn has(&self, number: u32) -> bool {
        self.present().contains(&number)
    }

    fn last(&self, number: u32) -> Option<&Raw> {
        self.raw
            .iter()
            .rev()
            .find(|(n, _)| *n == number)
            .map(|(_, v)| v)
    }

    /// The sub-message in field `number`, when set.
    pub fn message(&self, number: u32, types: &Types<'a>) -> Option<Msg<'a>> {
        if !self.has(number) {
            return None;
        }
        let desc = types.get(self.field(number)?.type_name.as_deref()?)?;
        let parts: Vec<&[u8]> = self
            .raw
            .iter()
            .filter(|(n, _)| *n == number)
            .filter_map(|(_, v)| match v {
                Raw::Bytes(b) => Some(b.as_slice()),
                _ => None,
            })
            .collect();
        Msg::decode(desc, &parts)
    }

    /// Every element of repeated message field `number`.
    pub fn messages(&self, number: u32, types: &Types<'a>) -> Vec<Msg<'a>> {
        let Some(desc) = self
            .field(number)
            .and_then(|f| types.get(f.type_name.as_deref()?))
        else {
            return Vec::new();
        };
        self.raw
            .iter()
            .filter(|(n, _)| *n == number)
            .filter_map(|(_, v)| match v {
                Raw::Bytes(b) => Msg::decode(desc, &[b]),
                _ => None,
            })
            .collect()
    }

    /// The string or bytes in field `number` (the last one).
    pub fn bytes(&self, number: u32) -> Option<&[u8]> {
        match self.last(number)? {
            Raw::Bytes(b) => Some(b),
            _ => None,
        }
    }

    pub fn string(&self, number: u32) -> Option<String> {
        self.bytes(number)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// Every string of repeated field `number`.
    pub fn strings(&self, number: u32) -> Vec<String> {
        self.raw
            .iter()
            .filter(|(n, _)| *n == number)
            .filter_map(|(_, v)| match v {
                Raw::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
                _ => None,
            })
            .collect()
    }

    /// The scalar in field `number` (the last one), typed by the field.
    pub fn scalar(&self, number: u32) -> Option<Scalar> {
        let ty = self.field(number)?.r#type?;
        scalar(ty, self.last(number)?)
    }

    pub fn uint(&self, number: u32) -> Option<u64> {
        match self.scalar(number)? {
            Scalar::Int(i) => u64::try_from(i).ok(),
            Scalar::Float(_) => None,
        }
    }

    pub fn int(&self, number: u32) -> Option<i64> {
        match self.scalar(number)? {
            Scalar::Int(i) => i64::try_from(i).ok(),
            Scalar::Float(_) => None,
        }
    }

    pub fn flag(&self, number: u32) -> bool {
        matches!(self.scalar(number), Some(Scalar::Int(i)) if i != 0)
    }

    /// The elements of repeated scalar field `number`, packed or not.
    pub fn scalars(&self, number: u32) -> Vec<Scalar> {
        let Some(f) = self.field(number) else {
            return Vec::new();
        };
        let Some(ty) = f.r#type else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (n, v) in &self.raw {
            if *n != number {
                continue;
            }
            match v {
                Raw::Bytes(b) if f.label == Some(Label::Repeated) => {
                    let mut b = b.as_slice();
                    while !b.is_empty() {
                        let raw = match ty {
                            Type::Float | Type::Fixed32 | Type::Sfixed32 => {
                                let Some((x, rest)) = b.split_first_chunk::<4>() else {
                                    break;
                                };
                                b = rest;
                                Raw::Fixed32(u32::from_le_bytes(*x))
                            }
                            Type::Double | Type::Fixed64 | Type::Sfixed64 => {
                                let Some((x, rest)) = b.split_first_chunk::<8>() else {
                                    break;
                                };
                                b = rest;
                                Raw::Fixed64(u64::from_le_bytes(*x))
                            }
                            _ => match varint(&mut b) {
                                Some(x) => Raw::Varint(x),
                                None => break,
                            },
                        };
                        out.extend(scalar(ty, &raw));
                    }
                }
                v => out.extend(scalar(ty, v)),
            }
        }
        out
    }
}

fn scalar(ty: Type, raw: &Raw) -> Option<Scalar> {
    Some(match (ty, raw) {
        (Type::Float, Raw::Fixed32(v)) => Scalar::Float(f64::from(f32::from_bits(*v))),
        (Type::Double, Raw::Fixed64(v)) => Scalar::Float(f64::from_bits(*v)),
        (Type::Int32 | Type::Enum, Raw::Varint(v)) => Scalar::Int(i128::from(*v as i32)),
        (Type::Int64, Raw::Varint(v)) => Scalar::Int(i128::from(*v as i64)),
        (Type::Uint32, Raw::Varint(v)) => Scalar::Int(i128::from(*v as u32)),
        (Type::Uint64, Raw::Varint(v)) => Scalar::Int(i128::from(*v)),
        (Type::Bool, Raw::Varint(v)) => Scalar::Int(i128::from(*v != 0)),
        (Type::Sint32, Raw::Varint(v)) => {
            let v = *v as u32;
            Scalar::Int(i128::from((v >> 1) as i32 ^ -((v & 1) as i32)))
        }
        (Type::Sint64, Raw::Varint(v)) => {
            Scalar::Int(i128::from((v >> 1) as i64 ^ -((v & 1) as i64)))
        }
        (Type::Fixed32, Raw::Fixed32(v)) => Scalar::Int(i128::from(*v)),
        (Type::Sfixed32, Raw::Fixed32(v)) => Scalar::Int(i128::from(*v as i32)),
        (Type::Fixed64, Raw::Fixed64(v)) => Scalar::Int(i128::from(*v)),
        (Type::Sfixed64, Raw::Fixed64(v)) => Scalar::Int(i128::from(*v as i64)),
        _ => return None,
    })
}
