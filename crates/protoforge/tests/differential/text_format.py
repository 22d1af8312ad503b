#!/usr/bin/env python3
"""Python protobuf side of the text-format differential test (see ../text_format.rs).

Usage:
  text_format.py gen <descriptor_set.pb> <seed> <count> <friendly_floats:0|1> <out.txt> [unknown]
      Writes random messages of the conformance test types, one per line:
      `<full type name> <hex of deterministic serialization> <hex of MessageToString>`.
      With `unknown`, fields unknown to every test type (numbers 5000 and up, every wire type,
      nested and not) are appended to the serialization (not to the text).
      With friendly_floats=1, floats are values Python and protoc spell the same way
      (no integral values, no -0, no NaN); with 0 they are any bit pattern but NaN.
  text_format.py check <descriptor_set.pb> <in.txt> <out.txt>
      Reads lines `<type> <hex of expected serialization> <hex of text>`, parses each text
      with Python's text_format and writes `ok` (same message) or `FAIL <reason>` per line.
"""

import random
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, text_format
from google.protobuf import descriptor as d

FD = d.FieldDescriptor

TYPES = [
    "protobuf_test_messages.proto2.TestAllTypesProto2",
    "protobuf_test_messages.proto3.TestAllTypesProto3",
    "protobuf_test_messages.editions.proto2.TestAllTypesProto2",
    "protobuf_test_messages.editions.proto3.TestAllTypesProto3",
]

STRINGS = ["", "a", "Hello, World!", "tab\there", "line\nbreak", "quote\"s'", "back\\slash",
           "\x01\x7f", "caf\u00e9", "\u4e2d\u6587", "\U0001f600", "#not a comment", "{}<>[]"]

FRIENDLY_DOUBLES = [0.5, -2.25, 3.125, 0.001, -0.0001, 1.5e-10, 2.5e20, 123.456, -987.654321,
                    float("inf"), float("-inf"), 1e-300, 6.02214076e23, 0.1, 0.30000000000000004]
FRIENDLY_FLOATS = [0.5, -2.25, 3.125, 0.001, 1.5e-10, 2.5e20, 123.456, float("inf"),
                   float("-inf"), 0.1, 3.192837]


def load_pool(path):
    fds = descriptor_pb2.FileDescriptorSet()
    with open(path, "rb") as f:
        fds.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for fd in fds.file:
        pool.Add(fd)
    return pool


def is_repeated(field):
    if hasattr(field, "is_repeated"):
        return field.is_repeated
    return field.label == FD.LABEL_REPEATED


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


class Gen:
    def __init__(self, pool, rng, friendly):
        self.pool = pool
        self.rng = rng
        self.friendly = friendly

    def scalar(self, field):
        r = self.rng
        t = field.type
        if t in (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32):
            return r.choice([0, 1, -1, 2**31 - 1, -2**31, r.randint(-2**31, 2**31 - 1)])
        if t in (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64):
            return r.choice([0, 1, -1, 2**63 - 1, -2**63, r.randint(-2**63, 2**63 - 1)])
        if t in (FD.TYPE_UINT32, FD.TYPE_FIXED32):
            return r.choice([0, 1, 2**32 - 1, r.randint(0, 2**32 - 1)])
        if t in (FD.TYPE_UINT64, FD.TYPE_FIXED64):
            return r.choice([0, 1, 2**64 - 1, r.randint(0, 2**64 - 1)])
        if t == FD.TYPE_BOOL:
            return r.random() < 0.5
        if t == FD.TYPE_STRING:
            return "".join(r.choice(STRINGS) for _ in range(r.randint(0, 3)))
        if t == FD.TYPE_BYTES:
            return bytes(r.randint(0, 255) for _ in range(r.randint(0, 6)))
        if t == FD.TYPE_DOUBLE:
            if self.friendly:
                return r.choice(FRIENDLY_DOUBLES)
            while True:
                v = struct.unpack("<d", struct.pack("<Q", r.getrandbits(64)))[0]
                if v == v:
                    return v
        if t == FD.TYPE_FLOAT:
            if self.friendly:
                return f32(r.choice(FRIENDLY_FLOATS))
            while True:
                v = struct.unpack("<f", struct.pack("<I", r.getrandbits(32)))[0]
                if v == v:
                    return v
        if t == FD.TYPE_ENUM:
            values = [v.number for v in field.enum_type.values]
            if not field.enum_type.is_closed and r.random() < 0.2:
                return r.choice([99, -5, 12345])
            return r.choice(values)
        raise ValueError(t)

    def non_default(self, field):
        while True:
            v = self.scalar(field)
            if v not in (0, "", b"", False):
                return v

    def fill(self, msg, depth):
        r = self.rng
        desc = msg.DESCRIPTOR
        if desc.full_name == "google.protobuf.Any":
            if depth < 3 and r.random() < 0.7:
                inner_type = self.pool.FindMessageTypeByName(r.choice(TYPES))
                inner = message_factory.GetMessageClass(inner_type)()
                self.fill(inner, depth + 1)
                msg.Pack(inner, deterministic=True)
            return
        fields = list(desc.fields)
        r.shuffle(fields)
        for field in fields:
            if r.random() > (0.35 if depth == 0 else 0.2):
                continue
            if field.message_type is not None and depth >= 3:
                continue
            self.set_field(msg, field, depth)
        if desc.full_name.endswith("TestAllTypesProto2") and r.random() < 0.3:
            for ext in self.pool.FindAllExtensions(desc):
                if r.random() < 0.5 and not (ext.message_type is not None and depth >= 3):
                    self.set_extension(msg, ext, depth)

    def set_field(self, msg, field, depth):
        r = self.rng
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            key_f = field.message_type.fields_by_name["key"]
            val_f = field.message_type.fields_by_name["value"]
            m = getattr(msg, field.name)
            for _ in range(r.randint(1, 3)):
                # Python leaves out default keys and values of map entries where protoc
                # prints them, so the generator avoids defaults there.
                k = self.non_default(key_f)
                if val_f.message_type is not None:
                    self.fill(m[k], depth + 1)
                else:
                    m[k] = self.non_default(val_f)
            return
        if is_repeated(field):
            lst = getattr(msg, field.name)
            for _ in range(r.randint(1, 3)):
                if field.message_type is not None:
                    self.fill(lst.add(), depth + 1)
                else:
                    lst.append(self.scalar(field))
            return
        if field.message_type is not None:
            sub = getattr(msg, field.name)
            sub.SetInParent()
            self.fill(sub, depth + 1)
            return
        setattr(msg, field.name, self.scalar(field))

    def set_extension(self, msg, ext, depth):
        if is_repeated(ext):
            lst = msg.Extensions[ext]
            for _ in range(self.rng.randint(1, 2)):
                if ext.message_type is not None:
                    self.fill(lst.add(), depth + 1)
                else:
                    lst.append(self.scalar(ext))
        elif ext.message_type is not None:
            sub = msg.Extensions[ext]
            sub.SetInParent()
            self.fill(sub, depth + 1)
        else:
            msg.Extensions[ext] = self.scalar(ext)


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def unknown_fields(rng, depth=0):
    out = bytearray()
    for _ in range(rng.randint(1, 4)):
        number = rng.randint(5000, 5010)
        kind = rng.randint(0, 4 if depth < 3 else 3)
        if kind == 0:
            out += varint(number << 3) + varint(rng.choice([0, 1, 150, 2**64 - 1, rng.getrandbits(40)]))
        elif kind == 1:
            out += varint(number << 3 | 5) + struct.pack("<I", rng.getrandbits(32))
        elif kind == 2:
            out += varint(number << 3 | 1) + struct.pack("<Q", rng.getrandbits(64))
        elif kind == 3:
            if depth < 3 and rng.random() < 0.5:
                body = unknown_fields(rng, depth + 1)
            else:
                body = rng.choice([b"", b"hello", b"\x00\xff\n", "caf\u00e9".encode()])
            out += varint(number << 3 | 2) + varint(len(body)) + body
        else:
            out += varint(number << 3 | 3) + unknown_fields(rng, depth + 1) + varint(number << 3 | 4)
    return bytes(out)


def gen(pool_path, seed, count, friendly, out_path, unknown=False):
    pool = load_pool(pool_path)
    rng = random.Random(seed)
    g = Gen(pool, rng, friendly)
    with open(out_path, "w") as out:
        for i in range(count):
            type_name = TYPES[i % len(TYPES)]
            cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(type_name))
            msg = cls()
            g.fill(msg, 0)
            data = msg.SerializeToString(deterministic=True)
            if unknown:
                data += unknown_fields(rng)
            text = text_format.MessageToString(msg, as_utf8=False, descriptor_pool=pool)
            out.write("%s %s %s\n" % (type_name, data.hex(), text.encode("utf-8").hex()))


def check(pool_path, in_path, out_path):
    pool = load_pool(pool_path)
    with open(in_path) as f, open(out_path, "w") as out:
        for line in f:
            type_name, expected, text = line.split()
            cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(type_name))
            want = cls()
            want.ParseFromString(bytes.fromhex(expected))
            try:
                got = text_format.Parse(bytes.fromhex(text).decode("utf-8"), cls(),
                                        descriptor_pool=pool)
            except Exception as e:  # noqa: BLE001 - any parse failure is a test failure
                out.write("FAIL parse: %s\n" % str(e).replace("\n", " "))
                continue
            # Compared as Python prints them: Any values re-packed by the parser may order
            # map entries differently from the original bytes.
            got_text = text_format.MessageToString(got, as_utf8=False, descriptor_pool=pool)
            want_text = text_format.MessageToString(want, as_utf8=False, descriptor_pool=pool)
            if got != want and got_text != want_text:
                out.write("FAIL differs: %s\n" % got.SerializeToString(deterministic=True).hex())
            else:
                out.write("ok\n")


def main():
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1", sys.argv[6],
            sys.argv[7:] == ["unknown"])
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit("usage: text_format.py gen|check ...")


if __name__ == "__main__":
    main()
