//! Parsing: `serde::de::DeserializeSeed`s that read the proto3 JSON mapping from any
//! deserializer straight into a [`DynamicMessage`], checking duplicate fields and oneof
//! conflicts as they stream by. `Any` is the one type read into a `serde_json::Value` first,
//! because its `@type` may come after the fields it decides the meaning of.

use std::collections::HashMap;
use std::fmt;

use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use super::format::{self, Integer};
use super::wkt::{WellKnown, well_known};
use super::{MAX_DEPTH, ParseOptions};
use crate::reflect::{
    DynamicMessage, EnumDescriptor, FieldDescriptor, Kind, MapKey, MessageDescriptor, Value,
};

/// Reads one message of type `desc` (an object, or a well-known type's special form).
pub(crate) struct MessageSeed<'a> {
    pub(crate) desc: MessageDescriptor,
    pub(crate) options: &'a ParseOptions,
    pub(crate) depth: usize,
}

fn field_of(desc: &MessageDescriptor, number: u32) -> Result<FieldDescriptor, String> {
    desc.get_field(number).ok_or_else(|| {
        format!(
            "well-known type `{}` has no field number {number}",
            desc.full_name()
        )
    })
}

/// Sets field `number` of `msg`, reporting a type mismatch instead of panicking.
fn set(msg: &mut DynamicMessage, number: u32, value: Value) -> Result<(), String> {
    let field = field_of(&msg.descriptor(), number)?;
    msg.try_set_field(&field, value).map_err(|e| e.to_string())
}

/// The message type of field `number` of `desc`, or of the map value if it is a map.
fn message_of_field(desc: &MessageDescriptor, number: u32) -> Result<MessageDescriptor, String> {
    let field = field_of(desc, number)?;
    let kind = if field.is_map() {
        match field.kind() {
            Kind::Message(entry) => entry.map_entry_value_field().kind(),
            other => other,
        }
    } else {
        field.kind()
    };
    match kind {
        Kind::Message(m) => Ok(m),
        _ => Err(format!(
            "field {number} of `{}` is not a message",
            desc.full_name()
        )),
    }
}

impl<'a> MessageSeed<'a> {
    fn child(&self, desc: MessageDescriptor) -> MessageSeed<'a> {
        MessageSeed {
            desc,
            options: self.options,
            depth: self.depth + 1,
        }
    }
}

impl<'de> DeserializeSeed<'de> for MessageSeed<'_> {
    type Value = DynamicMessage;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<DynamicMessage, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(D::Error::custom("message nesting exceeds the depth limit"));
        }
        let Some(wkt) = well_known(self.desc.full_name()) else {
            return d.deserialize_map(MessageVisitor(self));
        };
        let mut msg = DynamicMessage::new(self.desc.clone());
        match wkt {
            WellKnown::Any => {
                let object = d.deserialize_map(AnyObjectVisitor)?;
                return parse_any(&self, object).map_err(D::Error::custom);
            }
            WellKnown::Timestamp | WellKnown::Duration => {
                let text = d.deserialize_any(StrVisitor)?;
                let (seconds, nanos) = if wkt == WellKnown::Timestamp {
                    format::parse_timestamp(&text)
                } else {
                    format::parse_duration(&text)
                }
                .map_err(D::Error::custom)?;
                set(&mut msg, 1, Value::I64(seconds)).map_err(D::Error::custom)?;
                set(&mut msg, 2, Value::I32(nanos)).map_err(D::Error::custom)?;
            }
            WellKnown::FieldMask => {
                let text = d.deserialize_any(StrVisitor)?;
                let mut paths = Vec::new();
                if !text.is_empty() {
                    for path in text.split(',') {
                        let path =
                            format::field_mask_path_from_json(path).map_err(D::Error::custom)?;
                        paths.push(Value::String(path));
                    }
                }
                set(&mut msg, 1, Value::List(paths)).map_err(D::Error::custom)?;
            }
            WellKnown::Struct => return d.deserialize_map(StructVisitor(self)),
            WellKnown::ListValue => return d.deserialize_seq(ListValueVisitor(self)),
            WellKnown::Value => return d.deserialize_any(ValueVisitor(self)),
            WellKnown::Wrapper => {
                let field = field_of(&self.desc, 1).map_err(D::Error::custom)?;
                let value = KindSeed {
                    kind: field.kind(),
                    options: self.options,
                    depth: self.depth,
                }
                .deserialize(d)?;
                if let Some(value) = value {
                    msg.try_set_field(&field, value)
                        .map_err(|e| D::Error::custom(e.to_string()))?;
                }
            }
        }
        Ok(msg)
    }
}

/// Reads a JSON string.
struct StrVisitor;

impl Visitor<'_> for StrVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// Where a JSON object key of a message points.
enum Target {
    Field(FieldDescriptor),
    Extension(crate::reflect::ExtensionDescriptor),
}

struct MessageVisitor<'a>(MessageSeed<'a>);

impl<'de> Visitor<'de> for MessageVisitor<'_> {
    type Value = DynamicMessage;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object for message `{}`", self.0.desc.full_name())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DynamicMessage, A::Error> {
        let seed = self.0;
        let desc = seed.desc.clone();
        let mut msg = DynamicMessage::new(desc.clone());
        let mut seen: Vec<u32> = Vec::new();
        let mut oneofs: Vec<String> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let target = match key.strip_prefix('[').and_then(|k| k.strip_suffix(']')) {
                Some(name) => desc
                    .parent_pool()
                    .get_extension_by_name(name)
                    .filter(|ext| ext.containing_message() == desc)
                    .map(Target::Extension),
                None => desc
                    .get_field_by_json_name(&key)
                    .or_else(|| desc.get_field_by_name(&key))
                    .map(Target::Field),
            };
            let Some(target) = target else {
                if seed.options.ignore_unknown_fields {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                return Err(A::Error::custom(format!(
                    "message `{}` has no field named `{key}`",
                    desc.full_name()
                )));
            };
            let (number, kind, is_list, is_map) = match &target {
                Target::Field(f) => (f.number(), f.kind(), f.is_list(), f.is_map()),
                Target::Extension(e) => (e.number(), e.kind(), e.is_list(), e.is_map()),
            };
            if seen.contains(&number) {
                return Err(A::Error::custom(format!(
                    "field `{key}` of message `{}` appears more than once",
                    desc.full_name()
                )));
            }
            seen.push(number);
            let value = map.next_value_seed(FieldSeed {
                kind,
                is_list,
                is_map,
                options: seed.options,
                depth: seed.depth,
            })?;
            let Some(value) = value else { continue };
            match target {
                Target::Field(field) => {
                    if let Some(oneof) = field.real_containing_oneof() {
                        let name = oneof.name().to_string();
                        if oneofs.contains(&name) {
                            return Err(A::Error::custom(format!(
                                "more than one field of oneof `{name}` of message `{}` is set",
                                desc.full_name()
                            )));
                        }
                        oneofs.push(name);
                    }
                    msg.try_set_field(&field, value)
                        .map_err(|e| A::Error::custom(e.to_string()))?;
                }
                Target::Extension(ext) => msg.set_extension(&ext, value),
            }
        }
        Ok(msg)
    }
}

/// Reads a field's whole value; `None` means absent (`null`, or an ignored unknown enum).
struct FieldSeed<'a> {
    kind: Kind,
    is_list: bool,
    is_map: bool,
    options: &'a ParseOptions,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        d.deserialize_option(self)
    }
}

impl FieldSeed<'_> {
    /// What `null` means for this field: absent, except for `Value` and `NullValue`.
    fn null<E: serde::de::Error>(self) -> Result<Option<Value>, E> {
        if self.is_list || self.is_map {
            return Ok(None);
        }
        match &self.kind {
            Kind::Message(m) if m.full_name() == "google.protobuf.Value" => {
                let mut msg = DynamicMessage::new(m.clone());
                set(&mut msg, 1, Value::EnumNumber(0)).map_err(E::custom)?;
                Ok(Some(Value::Message(msg)))
            }
            Kind::Enum(e) if e.full_name() == "google.protobuf.NullValue" => {
                Ok(Some(Value::EnumNumber(0)))
            }
            _ => Ok(None),
        }
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field value or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Option<Value>, E> {
        self.null()
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Option<Value>, E> {
        self.null()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        if self.is_map {
            let Kind::Message(entry) = self.kind else {
                return Err(D::Error::custom("map field without an entry message"));
            };
            d.deserialize_map(MapVisitor {
                entry,
                options: self.options,
                depth: self.depth,
            })
            .map(Some)
        } else if self.is_list {
            d.deserialize_seq(ListVisitor {
                kind: self.kind,
                options: self.options,
                depth: self.depth,
            })
            .map(Some)
        } else {
            KindSeed {
                kind: self.kind,
                options: self.options,
                depth: self.depth,
            }
            .deserialize(d)
        }
    }
}

/// Reads one non-null value of `kind` (`None`: an unknown enum name that is ignored).
struct KindSeed<'a> {
    kind: Kind,
    options: &'a ParseOptions,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for KindSeed<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        match self.kind {
            Kind::Message(desc) => MessageSeed {
                desc,
                options: self.options,
                depth: self.depth + 1,
            }
            .deserialize(d)
            .map(|m| Some(Value::Message(m))),
            Kind::Enum(e) => d.deserialize_any(EnumVisitor {
                desc: e,
                options: self.options,
            }),
            kind => d.deserialize_any(ScalarVisitor(kind)).map(Some),
        }
    }
}

struct ListVisitor<'a> {
    kind: Kind,
    options: &'a ParseOptions,
    depth: usize,
}

impl<'de> Visitor<'de> for ListVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut list = Vec::new();
        while let Some(value) = seq.next_element_seed(KindSeed {
            kind: self.kind.clone(),
            options: self.options,
            depth: self.depth,
        })? {
            if let Some(value) = value {
                list.push(value);
            }
        }
        Ok(Value::List(list))
    }
}

struct MapVisitor<'a> {
    entry: MessageDescriptor,
    options: &'a ParseOptions,
    depth: usize,
}

/// Parses a JSON object key as a map key of `kind`.
fn map_key(kind: &Kind, key: &str) -> Result<MapKey, String> {
    let int = || -> Result<i128, String> {
        match format::parse_integer_str(key)? {
            Integer::Exact(i) => Ok(i),
            Integer::Float(f) => format::integral(f),
        }
    };
    let range = |_| format!("map key `{key}` out of range");
    Ok(match kind {
        Kind::String => MapKey::String(key.to_string()),
        Kind::Bool => match key {
            "true" => MapKey::Bool(true),
            "false" => MapKey::Bool(false),
            _ => return Err(format!("map key `{key}` is not a bool")),
        },
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
            MapKey::I32(i32::try_from(int()?).map_err(range)?)
        }
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
            MapKey::I64(i64::try_from(int()?).map_err(range)?)
        }
        Kind::Uint32 | Kind::Fixed32 => MapKey::U32(u32::try_from(int()?).map_err(range)?),
        Kind::Uint64 | Kind::Fixed64 => MapKey::U64(u64::try_from(int()?).map_err(range)?),
        _ => return Err("invalid map key type".to_string()),
    })
}

impl<'de> Visitor<'de> for MapVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object for a map field")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if !self.entry.is_map_entry() {
            return Err(A::Error::custom("map field without a map entry message"));
        }
        let key_kind = self.entry.map_entry_key_field().kind();
        let value_kind = self.entry.map_entry_value_field().kind();
        let mut out = HashMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let key = map_key(&key_kind, &key).map_err(A::Error::custom)?;
            let value = map.next_value_seed(KindSeed {
                kind: value_kind.clone(),
                options: self.options,
                depth: self.depth,
            })?;
            if let Some(value) = value
                && out.insert(key.clone(), value).is_some()
            {
                return Err(A::Error::custom(format!(
                    "map key {key:?} appears more than once"
                )));
            }
        }
        Ok(Value::Map(out))
    }
}

struct EnumVisitor<'a> {
    desc: EnumDescriptor,
    options: &'a ParseOptions,
}

impl EnumVisitor<'_> {
    fn number<E: serde::de::Error>(self, n: i128) -> Result<Option<Value>, E> {
        let n = i32::try_from(n).map_err(|_| E::custom(format!("enum number {n} out of range")))?;
        if self.desc.is_closed() && self.desc.get_value(n).is_none() {
            return Err(E::custom(format!(
                "{n} is not a value of closed enum `{}`",
                self.desc.full_name()
            )));
        }
        Ok(Some(Value::EnumNumber(n)))
    }
}

impl Visitor<'_> for EnumVisitor<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a value name or number of enum `{}`",
            self.desc.full_name()
        )
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Option<Value>, E> {
        match self.desc.get_value_by_name(v) {
            Some(value) => Ok(Some(Value::EnumNumber(value.number()))),
            None if self.options.ignore_unknown_fields => Ok(None),
            None => Err(E::custom(format!(
                "`{v}` is not a value of enum `{}`",
                self.desc.full_name()
            ))),
        }
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Option<Value>, E> {
        self.number(i128::from(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Option<Value>, E> {
        self.number(i128::from(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Option<Value>, E> {
        let n = format::integral(v).map_err(E::custom)?;
        self.number(n)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Option<Value>, E> {
        if self.desc.full_name() == "google.protobuf.NullValue" {
            Ok(Some(Value::EnumNumber(0)))
        } else {
            Err(E::custom(format!(
                "null is not a value of enum `{}`",
                self.desc.full_name()
            )))
        }
    }
}

/// Reads a scalar (not enum, not message) value of the kind it holds.
struct ScalarVisitor(Kind);

impl ScalarVisitor {
    fn integer<E: serde::de::Error>(&self, v: i128) -> Result<Value, E> {
        let range = |_| E::custom(format!("{v} out of range for {:?}", self.0));
        Ok(match self.0 {
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
                Value::I32(i32::try_from(v).map_err(range)?)
            }
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
                Value::I64(i64::try_from(v).map_err(range)?)
            }
            Kind::Uint32 | Kind::Fixed32 => Value::U32(u32::try_from(v).map_err(range)?),
            Kind::Uint64 | Kind::Fixed64 => Value::U64(u64::try_from(v).map_err(range)?),
            Kind::Float | Kind::Double => return self.float(v as f64),
            _ => return Err(E::custom(format!("a number is not a valid {:?}", self.0))),
        })
    }

    fn float<E: serde::de::Error>(&self, v: f64) -> Result<Value, E> {
        match self.0 {
            Kind::Double => Ok(Value::F64(v)),
            Kind::Float => {
                let f = v as f32;
                if v.is_finite() && !f.is_finite() {
                    return Err(E::custom(format!("{v} out of range for float")));
                }
                Ok(Value::F32(f))
            }
            _ => self.integer(format::integral(v).map_err(E::custom)?),
        }
    }

    fn is_integer(&self) -> bool {
        matches!(
            self.0,
            Kind::Int32
                | Kind::Sint32
                | Kind::Sfixed32
                | Kind::Int64
                | Kind::Sint64
                | Kind::Sfixed64
                | Kind::Uint32
                | Kind::Fixed32
                | Kind::Uint64
                | Kind::Fixed64
        )
    }
}

impl Visitor<'_> for ScalarVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Kind::Bool => f.write_str("true or false"),
            Kind::String => f.write_str("a string"),
            Kind::Bytes => f.write_str("a base64 string"),
            Kind::Float | Kind::Double => f.write_str("a number or a numeric string"),
            _ => f.write_str("an integer or an integer string"),
        }
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        match self.0 {
            Kind::Bool => Ok(Value::Bool(v)),
            _ => Err(E::invalid_type(serde::de::Unexpected::Bool(v), &self)),
        }
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        if self.is_integer() || matches!(self.0, Kind::Float | Kind::Double) {
            self.integer(i128::from(v))
        } else {
            Err(E::invalid_type(serde::de::Unexpected::Signed(v), &self))
        }
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        if self.is_integer() || matches!(self.0, Kind::Float | Kind::Double) {
            self.integer(i128::from(v))
        } else {
            Err(E::invalid_type(serde::de::Unexpected::Unsigned(v), &self))
        }
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        if self.is_integer() || matches!(self.0, Kind::Float | Kind::Double) {
            self.float(v)
        } else {
            Err(E::invalid_type(serde::de::Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        match self.0 {
            Kind::String => Ok(Value::String(v.to_string())),
            Kind::Bytes => format::base64_decode(v)
                .map(|b| Value::Bytes(b.into()))
                .map_err(E::custom),
            Kind::Float | Kind::Double => {
                self.float(format::parse_float_str(v).map_err(E::custom)?)
            }
            _ if self.is_integer() => match format::parse_integer_str(v).map_err(E::custom)? {
                Integer::Exact(i) => self.integer(i),
                Integer::Float(f) => self.integer(format::integral(f).map_err(E::custom)?),
            },
            _ => Err(E::invalid_type(serde::de::Unexpected::Str(v), &self)),
        }
    }
}

struct StructVisitor<'a>(MessageSeed<'a>);

impl<'de> Visitor<'de> for StructVisitor<'_> {
    type Value = DynamicMessage;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object for google.protobuf.Struct")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DynamicMessage, A::Error> {
        let seed = self.0;
        let value_desc = message_of_field(&seed.desc, 1).map_err(A::Error::custom)?;
        let mut fields = HashMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(seed.child(value_desc.clone()))?;
            fields.insert(MapKey::String(key), Value::Message(value));
        }
        let mut msg = DynamicMessage::new(seed.desc.clone());
        set(&mut msg, 1, Value::Map(fields)).map_err(A::Error::custom)?;
        Ok(msg)
    }
}

struct ListValueVisitor<'a>(MessageSeed<'a>);

impl<'de> Visitor<'de> for ListValueVisitor<'_> {
    type Value = DynamicMessage;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array for google.protobuf.ListValue")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DynamicMessage, A::Error> {
        let seed = self.0;
        let value_desc = message_of_field(&seed.desc, 1).map_err(A::Error::custom)?;
        let mut values = Vec::new();
        while let Some(value) = seq.next_element_seed(seed.child(value_desc.clone()))? {
            values.push(Value::Message(value));
        }
        let mut msg = DynamicMessage::new(seed.desc.clone());
        set(&mut msg, 1, Value::List(values)).map_err(A::Error::custom)?;
        Ok(msg)
    }
}

/// Reads any JSON value as a `google.protobuf.Value`.
struct ValueVisitor<'a>(MessageSeed<'a>);

impl ValueVisitor<'_> {
    fn with<E: serde::de::Error>(self, number: u32, value: Value) -> Result<DynamicMessage, E> {
        let mut msg = DynamicMessage::new(self.0.desc.clone());
        set(&mut msg, number, value).map_err(E::custom)?;
        Ok(msg)
    }
}

impl<'de> Visitor<'de> for ValueVisitor<'_> {
    type Value = DynamicMessage;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<DynamicMessage, E> {
        self.with(1, Value::EnumNumber(0))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<DynamicMessage, E> {
        self.with(1, Value::EnumNumber(0))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<DynamicMessage, E> {
        self.with(2, Value::F64(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<DynamicMessage, E> {
        self.with(2, Value::F64(v as f64))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<DynamicMessage, E> {
        self.with(2, Value::F64(v as f64))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DynamicMessage, E> {
        self.with(3, Value::String(v.to_string()))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<DynamicMessage, E> {
        self.with(4, Value::Bool(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DynamicMessage, A::Error> {
        let seed = &self.0;
        let struct_desc = message_of_field(&seed.desc, 5).map_err(A::Error::custom)?;
        let child = seed.child(struct_desc);
        if child.depth > MAX_DEPTH {
            return Err(A::Error::custom("message nesting exceeds the depth limit"));
        }
        let inner = StructVisitor(child).visit_map(map)?;
        self.with(5, Value::Message(inner))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<DynamicMessage, A::Error> {
        let seed = &self.0;
        let list_desc = message_of_field(&seed.desc, 6).map_err(A::Error::custom)?;
        let child = seed.child(list_desc);
        if child.depth > MAX_DEPTH {
            return Err(A::Error::custom("message nesting exceeds the depth limit"));
        }
        let inner = ListValueVisitor(child).visit_seq(seq)?;
        self.with(6, Value::Message(inner))
    }
}

/// Buffers the JSON object of an `Any`, whose `@type` may come after the fields it gives the
/// meaning of. A key given twice is an error, as in a message's object (protobuf's parser
/// says "repeated @type in Any" for `@type`).
struct AnyObjectVisitor;

impl<'de> Visitor<'de> for AnyObjectVisitor {
    type Value = serde_json::Map<String, serde_json::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object for google.protobuf.Any")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(A::Error::custom(if key == "@type" {
                    "repeated @type in google.protobuf.Any".to_string()
                } else {
                    format!("field `{key}` of google.protobuf.Any appears more than once")
                }));
            }
            let value = map.next_value::<serde_json::Value>()?;
            object.insert(key, value);
        }
        Ok(object)
    }
}

/// Builds an `Any` from its buffered JSON object.
fn parse_any(
    seed: &MessageSeed<'_>,
    mut object: serde_json::Map<String, serde_json::Value>,
) -> Result<DynamicMessage, String> {
    let mut any = DynamicMessage::new(seed.desc.clone());
    let Some(url) = object.remove("@type") else {
        if object.is_empty() {
            return Ok(any);
        }
        return Err("google.protobuf.Any is missing `@type`".into());
    };
    let serde_json::Value::String(url) = url else {
        return Err("`@type` of google.protobuf.Any must be a string".into());
    };
    let Some((_, name)) = url.rsplit_once('/') else {
        return Err(format!("invalid type URL `{url}` in google.protobuf.Any"));
    };
    // A name is written without a leading dot (as protobuf's parsers require), so that
    // `.google.protobuf.Any` does not pass for the well-known type.
    let inner_desc = Some(name)
        .filter(|n| !n.starts_with('.'))
        .and_then(|n| seed.desc.parent_pool().get_message_by_name(n))
        .ok_or_else(|| format!("cannot resolve type URL `{url}` in google.protobuf.Any"))?;
    let inner_seed = seed.child(inner_desc.clone());
    let special = well_known(name).is_some()
        || (name == "google.protobuf.Empty" && object.contains_key("value"));
    let inner = if special {
        let value = object
            .remove("value")
            .ok_or_else(|| format!("google.protobuf.Any of type `{name}` needs a `value`"))?;
        if let Some(key) = object.keys().next()
            && !seed.options.ignore_unknown_fields
        {
            return Err(format!(
                "unexpected key `{key}` in google.protobuf.Any of type `{name}`"
            ));
        }
        inner_seed.deserialize(value)
    } else {
        inner_seed.deserialize(serde_json::Value::Object(object))
    }
    .map_err(|e| e.to_string())?;
    set(&mut any, 1, Value::String(url))?;
    set(&mut any, 2, Value::Bytes(inner.encode_to_vec().into()))?;
    Ok(any)
}
