"""Checks and watches the health of the gRPC server on 127.0.0.1:PORT with grpcio's own health
client stubs (pip `grpcio-health-checking`), printing one line per answer:

  check NAME STATUS      for the whole server (NAME `-`), routeguide.RouteGuide and an unknown
                         service (STATUS is the serving status, or the error code)
  watch STATUS           for each status Watch streams for routeguide.RouteGuide; after the
                         third it stops

Usage: health_client.py PORT
"""

import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def main(port):
    with grpc.insecure_channel("127.0.0.1:%s" % port) as channel:
        grpc.channel_ready_future(channel).result(timeout=30)
        stub = health_pb2_grpc.HealthStub(channel)
        for name in ["", "routeguide.RouteGuide", "no.such.Service"]:
            try:
                response = stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=10)
                status = health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
            except grpc.RpcError as e:
                status = e.code().name
            print("check", name or "-", status, flush=True)
        watch = stub.Watch(health_pb2.HealthCheckRequest(service="routeguide.RouteGuide"), timeout=60)
        for seen, response in enumerate(watch, 1):
            print("watch", health_pb2.HealthCheckResponse.ServingStatus.Name(response.status), flush=True)
            if seen == 3:
                watch.cancel()
                break


if __name__ == "__main__":
    main(sys.argv[1])
