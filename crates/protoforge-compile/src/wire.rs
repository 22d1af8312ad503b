//! A tiny, schema-free view of the protobuf wire format: a message as a list of records
//! (field number + raw value), as protoc's `UnknownFieldSet` sees it. Option interpretation
//! builds these records, and the normalisation passes re-order and merge them.
//!
//! The runtime's unknown-field records (`protoforge::UnknownFields` of `UnknownValue`s) hold
//! the same five kinds of value, but are built for decoding generated messages: one pointer
//! wide, appended to (with a counted `remove`) and read by reference, with no mutable access to
//! the list, no by-value iteration and no `extend`. The passes here need a plain `Vec`:
//! normalisation consumes records by value (moving payloads, appending a group's records to
//! an earlier occurrence, merging messages' bytes) and sorts them by number, retention
//! filters them, and reading malformed bytes answers `None` instead of a `DecodeError` (which
//! needs a `Buf` and a `DecodeContext`). With `UnknownFields` each pass would copy the list
//! out and rebuild it; sharing without that copy would need the runtime to open its list,
//! a change that belongs to the runtime's own crate.

/// One raw value on the wire.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Raw {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1.
    Fixed64(u64),
    /// Wire type 2.
    Bytes(Vec<u8>),
    /// Wire types 3/4: a group and its content.
    Group(Vec<Record>),
    /// Wire type 5.
    Fixed32(u32),
}

/// One field occurrence: its number and raw value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Record {
    /// The field number.
    pub(crate) number: u32,
    /// The value.
    pub(crate) value: Raw,
}

impl Record {
    /// A record holding `value` under `number`.
    pub(crate) fn new(number: u32, value: Raw) -> Record {
        Record { number, value }
    }
}

/// Appends `value` as a base-128 varint.
pub(crate) fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_tag(out: &mut Vec<u8>, number: u32, wire_type: u8) {
    put_varint(out, (u64::from(number) << 3) | u64::from(wire_type));
}

/// Appends one record in wire format.
pub(crate) fn encode_record(record: &Record, out: &mut Vec<u8>) {
    match &record.value {
        Raw::Varint(v) => {
            put_tag(out, record.number, 0);
            put_varint(out, *v);
        }
        Raw::Fixed64(v) => {
            put_tag(out, record.number, 1);
            out.extend_from_slice(&v.to_le_bytes());
        }
        Raw::Bytes(b) => {
            put_tag(out, record.number, 2);
            put_varint(out, b.len() as u64);
            out.extend_from_slice(b);
        }
        Raw::Group(records) => {
            put_tag(out, record.number, 3);
            encode(records, out);
            put_tag(out, record.number, 4);
        }
        Raw::Fixed32(v) => {
            put_tag(out, record.number, 5);
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
}

/// Appends every record in order.
pub(crate) fn encode(records: &[Record], out: &mut Vec<u8>) {
    for record in records {
        encode_record(record, out);
    }
}

/// The records as bytes.
pub(crate) fn to_bytes(records: &[Record]) -> Vec<u8> {
    let mut out = Vec::new();
    encode(records, &mut out);
    out
}

/// Reads a varint at `*pos`, advancing it.
pub(crate) fn read_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in 0..10 {
        let byte = *bytes.get(*pos)?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << (shift * 7);
        if byte < 0x80 {
            return Some(value);
        }
    }
    None
}

/// Splits `bytes` into records; `None` when the bytes are not a valid message.
pub(crate) fn parse(bytes: &[u8]) -> Option<Vec<Record>> {
    let mut pos = 0;
    let records = parse_until(bytes, &mut pos, None)?;
    (pos == bytes.len()).then_some(records)
}

fn parse_until(bytes: &[u8], pos: &mut usize, end_group: Option<u32>) -> Option<Vec<Record>> {
    let mut records = Vec::new();
    while *pos < bytes.len() {
        let tag = read_varint(bytes, pos)?;
        let number = u32::try_from(tag >> 3).ok()?;
        if number == 0 {
            return None;
        }
        let value = match tag & 7 {
            0 => Raw::Varint(read_varint(bytes, pos)?),
            1 => {
                let chunk = bytes.get(*pos..*pos + 8)?;
                *pos += 8;
                Raw::Fixed64(u64::from_le_bytes(chunk.try_into().ok()?))
            }
            2 => {
                let len = usize::try_from(read_varint(bytes, pos)?).ok()?;
                let end = pos.checked_add(len)?;
                let chunk = bytes.get(*pos..end)?;
                *pos = end;
                Raw::Bytes(chunk.to_vec())
            }
            3 => Raw::Group(parse_until(bytes, pos, Some(number))?),
            4 => {
                return (end_group == Some(number)).then_some(records);
            }
            5 => {
                let chunk = bytes.get(*pos..*pos + 4)?;
                *pos += 4;
                Raw::Fixed32(u32::from_le_bytes(chunk.try_into().ok()?))
            }
            _ => return None,
        };
        records.push(Record { number, value });
    }
    end_group.is_none().then_some(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_wire_type() {
        let records = vec![
            Record::new(1, Raw::Varint(300)),
            Record::new(2, Raw::Fixed64(7)),
            Record::new(3, Raw::Bytes(b"ab".to_vec())),
            Record::new(4, Raw::Group(vec![Record::new(5, Raw::Fixed32(9))])),
            Record::new(1000, Raw::Varint(u64::MAX)),
        ];
        let bytes = to_bytes(&records);
        assert_eq!(parse(&bytes), Some(records));
    }

    #[test]
    fn rejects_truncated_and_unbalanced_input() {
        assert_eq!(parse(&[0x0a, 0x05, 0x01]), None);
        assert_eq!(parse(&[0x1b]), None);
        assert_eq!(parse(&[0x1c]), None);
        assert_eq!(parse(&[0x08, 0x96]), None);
    }
}
