#!/usr/bin/env python3
"""Python protobuf (upb) side of the reflection differential test (see reflect_differential.rs).

Usage:
  reflect_differential.py schema <set.pb> <out.txt>
      For every message of the descriptor set, one line per field and extension:
      `full_name type label presence packed group closed json_name`, as Python's
      descriptors resolve them (the truth for features, proto2/proto3/editions).
  reflect_differential.py gen <set.pb> <out.bin> <count> <seed> <type>...
      Random messages of the given types, written as records of four length-delimited
      parts: type name, deterministic serialization, value dump, "1" if the bytes cannot be
      compared (extensions set, or maps with several entries).
  reflect_differential.py check <set.pb> <gen.bin> <rust.bin>
      Parses every message Rust re-encoded (length-delimited, same order as gen.bin) and
      fails unless it equals the message Python generated.

The dump is shared with the Rust side: `{name=v,v;...}` with fields and extensions (as
`[full.name]`) in number order, only fields that are set, ints in decimal, floats as f/d plus
hex bits, strings and bytes as x plus hex, enums as numbers, maps as `key:value` sorted by
key, messages in braces.
"""

import random
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf import descriptor as d

FD = d.FieldDescriptor


def load_pool(path):
    with open(path, "rb") as f:
        fds = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in fds.file:
        pool.Add(file)
    return fds, pool


def all_messages(fds, pool):
    def walk(prefix, msgs):
        for m in msgs:
            name = f"{prefix}.{m.name}" if prefix else m.name
            yield name
            yield from walk(name, m.nested_type)

    for file in fds.file:
        for name in walk(file.package, file.message_type):
            yield pool.FindMessageTypeByName(name)


def is_map(f):
    return f.type == FD.TYPE_MESSAGE and f.message_type.GetOptions().map_entry


def schema(set_path, out_path):
    fds, pool = load_pool(set_path)
    lines = []
    for m in all_messages(fds, pool):
        fields = list(m.fields) + list(pool.FindAllExtensions(m))
        for f in sorted(fields, key=lambda f: f.number):
            label = "repeated" if f.is_repeated else ("required" if f.is_required else "optional")
            closed = "-"
            if f.type == FD.TYPE_ENUM:
                closed = "closed" if f.enum_type.is_closed else "open"
            group = "group" if f.type == FD.TYPE_GROUP else "-"
            json_name = f"[{f.full_name}]" if f.is_extension else f.json_name
            lines.append(
                f"{m.full_name} {f.full_name} {f.number} {label} "
                f"{'presence' if f.has_presence else '-'} {'packed' if f.is_packed else '-'} "
                f"{group} {closed} {json_name}"
            )
    with open(out_path, "w") as out:
        out.write("\n".join(lines) + "\n")


def value_str(f, v):
    t = f.type
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


def is_set(msg, f):
    if f.is_repeated:
        return len(getattr(msg, f.name)) > 0
    if f.has_presence:
        return msg.HasField(f.name)
    v = getattr(msg, f.name)
    if f.type == FD.TYPE_FLOAT:
        return struct.pack("<f", v) != b"\0" * 4
    if f.type == FD.TYPE_DOUBLE:
        return struct.pack("<d", v) != b"\0" * 8
    return bool(v)


def dump(msg):
    items = []
    for f in msg.DESCRIPTOR.fields:
        if is_set(msg, f):
            items.append((f.number, f.name, f, getattr(msg, f.name)))
    for f, v in msg.ListFields():
        if f.is_extension:
            items.append((f.number, f"[{f.full_name}]", f, v))
    parts = []
    for _, name, f, v in sorted(items, key=lambda i: i[0]):
        if is_map(f):
            kf = f.message_type.fields_by_name["key"]
            vf = f.message_type.fields_by_name["value"]
            entries = ",".join(f"{value_str(kf, k)}:{value_str(vf, v[k])}" for k in sorted(v))
            parts.append(f"{name}={entries}")
        elif f.is_repeated:
            parts.append(f"{name}=" + ",".join(value_str(f, x) for x in v))
        else:
            parts.append(f"{name}={value_str(f, v)}")
    return "{" + ";".join(parts) + "}"


def rand_scalar(rng, f):
    t = f.type
    pick = rng.random() < 0.3
    if t in (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32):
        return rng.choice([0, 1, -1, 2**31 - 1, -(2**31)]) if pick else rng.randint(-(2**31), 2**31 - 1)
    if t in (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64):
        return rng.choice([0, 1, -1, 2**63 - 1, -(2**63)]) if pick else rng.randint(-(2**63), 2**63 - 1)
    if t in (FD.TYPE_UINT32, FD.TYPE_FIXED32):
        return rng.choice([0, 1, 2**32 - 1]) if pick else rng.randint(0, 2**32 - 1)
    if t in (FD.TYPE_UINT64, FD.TYPE_FIXED64):
        return rng.choice([0, 1, 2**64 - 1]) if pick else rng.randint(0, 2**64 - 1)
    if t in (FD.TYPE_FLOAT, FD.TYPE_DOUBLE):
        if pick:
            return rng.choice([0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1e-40])
        v = rng.uniform(-1e6, 1e6)
        if t == FD.TYPE_FLOAT:
            v = struct.unpack("<f", struct.pack("<f", v))[0]
        return v
    if t == FD.TYPE_BOOL:
        return rng.random() < 0.5
    if t == FD.TYPE_STRING:
        return "".join(rng.choice("ab_Z09 é中\u0000😀\n") for _ in range(rng.randint(0, 8)))
    if t == FD.TYPE_BYTES:
        return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 8)))
    if t == FD.TYPE_ENUM:
        values = [v.number for v in f.enum_type.values]
        if not f.enum_type.is_closed and rng.random() < 0.2:
            return rng.choice([12345, -2, 2**31 - 1])
        return rng.choice(values)
    raise ValueError(t)


# upb's deterministic serialization writes map entries in an order of its own (descending
# unsigned for integer keys), not protoc's C++ order (ascending by key); messages with
# several entries in one map are therefore compared by value and by Python re-parsing only.
MAX_MAP_ENTRIES = [3]


def fill(rng, pool, msg, depth):
    desc = msg.DESCRIPTOR
    chosen_oneofs = set()
    for f in desc.fields:
        oneof = f.containing_oneof
        if oneof is not None and len(oneof.fields) > 1:
            if oneof.full_name in chosen_oneofs or rng.random() < 0.6:
                continue
            chosen_oneofs.add(oneof.full_name)
        elif rng.random() < 0.4:
            continue
        set_field(rng, pool, msg, f, getattr(msg, f.name) if f.is_repeated else None, depth)
    if depth < 2:
        for ext in pool.FindAllExtensions(desc):
            if rng.random() < 0.3:
                set_extension(rng, pool, msg, ext, depth)


def set_field(rng, pool, msg, f, container, depth):
    is_msg = f.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP)
    if is_map(f):
        vf = f.message_type.fields_by_name["value"]
        kf = f.message_type.fields_by_name["key"]
        for _ in range(rng.randint(0, MAX_MAP_ENTRIES[0])):
            key = rand_scalar(rng, kf)
            if vf.type == FD.TYPE_MESSAGE:
                if depth < 3:
                    fill(rng, pool, container[key], depth + 1)
            else:
                container[key] = rand_scalar(rng, vf)
        return
    if f.is_repeated:
        for _ in range(rng.randint(0, 3)):
            if is_msg:
                if depth < 3:
                    fill(rng, pool, container.add(), depth + 1)
            else:
                container.append(rand_scalar(rng, f))
        return
    if is_msg:
        if depth < 3:
            sub = getattr(msg, f.name)
            sub.SetInParent()
            fill(rng, pool, sub, depth + 1)
        return
    setattr(msg, f.name, rand_scalar(rng, f))


def set_extension(rng, pool, msg, ext, depth):
    is_msg = ext.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP)
    if ext.is_repeated:
        container = msg.Extensions[ext]
        for _ in range(rng.randint(1, 3)):
            if is_msg:
                fill(rng, pool, container.add(), depth + 1)
            else:
                container.append(rand_scalar(rng, ext))
    elif is_msg:
        sub = msg.Extensions[ext]
        sub.SetInParent()
        fill(rng, pool, sub, depth + 1)
    else:
        msg.Extensions[ext] = rand_scalar(rng, ext)


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def delimited(b):
    return varint(len(b)) + b


def read_delimited(data, pos):
    shift = n = 0
    while True:
        byte = data[pos]
        pos += 1
        n |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            break
    return data[pos : pos + n], pos + n


def gen(set_path, out_path, count, seed, types):
    _, pool = load_pool(set_path)
    rng = random.Random(seed)
    out = bytearray()
    for i in range(count):
        name = types[i % len(types)]
        cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(name))
        msg = cls()
        multi = rng.random() < 0.3
        MAX_MAP_ENTRIES[0] = 3 if multi else 1
        fill(rng, pool, msg, 0)
        text = dump(msg)
        # Extensions, at any depth, show in the dump as `[full.name]=`.
        has_ext = multi or "[" in text
        out += delimited(name.encode())
        out += delimited(msg.SerializePartialToString(deterministic=True))
        out += delimited(text.encode())
        out += delimited(b"1" if has_ext else b"0")
    with open(out_path, "wb") as f:
        f.write(out)


def check(set_path, gen_path, rust_path):
    _, pool = load_pool(set_path)
    gen_data = open(gen_path, "rb").read()
    rust_data = open(rust_path, "rb").read()
    pos = rpos = n = 0
    while pos < len(gen_data):
        name, pos = read_delimited(gen_data, pos)
        original, pos = read_delimited(gen_data, pos)
        _, pos = read_delimited(gen_data, pos)
        _, pos = read_delimited(gen_data, pos)
        ours, rpos = read_delimited(rust_data, rpos)
        cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(name.decode()))
        a = cls.FromString(original)
        b = cls.FromString(ours)
        if dump(a) != dump(b) or a.SerializePartialToString(deterministic=True) != b.SerializePartialToString(
            deterministic=True
        ):
            sys.exit(f"message {n} ({name.decode()}): Python parses Rust's bytes differently")
        n += 1
    print(f"checked {n} messages")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "schema":
        schema(sys.argv[2], sys.argv[3])
    elif mode == "gen":
        gen(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6:])
    elif mode == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(f"unknown mode {mode}")
