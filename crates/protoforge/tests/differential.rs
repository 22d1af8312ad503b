//! Differential test against Python `protobuf` (upb) with the reference protoc: random
//! messages of `tests/differential/all_types.proto` made by Python are decoded by
//! protoforge and must hold the same values and re-encode to the same bytes; random
//! messages made by protoforge are parsed by Python and must hold the same values and
//! re-serialize to the same bytes. `AllTypes` below is written the way generated code
//! will be (with a macro to keep the per-type repetition short).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use bytes::{Buf, BufMut};
use protoforge::encoding::{self, DecodeContext, WireType, codec};
use protoforge::{DecodeError, Enumeration, Message, UnknownFields};

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
#[repr(i32)]
enum Color {
    #[default]
    Red = 0,
    Green = 1,
    Blue = 2,
    Negative = -7,
}

impl TryFrom<i32> for Color {
    type Error = protoforge::UnknownEnumValue;

    fn try_from(value: i32) -> Result<Self, Self::Error> {
        match value {
            0 => Ok(Color::Red),
            1 => Ok(Color::Green),
            2 => Ok(Color::Blue),
            -7 => Ok(Color::Negative),
            _ => Err(protoforge::UnknownEnumValue(value)),
        }
    }
}

impl From<Color> for i32 {
    fn from(value: Color) -> i32 {
        value as i32
    }
}

impl Enumeration for Color {}

/// The group `G` of `AllTypes`.
#[derive(Clone, PartialEq, Default, Debug)]
struct G {
    g_a: Option<i32>,
    g_b: Option<String>,
    unknown_fields: UnknownFields,
}

impl Message for G {
    fn encode_with(&self, buf: &mut impl BufMut, _sizes: &mut protoforge::encoding::SizeCache) {
        if let Some(v) = &self.g_a {
            encoding::int32::encode(71, v, buf);
        }
        if let Some(v) = &self.g_b {
            encoding::string::encode(72, v, buf);
        }
        self.unknown_fields.encode_raw(buf);
    }

    fn merge_field(
        &mut self,
        number: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        match number {
            71 => encoding::int32::merge(wire_type, self.g_a.get_or_insert_default(), buf, ctx)
                .map_err(|e| e.push("G", "g_a")),
            72 => encoding::string::merge(wire_type, self.g_b.get_or_insert_default(), buf, ctx)
                .map_err(|e| e.push("G", "g_b")),
            _ => self.unknown_fields.merge_field(number, wire_type, buf, ctx),
        }
    }

    fn encoded_len_with(&self, _sizes: &mut protoforge::encoding::SizeCache) -> usize {
        self.g_a
            .as_ref()
            .map_or(0, |v| encoding::int32::encoded_len(71, v))
            + self
                .g_b
                .as_ref()
                .map_or(0, |v| encoding::string::encoded_len(72, v))
            + self.unknown_fields.encoded_len()
    }

    fn clear(&mut self) {
        *self = G::default();
    }
}

/// A value in the dump format shared with `differential.py`.
trait Dump {
    fn dump(&self, out: &mut String);
}

macro_rules! dump_display {
    ($($ty:ty),*) => {$(
        impl Dump for $ty {
            fn dump(&self, out: &mut String) {
                write!(out, "{self}").unwrap();
            }
        }
    )*};
}
dump_display!(i32, i64, u32, u64, bool);

impl Dump for f32 {
    fn dump(&self, out: &mut String) {
        write!(out, "f{:08x}", self.to_bits()).unwrap();
    }
}

impl Dump for f64 {
    fn dump(&self, out: &mut String) {
        write!(out, "d{:016x}", self.to_bits()).unwrap();
    }
}

fn dump_hex(bytes: &[u8], out: &mut String) {
    out.push('x');
    for b in bytes {
        write!(out, "{b:02x}").unwrap();
    }
}

impl Dump for String {
    fn dump(&self, out: &mut String) {
        dump_hex(self.as_bytes(), out);
    }
}

impl Dump for Vec<u8> {
    fn dump(&self, out: &mut String) {
        dump_hex(self, out);
    }
}

impl Dump for Color {
    fn dump(&self, out: &mut String) {
        write!(out, "{}", self.to_i32()).unwrap();
    }
}

impl Dump for G {
    fn dump(&self, out: &mut String) {
        let mut fields = Fields::new(out);
        fields.opt("g_a", &self.g_a);
        fields.opt("g_b", &self.g_b);
        fields.finish();
    }
}

impl<T: Dump> Dump for Box<T> {
    fn dump(&self, out: &mut String) {
        (**self).dump(out);
    }
}

/// Writes `{name=v;name=v,v}`.
struct Fields<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Fields<'a> {
    fn new(out: &'a mut String) -> Self {
        out.push('{');
        Fields { out, first: true }
    }

    fn name(&mut self, name: &str) {
        if !self.first {
            self.out.push(';');
        }
        self.first = false;
        self.out.push_str(name);
        self.out.push('=');
    }

    fn opt<T: Dump>(&mut self, name: &str, value: &Option<T>) {
        if let Some(v) = value {
            self.name(name);
            v.dump(self.out);
        }
    }

    fn rep<T: Dump>(&mut self, name: &str, values: &[T]) {
        if !values.is_empty() {
            self.name(name);
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                v.dump(self.out);
            }
        }
    }

    fn map<K: Dump, V: Dump>(&mut self, name: &str, map: &BTreeMap<K, V>) {
        if !map.is_empty() {
            self.name(name);
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                k.dump(self.out);
                self.out.push(':');
                v.dump(self.out);
            }
        }
    }

    fn finish(self) {
        self.out.push('}');
    }
}

/// A tiny deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

trait Random: Sized {
    fn random(rng: &mut Rng) -> Self;
}

macro_rules! random_int {
    ($($ty:ty),*) => {$(
        impl Random for $ty {
            fn random(rng: &mut Rng) -> Self {
                match rng.below(5) {
                    0 => <$ty>::MIN,
                    1 => <$ty>::MAX,
                    2 => rng.below(300) as $ty,
                    _ => rng.next() as $ty,
                }
            }
        }
    )*};
}
random_int!(i32, i64, u32, u64);

impl Random for bool {
    fn random(rng: &mut Rng) -> Self {
        rng.chance(50)
    }
}

impl Random for f32 {
    fn random(rng: &mut Rng) -> Self {
        loop {
            let v = f32::from_bits(rng.next() as u32);
            if !v.is_nan() {
                return v;
            }
        }
    }
}

impl Random for f64 {
    fn random(rng: &mut Rng) -> Self {
        loop {
            let v = f64::from_bits(rng.next());
            if !v.is_nan() {
                return v;
            }
        }
    }
}

impl Random for String {
    fn random(rng: &mut Rng) -> Self {
        (0..rng.below(10))
            .filter_map(|_| match rng.below(3) {
                0 => char::from_u32(0x20 + rng.below(0x5f) as u32),
                1 => char::from_u32(0xa0 + rng.below(0xd000) as u32),
                _ => char::from_u32(0x10000 + rng.below(0x100000) as u32),
            })
            .collect()
    }
}

impl Random for Vec<u8> {
    fn random(rng: &mut Rng) -> Self {
        (0..rng.below(10)).map(|_| rng.next() as u8).collect()
    }
}

impl Random for Color {
    fn random(rng: &mut Rng) -> Self {
        [Color::Red, Color::Green, Color::Blue, Color::Negative][rng.below(4) as usize]
    }
}

fn random_vec<T: Random>(rng: &mut Rng) -> Vec<T> {
    if rng.chance(50) {
        Vec::new()
    } else {
        (0..rng.below(6)).map(|_| T::random(rng)).collect()
    }
}

fn random_opt<T: Random>(rng: &mut Rng) -> Option<T> {
    if rng.chance(50) {
        Some(T::random(rng))
    } else {
        None
    }
}

macro_rules! all_types {
    (
        singular { $($s:ident: $smod:ident, $sty:ty = $sn:literal;)* }
        packed { $($p:ident: $pmod:ident, $pty:ty = $pn:literal;)* }
        unpacked { $($u:ident: $umod:ident, $uty:ty = $un:literal;)* }
    ) => {
        /// `protoforge.diff.AllTypes`.
        #[derive(Clone, PartialEq, Default, Debug)]
        struct AllTypes {
            $($s: Option<$sty>,)*
            f_enum: Option<Color>,
            f_child: Option<Box<AllTypes>>,
            $($p: Vec<$pty>,)*
            $($u: Vec<$uty>,)*
            u_enum: Vec<Color>,
            p_enum: Vec<Color>,
            r_child: Vec<AllTypes>,
            m_str_int: BTreeMap<String, i32>,
            m_int_str: BTreeMap<i64, String>,
            g: Option<G>,
            unknown_fields: UnknownFields,
        }

        impl Message for AllTypes {
            fn encode_with(&self, buf: &mut impl BufMut, sizes: &mut protoforge::encoding::SizeCache) {
                $(if let Some(v) = &self.$s { encoding::$smod::encode($sn, v, buf); })*
                if let Some(v) = &self.f_enum { encoding::enumeration::encode(16, v, buf); }
                if let Some(v) = &self.f_child { encoding::message::encode(17, &**v, buf, sizes); }
                $(encoding::$pmod::encode_packed($pn, &self.$p, buf);)*
                $(encoding::$umod::encode_repeated($un, &self.$u, buf);)*
                encoding::enumeration::encode_repeated(56, &self.u_enum, buf);
                encoding::enumeration::encode_packed(57, &self.p_enum, buf);
                encoding::message::encode_repeated(58, &self.r_child, buf, sizes);
                encoding::map::encode::<codec::String, codec::Int32, _>(60, &self.m_str_int, buf);
                encoding::map::encode::<codec::SInt64, codec::String, _>(61, &self.m_int_str, buf);
                if let Some(v) = &self.g { encoding::group::encode(70, v, buf, sizes); }
                self.unknown_fields.encode_raw(buf);
            }

            fn merge_field(
                &mut self,
                number: u32,
                wire_type: WireType,
                buf: &mut impl Buf,
                ctx: DecodeContext,
            ) -> Result<(), DecodeError> {
                const NAME: &str = "AllTypes";
                match number {
                    $($sn => encoding::$smod::merge(wire_type, self.$s.get_or_insert_default(), buf, ctx)
                        .map_err(|e| e.push(NAME, stringify!($s))),)*
                    16 => encoding::enumeration::merge_closed(number, wire_type, &mut self.f_enum, buf, ctx, &mut self.unknown_fields)
                        .map_err(|e| e.push(NAME, "f_enum")),
                    17 => encoding::message::merge(wire_type, &mut **self.f_child.get_or_insert_default(), buf, ctx)
                        .map_err(|e| e.push(NAME, "f_child")),
                    $($pn => encoding::$pmod::merge_repeated(wire_type, &mut self.$p, buf, ctx)
                        .map_err(|e| e.push(NAME, stringify!($p))),)*
                    $($un => encoding::$umod::merge_repeated(wire_type, &mut self.$u, buf, ctx)
                        .map_err(|e| e.push(NAME, stringify!($u))),)*
                    56 => encoding::enumeration::merge_closed_repeated(number, wire_type, &mut self.u_enum, buf, ctx, &mut self.unknown_fields)
                        .map_err(|e| e.push(NAME, "u_enum")),
                    57 => encoding::enumeration::merge_closed_repeated(number, wire_type, &mut self.p_enum, buf, ctx, &mut self.unknown_fields)
                        .map_err(|e| e.push(NAME, "p_enum")),
                    58 => encoding::message::merge_repeated(wire_type, &mut self.r_child, buf, ctx)
                        .map_err(|e| e.push(NAME, "r_child")),
                    60 => encoding::map::merge_entry::<codec::String, codec::Int32>(wire_type, buf, ctx)
                        .map(|(k, v)| { self.m_str_int.insert(k, v); })
                        .map_err(|e| e.push(NAME, "m_str_int")),
                    61 => encoding::map::merge_entry::<codec::SInt64, codec::String>(wire_type, buf, ctx)
                        .map(|(k, v)| { self.m_int_str.insert(k, v); })
                        .map_err(|e| e.push(NAME, "m_int_str")),
                    70 => encoding::group::merge(number, wire_type, self.g.get_or_insert_default(), buf, ctx)
                        .map_err(|e| e.push(NAME, "g")),
                    _ => self.unknown_fields.merge_field(number, wire_type, buf, ctx),
                }
            }

            fn encoded_len_with(&self, sizes: &mut protoforge::encoding::SizeCache) -> usize {
                0 $(+ self.$s.as_ref().map_or(0, |v| encoding::$smod::encoded_len($sn, v)))*
                    + self.f_enum.as_ref().map_or(0, |v| encoding::enumeration::encoded_len(16, v))
                    + self.f_child.as_ref().map_or(0, |v| encoding::message::encoded_len(17, &**v, sizes))
                    $(+ encoding::$pmod::encoded_len_packed($pn, &self.$p))*
                    $(+ encoding::$umod::encoded_len_repeated($un, &self.$u))*
                    + encoding::enumeration::encoded_len_repeated(56, &self.u_enum)
                    + encoding::enumeration::encoded_len_packed(57, &self.p_enum)
                    + encoding::message::encoded_len_repeated(58, &self.r_child, sizes)
                    + encoding::map::encoded_len::<codec::String, codec::Int32, _>(60, &self.m_str_int)
                    + encoding::map::encoded_len::<codec::SInt64, codec::String, _>(61, &self.m_int_str)
                    + self.g.as_ref().map_or(0, |v| encoding::group::encoded_len(70, v, sizes))
                    + self.unknown_fields.encoded_len()
            }

            fn clear(&mut self) {
                *self = AllTypes::default();
            }
        }

        impl Dump for AllTypes {
            fn dump(&self, out: &mut String) {
                let mut fields = Fields::new(out);
                $(fields.opt(stringify!($s), &self.$s);)*
                fields.opt("f_enum", &self.f_enum);
                fields.opt("f_child", &self.f_child);
                $(fields.rep(stringify!($p), &self.$p);)*
                $(fields.rep(stringify!($u), &self.$u);)*
                fields.rep("u_enum", &self.u_enum);
                fields.rep("p_enum", &self.p_enum);
                fields.rep("r_child", &self.r_child);
                fields.map("m_str_int", &self.m_str_int);
                fields.map("m_int_str", &self.m_int_str);
                fields.opt("g", &self.g);
                fields.finish();
            }
        }

        impl AllTypes {
            /// Whether no map (here or below) has more than one entry, so that the
            /// encoding does not depend on map order.
            fn map_order_free(&self) -> bool {
                self.m_str_int.len() <= 1
                    && self.m_int_str.len() <= 1
                    && self.f_child.as_ref().is_none_or(|c| c.map_order_free())
                    && self.r_child.iter().all(AllTypes::map_order_free)
            }

            fn random(rng: &mut Rng, depth: u32) -> Self {
                let mut msg = AllTypes::default();
                $(msg.$s = random_opt(rng);)*
                msg.f_enum = random_opt(rng);
                if depth < 2 && rng.chance(30) {
                    msg.f_child = Some(Box::new(AllTypes::random(rng, depth + 1)));
                }
                $(msg.$p = random_vec(rng);)*
                $(msg.$u = random_vec(rng);)*
                msg.u_enum = random_vec(rng);
                msg.p_enum = random_vec(rng);
                if depth < 2 && rng.chance(20) {
                    msg.r_child = (0..rng.below(3)).map(|_| AllTypes::random(rng, depth + 1)).collect();
                }
                for _ in 0..rng.below(3) {
                    msg.m_str_int.insert(String::random(rng), i32::random(rng));
                    msg.m_int_str.insert(i64::random(rng), String::random(rng));
                }
                if rng.chance(40) {
                    msg.g = Some(G { g_a: random_opt(rng), g_b: random_opt(rng), ..G::default() });
                }
                msg
            }
        }
    };
}

all_types! {
    singular {
        f_int32: int32, i32 = 1;
        f_int64: int64, i64 = 2;
        f_uint32: uint32, u32 = 3;
        f_uint64: uint64, u64 = 4;
        f_sint32: sint32, i32 = 5;
        f_sint64: sint64, i64 = 6;
        f_fixed32: fixed32, u32 = 7;
        f_fixed64: fixed64, u64 = 8;
        f_sfixed32: sfixed32, i32 = 9;
        f_sfixed64: sfixed64, i64 = 10;
        f_float: float, f32 = 11;
        f_double: double, f64 = 12;
        f_bool: bool, bool = 13;
        f_string: string, String = 14;
        f_bytes: bytes, Vec<u8> = 15;
    }
    packed {
        p_int32: int32, i32 = 21;
        p_int64: int64, i64 = 22;
        p_uint32: uint32, u32 = 23;
        p_uint64: uint64, u64 = 24;
        p_sint32: sint32, i32 = 25;
        p_sint64: sint64, i64 = 26;
        p_fixed32: fixed32, u32 = 27;
        p_fixed64: fixed64, u64 = 28;
        p_sfixed32: sfixed32, i32 = 29;
        p_sfixed64: sfixed64, i64 = 30;
        p_float: float, f32 = 31;
        p_double: double, f64 = 32;
        p_bool: bool, bool = 33;
    }
    unpacked {
        u_int32: int32, i32 = 41;
        u_int64: int64, i64 = 42;
        u_uint32: uint32, u32 = 43;
        u_uint64: uint64, u64 = 44;
        u_sint32: sint32, i32 = 45;
        u_sint64: sint64, i64 = 46;
        u_fixed32: fixed32, u32 = 47;
        u_fixed64: fixed64, u64 = 48;
        u_sfixed32: sfixed32, i32 = 49;
        u_sfixed64: sfixed64, i64 = 50;
        u_float: float, f32 = 51;
        u_double: double, f64 = 52;
        u_bool: bool, bool = 53;
        u_string: string, String = 54;
        u_bytes: bytes, Vec<u8> = 55;
    }
}

fn dump(msg: &AllTypes) -> String {
    let mut out = String::new();
    msg.dump(&mut out);
    out
}

fn read_delimited(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut buf = bytes;
    while !buf.is_empty() {
        let len = encoding::decode_len(&mut buf).expect("length prefix");
        out.push(&buf[..len]);
        buf.advance(len);
    }
    out
}

#[test]
fn agrees_with_python_protobuf() {
    const COUNT: usize = 300;
    let dir = std::env::temp_dir().join(format!("protoforge-differential-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    // protoforge -> Python.
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let ours: Vec<AllTypes> = (0..COUNT).map(|_| AllTypes::random(&mut rng, 0)).collect();
    let mut stream = Vec::new();
    for msg in &ours {
        let bytes = msg.encode_length_delimited_to_vec();
        assert_eq!(
            bytes.len(),
            encoding::encoded_len_varint(msg.encoded_len() as u64) + msg.encoded_len()
        );
        stream.extend(bytes);
    }
    std::fs::write(dir.join("rust_messages.bin"), &stream).unwrap();

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential/differential.py");
    let status = Command::new("python3")
        .arg(&script)
        .arg(dir.join("rust_messages.bin"))
        .arg(&dir)
        .arg(COUNT.to_string())
        .arg("12345")
        .status()
        .expect("python3 must be installed (with protobuf and grpcio-tools)");
    assert!(status.success(), "differential.py failed");

    let parsed = std::fs::read_to_string(dir.join("rust_parsed.txt")).unwrap();
    let reserialized = std::fs::read(dir.join("rust_reserialized.bin")).unwrap();
    let reserialized = read_delimited(&reserialized);
    assert_eq!(parsed.lines().count(), COUNT);
    assert_eq!(reserialized.len(), COUNT);
    // Python's "deterministic" map order is not a documented canonical order (it is not
    // sorted), so bytes are compared only where no map has two entries; elsewhere values.
    let mut byte_compared = 0;
    for (i, (msg, (python_dump, python_bytes))) in ours
        .iter()
        .zip(parsed.lines().zip(&reserialized))
        .enumerate()
    {
        assert_eq!(
            python_dump,
            dump(msg),
            "message {i}: Python read different values"
        );
        if msg.map_order_free() {
            assert_eq!(
                *python_bytes,
                &msg.encode_to_vec()[..],
                "message {i}: encodings differ"
            );
            byte_compared += 1;
        } else {
            assert_eq!(
                &AllTypes::decode(*python_bytes).unwrap(),
                msg,
                "message {i}"
            );
        }
    }

    // Python -> protoforge.
    let values = std::fs::read_to_string(dir.join("py_values.txt")).unwrap();
    let messages = std::fs::read(dir.join("py_messages.bin")).unwrap();
    let messages = read_delimited(&messages);
    assert_eq!(messages.len(), COUNT);
    let mut non_trivial = 0;
    for (i, (bytes, expected)) in messages.iter().zip(values.lines()).enumerate() {
        let msg = AllTypes::decode(*bytes).unwrap_or_else(|e| panic!("message {i}: {e}"));
        assert!(
            msg.unknown_fields.is_empty(),
            "message {i}: unknown fields {:?}",
            msg.unknown_fields
        );
        assert_eq!(dump(&msg), expected, "message {i}: values differ");
        assert_eq!(msg.encoded_len(), bytes.len(), "message {i}");
        if msg.map_order_free() {
            assert_eq!(
                &msg.encode_to_vec()[..],
                *bytes,
                "message {i}: re-encoding differs"
            );
            byte_compared += 1;
        } else {
            assert_eq!(
                AllTypes::decode(&msg.encode_to_vec()[..]).unwrap(),
                msg,
                "message {i}"
            );
        }
        non_trivial += usize::from(bytes.len() > 50);
    }
    assert!(
        non_trivial > COUNT / 2,
        "the random messages are too small to test much"
    );
    assert!(
        byte_compared > COUNT / 2,
        "only {byte_compared} messages were compared byte for byte"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn closed_enum_unknown_values_and_map_overwrites() {
    // u_enum = [1, 5 (unknown), 2] packed, then map entries with the same key twice.
    let mut bytes = vec![0xc2, 0x03, 0x03, 0x01, 0x05, 0x02];
    let entry = |k: &str, v: u8| {
        let mut e = vec![0x0a, k.len() as u8];
        e.extend(k.as_bytes());
        e.extend([0x10, v]);
        let mut field = vec![0xe2, 0x03, e.len() as u8];
        field.extend(e);
        field
    };
    bytes.extend(entry("k", 1));
    bytes.extend(entry("k", 2));
    let msg = AllTypes::decode(&bytes[..]).unwrap();
    assert_eq!(msg.u_enum, [Color::Green, Color::Blue]);
    assert_eq!(msg.unknown_fields.get(56).count(), 1);
    assert_eq!(msg.m_str_int.get("k"), Some(&2));
    // A map entry missing its key or value decodes the default.
    let msg = AllTypes::decode(&[0xe2, 0x03, 0x02, 0x10, 0x07][..]).unwrap();
    assert_eq!(msg.m_str_int.get(""), Some(&7));
}
