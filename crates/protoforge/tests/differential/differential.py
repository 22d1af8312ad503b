#!/usr/bin/env python3
"""Python protobuf side of the differential test (see ../differential.rs).

Usage: differential.py <rust_messages.bin> <out_dir> <count> <seed>

Compiles all_types.proto with the reference protoc, then
  1. parses every length-delimited message Rust wrote and writes, per message, its
     canonical dump (rust_parsed.txt) and its re-serialization (rust_reserialized.bin);
  2. generates <count> random messages and writes them (py_messages.bin, length-delimited,
     deterministic serialization) and their dumps (py_values.txt).
The dump format is shared with differential.rs: `{name=v,v;name=v}` with fields in number
order, ints in decimal, floats as f/d + hex bits, strings and bytes as x + hex, maps as
`key:value` pairs sorted by key, messages nested in braces.
"""

import importlib
import os
import random
import struct
import subprocess
import sys
import tempfile

from google.protobuf import descriptor

HERE = os.path.dirname(os.path.abspath(__file__))
FD = descriptor.FieldDescriptor


def compile_proto(tmp):
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{HERE}", f"--python_out={tmp}",
         "all_types.proto"],
        check=True,
    )
    sys.path.insert(0, tmp)
    return importlib.import_module("all_types_pb2")


def value_str(field, v):
    t = field.type
    if t in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
        return dump(v)
    if t == FD.TYPE_FLOAT:
        return "f%08x" % struct.unpack("<I", struct.pack("<f", v))[0]
    if t == FD.TYPE_DOUBLE:
        return "d%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]
    if t == FD.TYPE_BOOL:
        return "true" if v else "false"
    if t == FD.TYPE_STRING:
        return "x" + v.encode("utf-8").hex()
    if t == FD.TYPE_BYTES:
        return "x" + v.hex()
    return str(int(v))


def is_repeated(field):
    if hasattr(field, "is_repeated"):
        return field.is_repeated
    return field.label == FD.LABEL_REPEATED


def is_map(field):
    return (field.type == FD.TYPE_MESSAGE and field.message_type.GetOptions().map_entry)


def dump(msg):
    parts = []
    for field in sorted(msg.DESCRIPTOR.fields, key=lambda f: f.number):
        value = getattr(msg, field.name)
        if is_map(field):
            if not value:
                continue
            kf = field.message_type.fields_by_name["key"]
            vf = field.message_type.fields_by_name["value"]
            items = ",".join(f"{value_str(kf, k)}:{value_str(vf, value[k])}" for k in sorted(value))
            parts.append(f"{field.name}={items}")
        elif is_repeated(field):
            if len(value):
                parts.append(f"{field.name}=" + ",".join(value_str(field, v) for v in value))
        elif msg.HasField(field.name):
            parts.append(f"{field.name}={value_str(field, value)}")
    return "{" + ";".join(parts) + "}"


def random_scalar(rng, field):
    t = field.type
    edge = rng.random() < 0.2

    def pick(lo, hi):
        return rng.choice([lo, hi, 0, -1 if lo < 0 else 1]) if edge else rng.randint(lo, hi)

    if t in (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32):
        return pick(-2**31, 2**31 - 1)
    if t in (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64):
        return pick(-2**63, 2**63 - 1)
    if t in (FD.TYPE_UINT32, FD.TYPE_FIXED32):
        return pick(0, 2**32 - 1)
    if t in (FD.TYPE_UINT64, FD.TYPE_FIXED64):
        return pick(0, 2**64 - 1)
    if t == FD.TYPE_BOOL:
        return rng.random() < 0.5
    if t == FD.TYPE_FLOAT:
        while True:
            v = struct.unpack("<f", struct.pack("<I", rng.getrandbits(32)))[0]
            if v == v:
                return v
    if t == FD.TYPE_DOUBLE:
        while True:
            v = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
            if v == v:
                return v
    if t == FD.TYPE_STRING:
        chars = []
        for _ in range(rng.randint(0, 12)):
            c = rng.choice([rng.randint(0x20, 0x7e), rng.randint(0xa0, 0xd7ff),
                            rng.randint(0x10000, 0x10ffff)])
            chars.append(chr(c))
        return "".join(chars)
    if t == FD.TYPE_BYTES:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 12)))
    if t == FD.TYPE_ENUM:
        return rng.choice([v.number for v in field.enum_type.values])
    raise ValueError(field)


def fill(rng, msg, depth):
    for field in msg.DESCRIPTOR.fields:
        if rng.random() < 0.45:
            continue
        if is_map(field):
            kf = field.message_type.fields_by_name["key"]
            vf = field.message_type.fields_by_name["value"]
            target = getattr(msg, field.name)
            for _ in range(rng.randint(0, 4)):
                target[random_scalar(rng, kf)] = random_scalar(rng, vf)
        elif field.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
            if field.message_type.name == "AllTypes" and depth >= 2:
                continue
            if is_repeated(field):
                for _ in range(rng.randint(0, 2)):
                    fill(rng, getattr(msg, field.name).add(), depth + 1)
            else:
                sub = getattr(msg, field.name)
                sub.SetInParent()
                fill(rng, sub, depth + 1)
        elif is_repeated(field):
            getattr(msg, field.name).extend(
                random_scalar(rng, field) for _ in range(rng.randint(0, 5)))
        else:
            setattr(msg, field.name, random_scalar(rng, field))


def read_delimited(data):
    pos = 0
    while pos < len(data):
        length, shift = 0, 0
        while True:
            b = data[pos]
            pos += 1
            length |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        yield data[pos:pos + length]
        pos += length


def write_delimited(out, payload):
    length = len(payload)
    while length >= 0x80:
        out.write(bytes([(length & 0x7F) | 0x80]))
        length >>= 7
    out.write(bytes([length]))
    out.write(payload)


def main():
    rust_file, out_dir, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with tempfile.TemporaryDirectory() as tmp:
        pb2 = compile_proto(tmp)
        with open(rust_file, "rb") as f:
            data = f.read()
        with open(os.path.join(out_dir, "rust_parsed.txt"), "w") as dumps, \
                open(os.path.join(out_dir, "rust_reserialized.bin"), "wb") as again:
            for payload in read_delimited(data):
                msg = pb2.AllTypes()
                msg.ParseFromString(payload)
                dumps.write(dump(msg) + "\n")
                write_delimited(again, msg.SerializeToString(deterministic=True))
        rng = random.Random(seed)
        with open(os.path.join(out_dir, "py_values.txt"), "w") as dumps, \
                open(os.path.join(out_dir, "py_messages.bin"), "wb") as msgs:
            for _ in range(count):
                msg = pb2.AllTypes()
                fill(rng, msg, 0)
                dumps.write(dump(msg) + "\n")
                write_delimited(msgs, msg.SerializeToString(deterministic=True))


if __name__ == "__main__":
    main()
