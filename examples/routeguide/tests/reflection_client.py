"""Asks the gRPC server on 127.0.0.1:PORT what it serves, through server reflection, with
grpcio-reflection's ProtoReflectionDescriptorDatabase (pip `grpcio-reflection`), an
independent reflection client. Prints one `service NAME` line per listed service, then one
`method NAME INPUT OUTPUT CLIENT_STREAMING SERVER_STREAMING` line per method of
routeguide.RouteGuide, as the descriptors fetched from the server describe it.

Usage: reflection_client.py PORT
"""

import sys

import grpc
from google.protobuf.descriptor_pool import DescriptorPool
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)


def main(port):
    with grpc.insecure_channel("127.0.0.1:%s" % port) as channel:
        grpc.channel_ready_future(channel).result(timeout=30)
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


if __name__ == "__main__":
    main(sys.argv[1])
