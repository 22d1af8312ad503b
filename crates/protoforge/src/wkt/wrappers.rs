//! Hand-written conversions between the nine wrapper messages (`DoubleValue`, ...,
//! `BytesValue`) and the Rust values they wrap, both ways.

use super::{
    BoolValue, BytesValue, DoubleValue, FloatValue, Int32Value, Int64Value, StringValue,
    UInt32Value, UInt64Value,
};

macro_rules! wrapper {
    ($($wrapper:ident($ty:ty)),* $(,)?) => {$(
        impl From<$ty> for $wrapper {
            fn from(value: $ty) -> $wrapper {
                $wrapper {
                    value,
                    ..Default::default()
                }
            }
        }

        impl From<$wrapper> for $ty {
            fn from(wrapper: $wrapper) -> $ty {
                wrapper.value
            }
        }
    )*};
}

wrapper!(
    DoubleValue(f64),
    FloatValue(f32),
    Int64Value(i64),
    UInt64Value(u64),
    Int32Value(i32),
    UInt32Value(u32),
    BoolValue(bool),
    StringValue(String),
    BytesValue(Vec<u8>),
);

impl From<&str> for StringValue {
    fn from(value: &str) -> StringValue {
        StringValue::from(value.to_string())
    }
}
