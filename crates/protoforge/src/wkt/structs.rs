//! Hand-written conversions for the JSON-like well-known types: [`Value`] from Rust values
//! (`f64`, `String`, `&str`, `bool`, `Vec`, `HashMap`, [`Struct`], [`ListValue`],
//! [`NullValue`]), typed accessors, and collecting into [`Struct`] and [`ListValue`].

use std::collections::HashMap;

use super::value::Kind;
use super::{ListValue, NullValue, Struct, Value};

impl Value {
    /// The `null` value.
    pub fn null() -> Value {
        Value::from(NullValue::NullValue)
    }

    /// Whether this is `null` (an unset kind counts as `null`, as in protobuf's JSON).
    pub fn is_null(&self) -> bool {
        matches!(self.kind, None | Some(Kind::NullValue(_)))
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self.kind {
            Some(Kind::NumberValue(n)) => Some(n),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Some(Kind::StringValue(s)) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Some(Kind::BoolValue(b)) => Some(b),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_struct(&self) -> Option<&Struct> {
        match &self.kind {
            Some(Kind::StructValue(s)) => Some(s),
            _ => None,
        }
    }

    /// The list, if this is one.
    pub fn as_list(&self) -> Option<&ListValue> {
        match &self.kind {
            Some(Kind::ListValue(l)) => Some(l),
            _ => None,
        }
    }
}

impl From<Kind> for Value {
    fn from(kind: Kind) -> Value {
        Value {
            kind: Some(kind),
            ..Default::default()
        }
    }
}

impl From<NullValue> for Value {
    fn from(null: NullValue) -> Value {
        Value::from(Kind::NullValue(null.into()))
    }
}

impl From<f64> for Value {
    fn from(number: f64) -> Value {
        Value::from(Kind::NumberValue(number))
    }
}

impl From<String> for Value {
    fn from(string: String) -> Value {
        Value::from(Kind::StringValue(string))
    }
}

impl From<&str> for Value {
    fn from(string: &str) -> Value {
        Value::from(Kind::StringValue(string.to_string()))
    }
}

impl From<bool> for Value {
    fn from(boolean: bool) -> Value {
        Value::from(Kind::BoolValue(boolean))
    }
}

impl From<Struct> for Value {
    fn from(object: Struct) -> Value {
        Value::from(Kind::StructValue(object))
    }
}

impl From<ListValue> for Value {
    fn from(list: ListValue) -> Value {
        Value::from(Kind::ListValue(list))
    }
}

impl From<Vec<Value>> for Value {
    fn from(values: Vec<Value>) -> Value {
        Value::from(ListValue::from(values))
    }
}

impl From<HashMap<String, Value>> for Value {
    fn from(fields: HashMap<String, Value>) -> Value {
        Value::from(Struct::from(fields))
    }
}

impl From<Vec<Value>> for ListValue {
    fn from(values: Vec<Value>) -> ListValue {
        ListValue {
            values,
            ..Default::default()
        }
    }
}

impl From<HashMap<String, Value>> for Struct {
    fn from(fields: HashMap<String, Value>) -> Struct {
        Struct {
            fields,
            ..Default::default()
        }
    }
}

impl<V: Into<Value>> FromIterator<V> for ListValue {
    fn from_iter<I: IntoIterator<Item = V>>(iter: I) -> ListValue {
        ListValue::from(iter.into_iter().map(Into::into).collect::<Vec<_>>())
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Struct {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Struct {
        Struct::from(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect::<HashMap<_, _>>(),
        )
    }
}
