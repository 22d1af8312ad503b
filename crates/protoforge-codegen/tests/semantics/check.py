"""Drives the semantics peer (tests/semantics/peer.rs) and checks every answer against
Python protobuf: the truth for UTF-8 handling (strings as `String` and stored as bytes,
fields and extensions), required fields (extensions included), closed-enum map values,
group-typed and MessageSet extensions, reflection and JSON. Usage: check.py PEER_BINARY.
Exits non-zero, naming the failed case, on the first mismatch."""

import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = tempfile.mkdtemp(prefix="protoforge-semantics-py-")
subprocess.run(
    [sys.executable, "-m", "grpc_tools.protoc", f"-I{HERE}", f"--python_out={OUT}",
     "sem2.proto", "sem3.proto", "sem_ed.proto"],
    check=True,
)
sys.path.insert(0, OUT)

from google.protobuf import json_format  # noqa: E402
from google.protobuf.message import DecodeError  # noqa: E402

import sem2_pb2 as p2  # noqa: E402
import sem3_pb2 as p3  # noqa: E402
import sem_ed_pb2 as ed  # noqa: E402

TYPES = {
    "sem.p2.Strings": p2.Strings,
    "sem.p2.Req": p2.Req,
    "sem.p2.Extendee": p2.Extendee,
    "sem.p2.RawStrings": p2.RawStrings,
    "sem.ed.Holder": ed.Holder,
    "sem.p3.Strings": p3.Strings,
    "sem.ed.Strings": ed.Strings,
}

peer = subprocess.Popen([sys.argv[1]], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
checked = 0


def ask(line):
    peer.stdin.write(line + "\n")
    peer.stdin.flush()
    answer = peer.stdout.readline().strip()
    if not answer:
        sys.exit(f"peer gave no answer to: {line}")
    return answer


def hexs(data):
    return data.hex() if data else "-"


def unhex(text):
    return b"" if text == "-" else bytes.fromhex(text)


def fail(case, message):
    sys.exit(f"FAILED {case}: {message}")


def check(case, condition, message=""):
    global checked
    checked += 1
    if not condition:
        fail(case, message)


def canon(ty, data):
    """Python's own re-encoding of `data` (deterministic): the comparison point."""
    m = TYPES[ty]()
    m.MergeFromString(data)
    return m.SerializePartialToString(deterministic=True)


def python_fails(ty, data):
    try:
        TYPES[ty]().ParseFromString(data)
        return False
    except DecodeError:
        return True


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


def tag(number, wire):
    return varint(number << 3 | wire)


def ld(number, payload):
    return tag(number, 2) + varint(len(payload)) + payload


def vi(number, value):
    return tag(number, 0) + varint(value)


def round_trip(case, ty, data, mode="lenient", exact=False):
    """The peer decodes and re-encodes like Python does."""
    answer = ask(f"rt {mode} {ty} {hexs(data)}")
    check(case, not python_fails(ty, data) or mode == "strict", "python rejects the case itself")
    if not answer.startswith("ok "):
        fail(case, f"peer: {answer}")
    ours = unhex(answer.split(" ")[1])
    check(case, canon(ty, ours) == canon(ty, data), f"ours {ours.hex()} vs input {data.hex()}")
    if exact:
        check(case, ours == data, f"not byte-exact: {ours.hex()} vs {data.hex()}")
    return ours


def rejected(case, ty, data, kind, path, mode="lenient"):
    answer = ask(f"rt {mode} {ty} {hexs(data)}")
    check(case, answer == f"err {kind} {path}", f"peer: {answer}")


BAD = b"\xff\xfe"

# 1. UTF-8: proto2 and editions NONE keep invalid strings; proto3 and VERIFY reject them.
round_trip("p2 singular last", "sem.p2.Strings", vi(6, 1) + ld(1, BAD), exact=True)
round_trip("p2 singular first", "sem.p2.Strings", ld(1, BAD) + vi(6, 1))
round_trip("p2 valid after invalid", "sem.p2.Strings", ld(1, BAD) + ld(1, b"ok"), exact=False)
round_trip("p2 invalid after valid", "sem.p2.Strings", ld(1, b"ok") + ld(1, BAD))
round_trip("p2 repeated, invalid last", "sem.p2.Strings", ld(2, b"a") + ld(2, b"b") + ld(2, BAD), exact=True)
# By design (documented at `Config::unverified_strings_as_bytes`): a `Vec<String>` cannot hold
# the invalid element, so it is kept in the unknown fields and re-emitted after the valid ones;
# every value is kept but the list order changes (Python keeps [a, <bad>, b]). Selecting the
# field with `unverified_strings_as_bytes` keeps the order: see section 1b.
ours = unhex(ask(f"rt lenient sem.p2.Strings {hexs(ld(2, b'a') + ld(2, BAD) + ld(2, b'b'))}").split(" ")[1])
check("p2 repeated, invalid inside", ours == ld(2, b"a") + ld(2, b"b") + ld(2, BAD), ours.hex())
check("p2 repeated, invalid inside, python order", list(p2.Strings.FromString(ld(2, b"a") + ld(2, BAD) + ld(2, b"b")).rs) == ["a", BAD, "b"])
entry_bad_key = ld(3, ld(1, BAD) + ld(2, b"v"))
entry_ok = ld(3, ld(1, b"k") + ld(2, b"w"))
round_trip("p2 map, invalid key", "sem.p2.Strings", entry_ok + entry_bad_key)
round_trip("p2 map, invalid value", "sem.p2.Strings", ld(3, ld(1, b"k") + ld(2, BAD)))
round_trip("p2 oneof invalid", "sem.p2.Strings", ld(4, BAD), exact=True)
round_trip("p2 oneof invalid then int", "sem.p2.Strings", ld(4, BAD) + vi(5, 5))
round_trip("p2 oneof int then invalid", "sem.p2.Strings", vi(5, 5) + ld(4, BAD))
round_trip("p2 oneof invalid then valid", "sem.p2.Strings", ld(4, BAD) + ld(4, b"fine"))
check("p3 rejects", python_fails("sem.p3.Strings", ld(1, BAD)))
rejected("p3 singular", "sem.p3.Strings", ld(1, BAD), "InvalidUtf8", "Strings.s")
rejected("p3 repeated", "sem.p3.Strings", ld(2, BAD), "InvalidUtf8", "Strings.rs")
rejected("p3 map", "sem.p3.Strings", ld(3, ld(1, BAD)), "InvalidUtf8", "Strings.ms")
check("editions VERIFY rejects", python_fails("sem.ed.Strings", ld(1, BAD)))
rejected("editions VERIFY", "sem.ed.Strings", ld(1, BAD), "InvalidUtf8", "Strings.verified")
round_trip("editions NONE", "sem.ed.Strings", ld(2, BAD), exact=True)
round_trip("editions NONE list", "sem.ed.Strings", ld(3, b"x") + ld(3, BAD), exact=True)
round_trip("editions NONE implicit", "sem.ed.Strings", ld(4, BAD), exact=True)

# 1b. Unverified strings stored as bytes (`unverified_strings_as_bytes`): every value is read,
# exactly, in order, as Python reads it (str for UTF-8, bytes otherwise).
def utf8(value):
    return value.encode() if isinstance(value, str) else value


def read_varint(data, at):
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def length_delimited(data):
    """(number, payload) of each length-delimited field of `data` (no other wire types)."""
    at, out = 0, []
    while at < len(data):
        key, at = read_varint(data, at)
        assert key & 7 == 2, "only length-delimited fields"
        size, at = read_varint(data, at)
        out.append((key >> 3, data[at:at + size]))
        at += size
    return out


def wire_map_entries(data, number):
    """The (key, value) bytes of the string map `number` in `data`, later keys winning."""
    entries = {}
    for field, entry in length_delimited(data):
        if field == number:
            parts = dict(length_delimited(entry))
            entries[parts.get(1, b"")] = parts.get(2, b"")
    return list(entries.items())


def hex_list(values):
    return ",".join(hexs(utf8(v)) for v in values) or "-"


# (case, input, whether the re-encoding must be byte-exact: not where a later value replaces
# an earlier one, nor for maps, whose order is the map's)
for case, data, exact in [
    ("raw repeated, invalid inside", ld(2, b"a") + ld(2, BAD) + ld(2, b"b"), True),
    ("raw repeated, invalid first", ld(2, BAD) + ld(2, b"") + ld(2, b"c"), True),
    ("raw singular invalid", ld(1, BAD) + vi(6, 2), True),
    ("raw singular valid after invalid", ld(1, BAD) + ld(1, b"ok"), False),
    ("raw map, invalid key and value", ld(3, ld(1, b"k") + ld(2, BAD)) + ld(3, ld(1, BAD) + ld(2, b"v")), False),
    ("raw oneof invalid", ld(4, BAD), True),
    ("raw oneof invalid then int", ld(4, BAD) + vi(5, 5), False),
    ("raw empty", b"", True),
]:
    round_trip(case, "sem.p2.RawStrings", data, exact=exact)
    m = p2.RawStrings.FromString(data)
    try:
        pairs = [(utf8(k), utf8(v)) for k, v in m.ms.items()]
    except UnicodeDecodeError:
        # Python cannot iterate a map whose key is not UTF-8: read the entries off the wire.
        pairs = wire_map_entries(data, 3)
    entries = ",".join(sorted(f"{hexs(k)}={hexs(v)}" for k, v in pairs)) or "-"
    os_value = hexs(utf8(m.os)) if m.WhichOneof("choice") == "os" else "none"
    expected = f"ok {hex_list(m.rs)} {entries} {os_value} {hexs(utf8(m.s))}"
    answer = ask(f"raw {hexs(data)}")
    check(case, answer == expected, f"ours {answer} vs python {expected}")

# 2. Closed-enum map values: unknown numbers keep the whole entry unknown; an absent value is
# the enum's first value (protoc requires it to be 0).
for case, data in [
    ("closed map, absent value", ld(8, vi(1, 1))),
    ("closed map, known value", ld(8, vi(1, 1) + vi(2, 2))),
    ("closed map, unknown value", ld(8, vi(1, 1) + vi(2, 9)) + vi(6, 3)),
    ("closed map, string key unknown value", ld(7, ld(1, b"k") + vi(2, 9))),
    ("closed map, invalid key", ld(7, ld(1, BAD) + vi(2, 1))),
]:
    round_trip(case, "sem.p2.Strings", data)
m = p2.Strings()
m.MergeFromString(ld(8, vi(1, 1)))
check("python absent value", dict(m.mi) == {1: p2.ZERO})

# 3. Required fields.
def req(**kw):
    return p2.Req(**kw)


complete = req(a=1, child=req(a=2), inner=[p2.Inner(name="n")])
complete.by_id[3].name = "m"
round_trip("required complete", "sem.p2.Req", complete.SerializeToString(), mode="strict")
for case, partial in [
    ("missing top", req(child=req(a=2)).SerializePartialToString()),
    ("missing in child", req(a=1, child=req()).SerializePartialToString()),
    ("missing in list", req(a=1, inner=[p2.Inner()]).SerializePartialToString()),
    ("missing in map", req(a=1, by_id={4: p2.Inner()}).SerializePartialToString()),
    ("missing in oneof", req(a=1, picked=p2.Inner()).SerializePartialToString()),
]:
    m = p2.Req()
    m.MergeFromString(partial)
    errors = [e.replace("[", ".[").split(".[")[0] + e.split("]")[-1] if "[" in e else e
              for e in m.FindInitializationErrors()]
    check(case, not m.IsInitialized() and len(errors) == 1, str(errors))
    # Python's ParseFromString does not enforce required fields (C++ does); the truth is
    # IsInitialized and FindInitializationErrors.
    answer = ask(f"rt strict sem.p2.Req {hexs(partial)}")
    check(case, answer.startswith("err MissingRequired "), answer)
    path = ".".join(step.split(".", 1)[1] for step in answer.split(" ")[2].split("/"))
    check(case, path == errors[0], f"ours {path} vs python {errors[0]}")
    check(case, ask(f"init sem.p2.Req {hexs(partial)}") == f"ok false {answer.split(' ')[2]}")
    round_trip(case + " (lenient decodes)", "sem.p2.Req", partial)
check("init complete", ask(f"init sem.p2.Req {hexs(complete.SerializeToString())}") == "ok true -")

# 4. Group-typed extensions.
m = p2.Extendee(plain=4)
m.Extensions[p2.groupext].a = 7
m.Extensions[p2.groupext].b = "hi"
m.Extensions[p2.repgroup].add().c = 1
m.Extensions[p2.repgroup].add().c = 2
m.Extensions[p2.scalar_ext] = 9
data = m.SerializeToString()
round_trip("group extensions", "sem.p2.Extendee", data, exact=True)
answer = ask(f"group {hexs(data)}").split(" ")
check("group read", answer[:5] == ["ok", "7", "hi", "1,2", "9"], " ".join(answer))
out = p2.Extendee()
out.ParseFromString(unhex(answer[5]))
check("group write", out.Extensions[p2.groupext].a == 8 and out.Extensions[p2.groupext].b == "xhi")
check("group write repeated", [g.c for g in out.Extensions[p2.repgroup]] == [2, 3])
check("group write keeps", out.plain == 4 and out.Extensions[p2.scalar_ext] == 9)

# 5. MessageSet extensions.
s = p2.Set()
s.Extensions[p2.SetItem.item].v = 5
s.Extensions[p2.SetItem.item].text = "t"
s.Extensions[p2.OtherItem.other].values.extend([1, 2])
data = s.SerializeToString()
answer = ask(f"mset {hexs(data)}").split(" ")
check("message set read", answer[:4] == ["ok", "5", "t", "1,2"], " ".join(answer))
check("message set re-encode", unhex(answer[4]) == data, answer[4])
made = p2.Set()
made.ParseFromString(unhex(answer[5]))
check("message set write", made.Extensions[p2.SetItem.item].v == 10 and made.Extensions[p2.SetItem.item].text == "t")

# 4b. String extensions follow their own UTF-8 rules: proto2 ones are not verified. Python
# reads a value that is not UTF-8 as bytes; a `String` extension reads it as absent (the
# bytes stay in the unknown fields: the message re-encodes exactly), one selected by
# `unverified_strings_as_bytes` reads the bytes themselves.
for case, data in [
    ("string ext valid", ld(103, "é".encode()) + ld(104, b"x") + ld(104, b"y")),
    ("string ext invalid", ld(103, BAD) + ld(104, b"x") + ld(104, BAD) + ld(105, BAD) + ld(106, b"a") + ld(106, BAD)),
    ("string ext invalid then valid", ld(103, BAD) + ld(103, b"v")),
    ("string ext valid then invalid", ld(103, b"v") + ld(103, BAD) + ld(105, b"w")),
    ("string ext none", vi(1, 1)),
]:
    round_trip(case, "sem.p2.Extendee", data, exact=True)
    m = p2.Extendee.FromString(data)
    single = m.Extensions[p2.str_ext] if m.HasExtension(p2.str_ext) else None
    expected_single = hexs(single.encode()) if isinstance(single, str) else "absent"
    expected_list = hex_list([v for v in m.Extensions[p2.rep_str_ext] if isinstance(v, str)])
    raw = hexs(utf8(m.Extensions[p2.raw_str_ext])) if m.HasExtension(p2.raw_str_ext) else "absent"
    expected = f"ok {expected_single} {expected_list} {raw} {hex_list(m.Extensions[p2.raw_rep_str_ext])} {m.HasExtension(p2.str_ext)}".replace("True", "true").replace("False", "false")
    answer = ask(f"strext {hexs(data)}").split(" ")
    check(case, " ".join(answer[:6]) == expected, f"ours {' '.join(answer[:6])} vs python {expected}")
    written = p2.Extendee.FromString(unhex(answer[6]))
    check(case + " (written)", written.Extensions[p2.str_ext] == "é"
          and list(written.Extensions[p2.raw_rep_str_ext]) == [b"\xff", "ok"]
          and written.Extensions[p2.rep_str_ext] == m.Extensions[p2.rep_str_ext], unhex(answer[6]).hex())

# 4c. Extensions declared in an editions message scope take that scope's features: UTF-8
# verified unless the extension says NONE, repeated scalars packed.
for case, data in [
    ("editions ext valid", ld(10, b"ok") + ld(12, b"raw") + ld(11, varint(1) + varint(2))),
    ("editions ext verified invalid", ld(10, BAD)),
    ("editions ext unverified invalid", ld(12, BAD) + vi(11, 7)),
]:
    answer = ask(f"edext {hexs(data)}")
    try:
        m = ed.Holder.FromString(data)
    except DecodeError:
        # Python rejects the message, and so does ours, naming the extension.
        check(case, answer.startswith("err InvalidUtf8 "), f"ours {answer} vs python rejecting it")
        continue
    verified = hexs(m.Extensions[ed.Holder.verified_ext].encode()) if m.HasExtension(ed.Holder.verified_ext) else "absent"
    value = m.Extensions[ed.Holder.unverified_ext] if m.HasExtension(ed.Holder.unverified_ext) else None
    unverified = hexs(value.encode()) if isinstance(value, str) else "absent"
    packed = ",".join(str(v) for v in m.Extensions[ed.Holder.packed_ext]) or "-"
    made = ed.Holder()
    made.Extensions[ed.Holder.packed_ext].extend([1, 2, 3])
    expected = f"ok {verified} {unverified} {packed} {made.SerializeToString().hex()}"
    check(case, answer == expected, f"ours {answer} vs python {expected}")

# 4d. Required fields inside message-typed extensions make the holder uninitialized.
def ext_errors(m):
    return [e.replace("[", ".[").split(".[")[0] + e.split("]")[-1] if "[" in e else e
            for e in m.FindInitializationErrors()]


def extendee(build):
    m = p2.Extendee(plain=1)
    build(m)
    return m


for case, m in [
    ("ext complete", extendee(lambda m: (setattr(m.Extensions[p2.req_ext], "a", 1), m.Extensions[p2.inner_ext].add(name="n")))),
    ("ext missing top", extendee(lambda m: m.Extensions[p2.req_ext].SetInParent())),
    ("ext missing nested", extendee(lambda m: (setattr(m.Extensions[p2.req_ext], "a", 1), m.Extensions[p2.req_ext].child.SetInParent()))),
    ("ext missing in list", extendee(lambda m: (m.Extensions[p2.inner_ext].add(name="x"), m.Extensions[p2.inner_ext].add()))),
]:
    data = m.SerializePartialToString()
    errors = ext_errors(m)
    answer = ask(f"init sem.p2.Extendee {hexs(data)}").split(" ")
    check(case, answer[1] == str(m.IsInitialized()).lower(), " ".join(answer))
    if errors:
        # Ours names an extension `(full.name)`, as C++ does; Python uses its short name.
        path = ".".join(re.sub(r"^\((?:\w+\.)*(\w+)\)$", r"\1", step.split(".", 1)[1])
                        for step in answer[2].split("/"))
        check(case, path == errors[0], f"ours {answer[2]} vs python {errors}")
        strict = ask(f"rt strict sem.p2.Extendee {hexs(data)}")
        check(case + " (strict)", strict == f"err MissingRequired {answer[2]}", strict)
    else:
        check(case, answer[2] == "-", " ".join(answer))
        round_trip(case + " (strict)", "sem.p2.Extendee", data, mode="strict", exact=True)
    round_trip(case + " (lenient)", "sem.p2.Extendee", data, exact=True)
# A set extension that does not decode as its message type cannot be verified: uninitialized.
undecodable = ld(107, bytes([0x0A]))
answer = ask(f"init sem.p2.Extendee {hexs(undecodable)}")
check("ext undecodable", answer.startswith("ok false Extendee.(sem.p2.req_ext)"), answer)

# 6. Reflection and JSON (the strict generation has `reflect` and `serde`).
full = p2.Strings(s="x", rs=["a", "b"], os="o", after=3)
full.ms["k"] = "v"
full.mi[1] = p2.TWO
cases = [
    ("sem.p2.Strings", full.SerializeToString()),
    ("sem.p2.Req", complete.SerializeToString()),
    ("sem.p3.Strings", p3.Strings(s="é", rs=["x"], ms={"a": "b"}).SerializeToString()),
    ("sem.p2.Extendee", p2.Extendee(plain=4).SerializeToString()),
]
for ty, data in cases:
    answer = ask(f"reflect {ty} {hexs(data)}").split(" ")
    check("reflect " + ty, answer[0] == "ok", " ".join(answer))
    desc = TYPES[ty].DESCRIPTOR
    check("reflect name " + ty, answer[1] == desc.full_name, answer[1])
    check("reflect fields " + ty, answer[2].split(",") == [f.name for f in desc.fields], answer[2])
    check("reflect dynamic " + ty, canon(ty, unhex(answer[3])) == canon(ty, data))
    check("reflect back " + ty, canon(ty, unhex(answer[4])) == canon(ty, data) and answer[5] == "true")
    answer = ask(f"json {ty} {hexs(data)}")
    check("json " + ty, answer.startswith("ok "), answer)
    _, back, text = answer.split(" ", 2)
    expected = json_format.MessageToDict(TYPES[ty].FromString(data))
    check("json " + ty, json.loads(text) == expected, f"ours {text} vs python {expected}")
    check("json back " + ty, canon(ty, unhex(back)) == canon(ty, data))

peer.stdin.close()
peer.wait()
print(f"{checked} checks passed")
