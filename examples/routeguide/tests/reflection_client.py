"""Asks the gRPC server on 127.0.0.1:PORT what it serves, through server reflection, with two
independent clients, and prints what they found:

- v1alpha: grpcio-reflection's ProtoReflectionDescriptorDatabase (pip `grpcio-reflection`):
  one `service NAME` line per listed service, then one
  `method NAME INPUT OUTPUT CLIENT_STREAMING SERVER_STREAMING` line per method of
  routeguide.RouteGuide, as the descriptors fetched from the server describe it.
- v1: stubs generated with grpc_tools.protoc from grpc's `grpc/reflection/v1/reflection.proto`
  (under PROTO_ROOT): lists the services, asks for the file defining each one and every file
  by name, decodes every FileDescriptorProto with Python's protobuf and builds a descriptor
  pool from them. Prints `v1 service NAME`, `v1 file NAME` (each decoded file) and
  `v1 method SERVICE.METHOD` (from the pool).

Usage: reflection_client.py PORT PROTO_ROOT STUB_DIR
"""

import os
import sys

import grpc
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor_pool import DescriptorPool
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)


def v1_stubs(proto_root, stub_dir):
    """Generates the v1 reflection stubs; their package `grpc` is renamed `reflection_v1_pb` so
    that it does not shadow grpcio."""
    from grpc_tools import protoc

    args = ["protoc", "-I" + proto_root, "--python_out=" + stub_dir,
            "--grpc_python_out=" + stub_dir, "grpc/reflection/v1/reflection.proto"]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    os.rename(os.path.join(stub_dir, "grpc"), os.path.join(stub_dir, "reflection_v1_pb"))
    for dirpath, _, files in os.walk(os.path.join(stub_dir, "reflection_v1_pb")):
        open(os.path.join(dirpath, "__init__.py"), "a").close()
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(dirpath, name)
                with open(path) as f:
                    text = f.read()
                text = text.replace("from grpc.reflection.v1 import", "from reflection_v1_pb.reflection.v1 import")
                with open(path, "w") as f:
                    f.write(text)
    sys.path.insert(0, stub_dir)
    from reflection_v1_pb.reflection.v1 import reflection_pb2, reflection_pb2_grpc

    return reflection_pb2, reflection_pb2_grpc


def v1alpha(channel):
    database = ProtoReflectionDescriptorDatabase(channel)
    for name in sorted(database.get_services()):
        print("service", name)
    pool = DescriptorPool(database)
    service = pool.FindServiceByName("routeguide.RouteGuide")
    for method in service.methods:
        print(
            "method",
            method.name,
            method.input_type.full_name,
            method.output_type.full_name,
            method.client_streaming,
            method.server_streaming,
        )


def v1(channel, pb2, pb2_grpc):
    stub = pb2_grpc.ServerReflectionStub(channel)

    def ask(**request):
        (response,) = list(stub.ServerReflectionInfo(iter([pb2.ServerReflectionRequest(**request)]), timeout=30))
        if response.HasField("error_response"):
            raise SystemExit("reflection error: %s" % response.error_response.error_message)
        return response

    services = [s.name for s in ask(list_services="").list_services_response.service]
    files = {}
    for name in services:
        print("v1 service", name)
        response = ask(file_containing_symbol=name)
        for raw in response.file_descriptor_response.file_descriptor_proto:
            proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
            files[proto.name] = proto
    for name in sorted(files):
        response = ask(file_by_filename=name)
        raw = response.file_descriptor_response.file_descriptor_proto[0]
        if descriptor_pb2.FileDescriptorProto.FromString(raw) != files[name]:
            raise SystemExit("file_by_filename(%s) differs from the symbol's file" % name)
        print("v1 file", name)
    pool = DescriptorPool()
    added = set()
    while len(added) < len(files):
        for name, proto in sorted(files.items()):
            if name not in added and all(d in added for d in proto.dependency):
                pool.AddSerializedFile(proto.SerializeToString())
                added.add(name)
    for name in services:
        for method in pool.FindServiceByName(name).methods:
            print("v1 method %s.%s" % (name, method.name))


def main(port, proto_root, stub_dir):
    pb2, pb2_grpc = v1_stubs(proto_root, stub_dir)
    with grpc.insecure_channel("127.0.0.1:%s" % port) as channel:
        grpc.channel_ready_future(channel).result(timeout=30)
        v1alpha(channel)
        v1(channel, pb2, pb2_grpc)


if __name__ == "__main__":
    main(*sys.argv[1:4])
