"""Differential test against Python `protobuf`.

Python builds random messages of the conformance test types (every field kind, maps, oneofs,
nested messages, open-enum unknown values, unknown fields), encodes them, sends them to the
protoforge testee as conformance requests and parses what it answers. The answer must be
byte-identical to Python's own encoding when no map is set (map order is free) and equal after
a deterministic re-encode otherwise. So Python's encoder feeds our decoder and our encoder
feeds Python's decoder.

Usage: differential.py TESTEE PB2_DIR COUNT SEED
"""

import math
import random
import struct
import subprocess
import sys

from google.protobuf.descriptor import FieldDescriptor as FD

TESTEE, PB2_DIR, COUNT, SEED = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, PB2_DIR)

import conformance_pb2  # noqa: E402
import test_messages_proto2_pb2  # noqa: E402
import test_messages_proto3_pb2  # noqa: E402
import test_messages_proto2_editions_pb2  # noqa: E402
import test_messages_proto3_editions_pb2  # noqa: E402

TYPES = [
    test_messages_proto2_pb2.TestAllTypesProto2,
    test_messages_proto3_pb2.TestAllTypesProto3,
    test_messages_proto2_editions_pb2.TestAllTypesProto2,
    test_messages_proto3_editions_pb2.TestAllTypesProto3,
]

rng = random.Random(SEED)

INT_RANGES = {
    FD.TYPE_INT32: (-(2**31), 2**31 - 1), FD.TYPE_SINT32: (-(2**31), 2**31 - 1),
    FD.TYPE_SFIXED32: (-(2**31), 2**31 - 1), FD.TYPE_INT64: (-(2**63), 2**63 - 1),
    FD.TYPE_SINT64: (-(2**63), 2**63 - 1), FD.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    FD.TYPE_UINT32: (0, 2**32 - 1), FD.TYPE_FIXED32: (0, 2**32 - 1),
    FD.TYPE_UINT64: (0, 2**64 - 1), FD.TYPE_FIXED64: (0, 2**64 - 1),
}


def rand_int(kind):
    lo, hi = INT_RANGES[kind]
    choice = rng.random()
    if choice < 0.2:
        return rng.choice([lo, hi, 0, 1, -1 if lo < 0 else 2])
    if choice < 0.6:
        return rng.randint(max(lo, -300), min(hi, 300))
    return rng.randint(lo, hi)


def rand_string():
    alphabet = "abcXYZ 019_\u00e9\u4e2d\U0001f600"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))


def rand_scalar(field):
    kind = field.type
    if kind in INT_RANGES:
        return rand_int(kind)
    if kind == FD.TYPE_BOOL:
        return rng.random() < 0.5
    if kind == FD.TYPE_DOUBLE:
        return rng.choice([0.0, -0.0, 1.5, -2.25e300, math.inf, -math.inf, rng.uniform(-1e6, 1e6)])
    if kind == FD.TYPE_FLOAT:
        return struct.unpack("<f", struct.pack("<f", rng.choice([0.0, 1.5, -3.0, math.inf, rng.uniform(-1e3, 1e3)])))[0]
    if kind == FD.TYPE_STRING:
        return rand_string()
    if kind == FD.TYPE_BYTES:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 10)))
    if kind == FD.TYPE_ENUM:
        values = [v.number for v in field.enum_type.values]
        if not field.enum_type.is_closed and rng.random() < 0.2:
            return rng.choice([-5, 12345, 99])  # Unknown values of an open enum.
        return rng.choice(values)
    raise AssertionError(kind)


def is_map(field):
    return field.message_type is not None and field.message_type.GetOptions().map_entry


def fill(msg, depth, state):
    for field in msg.DESCRIPTOR.fields:
        if rng.random() > (0.35 if depth == 0 else 0.15):
            continue
        is_message = field.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP)
        if is_message and field.message_type.full_name.startswith("google.protobuf."):
            continue  # Well-known types: plain messages, already covered by the others.
        if is_map(field):
            key_field, value_field = field.message_type.fields_by_name["key"], field.message_type.fields_by_name["value"]
            target = getattr(msg, field.name)
            for _ in range(rng.randint(1, 3)):
                key = rand_scalar(key_field)
                if value_field.type == FD.TYPE_MESSAGE:
                    if depth < 2:
                        fill(target[key], depth + 1, state)
                else:
                    target[key] = rand_scalar(value_field)
            state["map"] = True
        elif field.is_repeated:
            target = getattr(msg, field.name)
            for _ in range(rng.randint(1, 4)):
                if is_message:
                    if depth < 2:
                        fill(target.add(), depth + 1, state)
                else:
                    target.append(rand_scalar(field))
        elif is_message:
            if depth < 3:
                getattr(msg, field.name).SetInParent()
                fill(getattr(msg, field.name), depth + 1, state)
        else:
            setattr(msg, field.name, rand_scalar(field))


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def unknown_fields():
    out = b""
    for _ in range(rng.randint(0, 3)):
        number = rng.randint(30000, 40000)
        wire = rng.choice([0, 1, 2, 5])
        out += varint(number << 3 | wire)
        if wire == 0:
            out += varint(rng.randrange(2**64))
        elif wire == 1:
            out += struct.pack("<Q", rng.randrange(2**64))
        elif wire == 5:
            out += struct.pack("<I", rng.randrange(2**32))
        else:
            data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 6)))
            out += varint(len(data)) + data
    return out


def main():
    testee = subprocess.Popen([TESTEE], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    failures = 0
    for i in range(COUNT):
        cls = rng.choice(TYPES)
        msg = cls()
        state = {"map": False}
        fill(msg, 0, state)
        payload = msg.SerializeToString() + unknown_fields()
        expected = cls.FromString(payload)
        request = conformance_pb2.ConformanceRequest(
            protobuf_payload=payload,
            requested_output_format=conformance_pb2.PROTOBUF,
            message_type=cls.DESCRIPTOR.full_name,
        )
        data = request.SerializeToString()
        testee.stdin.write(struct.pack("<I", len(data)) + data)
        testee.stdin.flush()
        (length,) = struct.unpack("<I", testee.stdout.read(4))
        response = conformance_pb2.ConformanceResponse.FromString(testee.stdout.read(length))
        if response.WhichOneof("result") != "protobuf_payload":
            print(f"case {i} ({cls.DESCRIPTOR.full_name}): {response}", file=sys.stderr)
            failures += 1
            continue
        ours = response.protobuf_payload
        if state["map"]:
            same = cls.FromString(ours).SerializeToString(deterministic=True) == expected.SerializeToString(deterministic=True)
        else:
            same = ours == expected.SerializeToString()
        if not same:
            failures += 1
            print(f"case {i} ({cls.DESCRIPTOR.full_name}) differs:\n  in:   {payload.hex()}\n  ours: {ours.hex()}\n  py:   {expected.SerializeToString().hex()}", file=sys.stderr)
    testee.stdin.close()
    testee.wait()
    print(f"{COUNT - failures}/{COUNT} random messages round-tripped identically")
    sys.exit(1 if failures else 0)


main()
