"""Reference answers from Python protobuf for crates/protoforge/tests/wkt.rs.

Reads commands on stdin, one per line, and prints one answer line each:
  ts_fmt SECONDS NANOS   -> Timestamp.ToJsonString() or "error"
  ts_parse TEXT          -> "SECONDS NANOS" from Timestamp.FromJsonString() or "error"
  du_fmt SECONDS NANOS   -> Duration.ToJsonString() or "error"
  du_parse TEXT          -> "SECONDS NANOS" from Duration.FromJsonString() or "error"
  any_pack SECONDS NANOS -> hex of Any.Pack(Duration(...)).SerializeToString()
  struct HEX             -> the Struct decoded from HEX, as canonical JSON
  fm_union A B / fm_intersect A B  -> FieldMask Union / Intersect of comma lists
"""
import json
import sys

from google.protobuf import any_pb2, duration_pb2, field_mask_pb2, struct_pb2, timestamp_pb2
from google.protobuf import json_format


def main():
    for line in sys.stdin:
        parts = line.rstrip("\n").split(" ")
        cmd, args = parts[0], parts[1:]
        try:
            if cmd == "ts_fmt":
                out = timestamp_pb2.Timestamp(seconds=int(args[0]), nanos=int(args[1])).ToJsonString()
            elif cmd == "ts_parse":
                t = timestamp_pb2.Timestamp()
                t.FromJsonString(args[0])
                out = f"{t.seconds} {t.nanos}"
            elif cmd == "du_fmt":
                out = duration_pb2.Duration(seconds=int(args[0]), nanos=int(args[1])).ToJsonString()
            elif cmd == "du_parse":
                d = duration_pb2.Duration()
                d.FromJsonString(args[0])
                out = f"{d.seconds} {d.nanos}"
            elif cmd == "any_pack":
                a = any_pb2.Any()
                a.Pack(duration_pb2.Duration(seconds=int(args[0]), nanos=int(args[1])))
                out = a.SerializeToString().hex()
            elif cmd == "struct":
                s = struct_pb2.Struct()
                s.ParseFromString(bytes.fromhex(args[0]))
                out = json.dumps(json_format.MessageToDict(s), sort_keys=True)
            elif cmd in ("fm_union", "fm_intersect"):
                a = field_mask_pb2.FieldMask(paths=[p for p in args[0].split(",") if p])
                b = field_mask_pb2.FieldMask(paths=[p for p in args[1].split(",") if p])
                r = field_mask_pb2.FieldMask()
                if cmd == "fm_union":
                    r.Union(a, b)
                else:
                    r.Intersect(a, b)
                out = ",".join(r.paths)
            else:
                out = "unknown command"
        except Exception:
            out = "error"
        print(out, flush=True)


main()
