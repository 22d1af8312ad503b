//! Map fields, stored as `HashMap` or `BTreeMap`: each entry is a length-delimited message
//! with the key as field 1 and the value as field 2.

use ::bytes::{Buf, BufMut};

use super::{
    Codec, DecodeContext, WireType, check_wire_type, decode_key, decode_len, encode_key,
    encode_varint, encoded_len_varint, key_len,
};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::unknown::UnknownFields;

fn entry_len<K: Codec, V: Codec>(key: &K::Value, value: &V::Value) -> usize {
    K::encoded_len(1, key) + V::encoded_len(2, value)
}

/// Writes every entry of a map field `number`, in the iteration order of `entries`.
pub fn encode<'a, K, V, I>(number: u32, entries: I, buf: &mut impl BufMut)
where
    K: Codec,
    V: Codec,
    K::Value: 'a,
    V::Value: 'a,
    I: IntoIterator<Item = (&'a K::Value, &'a V::Value)>,
{
    for (key, value) in entries {
        encode_key(number, WireType::LengthDelimited, buf);
        encode_varint(entry_len::<K, V>(key, value) as u64, buf);
        K::encode(1, key, buf);
        V::encode(2, value, buf);
    }
}

/// The length `encode` writes.
pub fn encoded_len<'a, K, V, I>(number: u32, entries: I) -> usize
where
    K: Codec,
    V: Codec,
    K::Value: 'a,
    V::Value: 'a,
    I: IntoIterator<Item = (&'a K::Value, &'a V::Value)>,
{
    entries
        .into_iter()
        .map(|(key, value)| {
            let len = entry_len::<K, V>(key, value);
            key_len(number) + encoded_len_varint(len as u64) + len
        })
        .sum()
}

/// Decodes one map entry and returns its key and value (missing ones are defaults);
/// the caller inserts them, so a later entry with the same key wins.
pub fn merge_entry<K: Codec, V: Codec>(
    wire_type: WireType,
    buf: &mut impl Buf,
    ctx: DecodeContext,
) -> Result<(K::Value, V::Value), DecodeError> {
    check_wire_type(WireType::LengthDelimited, wire_type)?;
    let ctx = ctx.enter()?;
    let len = decode_len(buf)?;
    let limit = buf.remaining() - len;
    let mut key = K::Value::default();
    let mut value = V::Value::default();
    let mut ignored = UnknownFields::new();
    while buf.remaining() > limit {
        let (number, wire_type) = decode_key(buf)?;
        match number {
            1 => K::merge(wire_type, &mut key, buf, ctx)?,
            2 => V::merge(wire_type, &mut value, buf, ctx)?,
            _ => ignored.merge_field(number, wire_type, buf, ctx)?,
        }
    }
    if buf.remaining() != limit {
        return Err(DecodeErrorKind::Truncated.into());
    }
    Ok((key, value))
}

/// Like [`merge_entry`], for a map whose `string` key or value protobuf does not verify
/// (proto2, editions' `utf8_validation = NONE`): an entry whose key or value is not valid
/// UTF-8 is kept whole, as it arrived, in `unknown` under field `number`, and `None` is
/// returned.
#[allow(clippy::type_complexity)] // The pair mirrors `merge_entry`'s.
pub fn merge_entry_unverified<K: Codec, V: Codec>(
    number: u32,
    wire_type: WireType,
    buf: &mut impl Buf,
    ctx: DecodeContext,
    unknown: &mut UnknownFields,
) -> Result<Option<(K::Value, V::Value)>, DecodeError> {
    check_wire_type(WireType::LengthDelimited, wire_type)?;
    let len = decode_len(buf)?;
    let mut entry = Vec::with_capacity(encoded_len_varint(len as u64) + len);
    encode_varint(len as u64, &mut entry);
    super::append_bytes(&mut entry, buf, len);
    match merge_entry::<K, V>(WireType::LengthDelimited, &mut &entry[..], ctx) {
        Ok(pair) => Ok(Some(pair)),
        // An error without a path comes from the entry's own key or value, not from a
        // (verified) field of a message value.
        Err(error)
            if error.kind() == DecodeErrorKind::InvalidUtf8 && error.path().next().is_none() =>
        {
            let body = entry.split_off(entry.len() - len);
            unknown.push(number, crate::unknown::UnknownValue::LengthDelimited(body));
            Ok(None)
        }
        Err(error) => Err(error),
    }
}
