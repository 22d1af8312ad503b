#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (fuzz/seeds/<target>/) from the repository's test data.

Usage: python3 fuzz/make_seeds.py   (from anywhere; needs `protobuf` and `grpcio-tools`)

Deterministic: the same test data gives the same seeds. Each seed is named by the hash of its
content. The input formats are the ones `fuzz/src/lib.rs` documents per target.
"""

import hashlib
import os
import re
import struct
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf import text_format

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
TESTDATA = os.path.join(ROOT, "testdata")
POOL_SET = os.path.join(ROOT, "crates", "protoforge", "tests", "data", "reflect_test_messages.pb")

# The types `pick` in fuzz/src/lib.rs chooses from, by index.
FORMAT_TYPES = [
    "protobuf_test_messages.proto3.TestAllTypesProto3",
    "protobuf_test_messages.proto2.TestAllTypesProto2",
    "google.protobuf.Any",
    "google.protobuf.Struct",
    "google.protobuf.Value",
    "google.protobuf.Timestamp",
    "google.protobuf.FileDescriptorSet",
]


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    path = os.path.join(SEEDS, target, hashlib.sha1(data).hexdigest()[:16])
    with open(path, "wb") as f:
        f.write(data)


def protos(limit_bytes):
    out = []
    for dirpath, _, names in sorted(os.walk(TESTDATA)):
        for name in sorted(names):
            path = os.path.join(dirpath, name)
            if name.endswith(".proto") and os.path.getsize(path) <= limit_bytes:
                out.append(path)
    return out


def multi_file_dirs():
    """Directories of test protos that import each other, as lists of (name, text)."""
    out = []
    base = os.path.join(TESTDATA, "errors", "link")
    for entry in sorted(os.listdir(base)):
        d = os.path.join(base, entry)
        if os.path.isdir(d):
            files = sorted(f for f in os.listdir(d) if f.endswith(".proto"))
            out.append((entry, [(f, open(os.path.join(d, f), encoding="utf-8").read()) for f in files]))
    return out


def compile_seed(dirname, files):
    """Joins files with NUL bytes, renaming them f0.proto.. and their imports to match."""
    names = {f"{dirname}/{name}": f"f{i}.proto" for i, (name, _) in enumerate(files)}
    names.update({name: f"f{i}.proto" for i, (name, _) in enumerate(files)})
    bodies = []
    for _, text in files:
        text = re.sub(r'"([^"]+\.proto)"', lambda m: '"%s"' % names.get(m.group(1), m.group(1)), text)
        bodies.append(text)
    return "\0".join(bodies)


def main():
    # Generated seeds are rewritten; fixed fuzz findings (`finding-*`) are kept.
    for target in ["parse", "compile", "decode_descriptor_set", "descriptor_set_in", "text",
                   "json", "dynamic", "plugin", "grpc_frames", "decode_view"]:
        directory = os.path.join(SEEDS, target)
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if not name.startswith("finding-"):
                os.remove(os.path.join(directory, name))

    small = protos(4000)
    step = max(1, len(small) // 60)
    for path in small[::step]:
        text = open(path, "rb").read()
        write("parse", text)
        write("compile", text)
    for dirname, files in multi_file_dirs():
        write("compile", compile_seed(dirname, files))

    sets = []
    for dirpath, _, names in sorted(os.walk(os.path.join(TESTDATA, "descriptors"))):
        for name in sorted(names):
            path = os.path.join(dirpath, name)
            if name.endswith(".pb") and os.path.getsize(path) <= 12000:
                sets.append(open(path, "rb").read())
    for data in sets[:24]:
        write("decode_descriptor_set", data)
        write("descriptor_set_in", data)
        write("dynamic", b"\x00" + data)
        fds = descriptor_pb2.FileDescriptorSet.FromString(data)
        for f in fds.file[:1]:
            for m in f.message_type[:2]:
                write("dynamic", b"\x01" + m.SerializeToString())
            write("dynamic", b"\x07" + f.source_code_info.SerializeToString())

    pool = descriptor_pool.DescriptorPool()
    for f in descriptor_pb2.FileDescriptorSet.FromString(open(POOL_SET, "rb").read()).file:
        pool.Add(f)

    def cls(name):
        return message_factory.GetMessageClass(pool.FindMessageTypeByName(name))

    p3 = cls(FORMAT_TYPES[0])()
    p3.optional_int32 = -5
    p3.optional_string = "caf\u00e9 \"q\"\n"
    p3.optional_bytes = b"\x00\xff\x80"
    p3.optional_double = 1.5e-300
    p3.optional_float = float("inf")
    p3.repeated_int64.extend([1, -1, 2**62])
    p3.map_string_string["k"] = "v"
    p3.map_string_nested_message["m"].a = 4
    p3.optional_nested_enum = 2
    p3.recursive_message.recursive_message.optional_int32 = 1
    p3.oneof_uint32 = 7
    p3.optional_timestamp.seconds = 1_600_000_000
    p3.optional_duration.nanos = 5
    p3.optional_value.list_value.values.add().string_value = "x"
    p3.optional_struct.fields["a"].number_value = 2.5
    p3.optional_field_mask.paths.extend(["foo_bar", "baz"])
    p3.optional_bool_wrapper.value = True
    inner = cls(FORMAT_TYPES[0])(optional_int32=9)
    p3.optional_any.Pack(inner)
    p2 = cls(FORMAT_TYPES[1])()
    p2.optional_int32 = 1
    p2.data.group_int32 = 3
    p2.repeated_nested_enum.extend([1, 2])
    p2.optional_nested_message.a = 2
    messages = [(0, p3), (1, p2), (0, cls(FORMAT_TYPES[0])(optional_sint64=-9))]

    # decode_view: the first byte modulo 4 reads TestAllTypesProto3, TestAllTypesProto2, then
    # their editions forms.
    p2_more = cls(FORMAT_TYPES[1])()
    p2_more.optional_string = "two"
    p2_more.repeated_string.extend(["a", "b"])
    p2_more.packed_int32.extend([1, -2, 3])
    p2_more.unpacked_int32.extend([4, 5])
    p2_more.map_string_nested_enum["e"] = 1
    p2_more.recursive_message.optional_nested_message.a = 9
    p2_more.oneof_nested_message.a = 3
    p2_more.data.group_uint32 = 6
    for index, msg in messages + [(1, p2_more)]:
        data = msg.SerializeToString()
        write("decode_view", bytes([index]) + data)
        # Twice: sub-messages merge, repeated fields append.
        write("decode_view", bytes([index]) + data + data)
        # Another message type's reading of the same bytes.
        write("decode_view", bytes([index + 1]) + data)

    for index, msg in messages:
        sel = bytes([index])
        write("text", sel + text_format.MessageToString(msg, descriptor_pool=pool).encode())
        write("text", sel + text_format.MessageToString(msg, as_one_line=True, descriptor_pool=pool).encode())
        write("text", sel + msg.SerializeToString())
        write("json", sel + json_format.MessageToJson(msg, descriptor_pool=pool).encode())
    for text in ['optional_int32: 0x7fffffff optional_uint64: 18446744073709551615',
                 'repeated_string: ["a", \'b\' "c"] optional_nested_message < a: -1 >',
                 '[type.googleapis.com/protobuf_test_messages.proto3.TestAllTypesProto3] { optional_int32: 1 }',
                 'optional_float: -inf optional_double: 1e+309 optional_bytes: "\\xff\\377\\u00e9"',
                 'recursive_message { recursive_message { recursive_message { } } } # comment']:
        write("text", b"\x00" + text.encode())
    write("text", b"\x02" + b'[type.googleapis.com/google.protobuf.Duration] { seconds: 3 }')
    for index, text in [(3, '{"a": [1, "two", null, {"b": false}]}'), (4, '"str"'), (4, '[1e308, -0]'),
                        (5, '"1970-01-01T00:00:00.000000001+08:00"'),
                        (2, '{"@type": "type.googleapis.com/google.protobuf.Any", "value": '
                            '{"@type": "type.googleapis.com/google.protobuf.Duration", "value": "1.5s"}}'),
                        (0, '{"optionalInt64": "-9223372036854775808", "optionalUint32": 4e9, '
                            '"repeatedBytes": ["-_8=", "AAEC"], "optionalNestedEnum": 1}'),
                        (6, '{"file": [{"name": "a.proto", "messageType": [{"name": "M"}]}]}')]:
        write("json", bytes([index]) + text.encode())

    write("dynamic", b"\x04" + cls("google.protobuf.Any")(type_url="x/y", value=b"\x08\x01").SerializeToString())
    write("dynamic", b"\x05" + cls("google.protobuf.Timestamp")(seconds=-5, nanos=3).SerializeToString())
    lv = cls("google.protobuf.ListValue")()
    lv.values.add().struct_value.fields["k"].bool_value = True
    write("dynamic", b"\x06" + lv.SerializeToString())
    fo = descriptor_pb2.FieldOptions(packed=True, deprecated=True, ctype=1)
    fo.features.field_presence = 2
    write("dynamic", b"\x02" + fo.SerializeToString())
    write("dynamic", b"\x03" + descriptor_pb2.FeatureSet(enum_type=1, utf8_validation=2).SerializeToString())

    # Plugin requests, as protoc sends them, captured by a plugin that saves its input.
    with tempfile.TemporaryDirectory() as tmp:
        plugin = os.path.join(tmp, "protoc-gen-dump")
        with open(plugin, "w") as f:
            # An empty answer: protoc may then refuse the run (proto3 optional unsupported),
            # but the request has been saved by then.
            f.write("#!/bin/sh\ncat > \"$DUMP_TO\"\n")
        os.chmod(plugin, 0o755)
        for i, path in enumerate(["codegen/proto3.proto", "codegen/proto2.proto", "codegen/editions.proto",
                                  "codegen/names.proto"]):
            out = os.path.join(tmp, f"req{i}")
            env = dict(os.environ, DUMP_TO=out)
            for param in ["", "serde,reflect"]:
                subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"--plugin={plugin}",
                                f"--dump_out={param}:{tmp}" if param else f"--dump_out={tmp}",
                                f"-I{TESTDATA}", os.path.join(TESTDATA, path)],
                               check=False, env=env, capture_output=True)
                write("plugin", open(out, "rb").read())

    for data in sets[:6]:
        write("grpc_frames", b"\x00" + struct.pack(">I", len(data)) + data)
    write("grpc_frames", b"\x00\x00\x00\x00\x00" * 3)
    write("grpc_frames", b"\x01\x00\x00\x00\x02\x08\x01")
    write("grpc_frames", b"\x00\xff\xff\xff\xff\x0a")
    write("grpc_frames", b"\x00\x00\x00\x00\x03\x0a\x01")


if __name__ == "__main__":
    main()
