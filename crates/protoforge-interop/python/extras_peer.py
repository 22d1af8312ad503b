"""The Python grpcio peer for the tests beyond the standard interop cases: rich error
details (`grpc-status-details-bin`, an encoded google.rpc.Status) and compression and
message-size options. It serves or calls grpc.testing.TestService.UnaryCall only.

Usage:
  extras_peer.py server --proto_root DIR --stub_dir DIR --port N
  extras_peer.py client --proto_root DIR --stub_dir DIR --server_port N --case NAME

Stubs come from interop_peer.generate_stubs, plus google/rpc/{status,error_details}.proto
(the real googleapis files, in ../proto) compiled with grpc_tools.protoc.

The server prints `details HEX` (the rich status it sends) and `listening on N`, then serves
until its standard input closes. UnaryCall with `fill_username` set fails with
INVALID_ARGUMENT and that rich status; otherwise it answers `response_size` bytes, gzip
compressed when `response_compressed` is set, and reports in `username` how many payload
bytes it received.

Client cases print one line each:
  rich        `code NAME`, `details HEX` (the raw trailing metadata value), then the decoded
              `status CODE MESSAGE` and `error_info REASON DOMAIN KEY=VALUE...` per detail
  gzip        a gzip-compressed request of --size payload bytes: `ok SIZE` or `error NAME`
  plain       an uncompressed request of --size payload bytes: `ok SIZE` or `error NAME`
"""

import argparse
import os
import sys
from concurrent import futures

import interop_peer

DETAILS_KEY = "grpc-status-details-bin"
RICH_MESSAGE = "request rejected by the python peer"


def generate_rpc_stubs(stub_dir):
    import grpc_tools
    from grpc_tools import protoc

    here = os.path.dirname(os.path.abspath(__file__))
    proto_dir = os.path.join(here, "..", "proto")
    wkt = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    args = ["protoc", "-I" + proto_dir, "-I" + wkt, "--python_out=" + stub_dir,
            "google/rpc/status.proto", "google/rpc/error_details.proto"]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed on google/rpc")
    # The stubs' `google` joins protobuf's namespace package `google`.
    import google

    google.__path__.append(os.path.join(stub_dir, "google"))


def rich_status():
    from google.rpc import error_details_pb2, status_pb2

    info = error_details_pb2.ErrorInfo(reason="PYTHON_SAYS_NO", domain="peer.python.example")
    info.metadata["attempt"] = "1"
    info.metadata["zone"] = "loopback"
    status = status_pb2.Status(code=3, message=RICH_MESSAGE)
    status.details.add().Pack(info)
    return status.SerializeToString(deterministic=True)


def serve(port):
    grpc, _, messages_pb2, test_pb2_grpc = interop_peer.load()
    details = rich_status()

    class Service(test_pb2_grpc.TestServiceServicer):
        def UnaryCall(self, request, context):
            if request.fill_username:
                context.set_trailing_metadata(((DETAILS_KEY, details),))
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, RICH_MESSAGE)
            if request.response_compressed.value:
                context.set_compression(grpc.Compression.Gzip)
            return messages_pb2.SimpleResponse(
                payload=messages_pb2.Payload(body=b"\0" * request.response_size),
                username=str(len(request.payload.body)))

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    test_pb2_grpc.add_TestServiceServicer_to_server(Service(), server)
    bound = server.add_insecure_port("127.0.0.1:%d" % port)
    if bound == 0:
        raise SystemExit("cannot bind 127.0.0.1:%d" % port)
    server.start()
    print("details %s" % details.hex(), flush=True)
    print("listening on %d" % bound, flush=True)
    sys.stdin.read()
    server.stop(grace=1).wait(5)


def run_case(port, case, size):
    grpc, _, messages_pb2, test_pb2_grpc = interop_peer.load()
    channel = grpc.insecure_channel("127.0.0.1:%d" % port)
    grpc.channel_ready_future(channel).result(timeout=10)
    stub = test_pb2_grpc.TestServiceStub(channel)
    if case == "rich":
        from google.rpc import error_details_pb2, status_pb2

        try:
            stub.UnaryCall(messages_pb2.SimpleRequest(fill_username=True), timeout=10)
            print("ok")
        except grpc.RpcError as e:
            print("code %s" % e.code().name)
            raw = dict(e.trailing_metadata() or ()).get(DETAILS_KEY, b"")
            print("details %s" % raw.hex())
            status = status_pb2.Status.FromString(raw)
            print("status %d %s" % (status.code, status.message))
            for any_detail in status.details:
                info = error_details_pb2.ErrorInfo()
                if not any_detail.Unpack(info):
                    print("detail %s" % any_detail.type_url)
                    continue
                pairs = " ".join("%s=%s" % kv for kv in sorted(info.metadata.items()))
                print("error_info %s %s %s" % (info.reason, info.domain, pairs))
    elif case in ("gzip", "plain"):
        compression = grpc.Compression.Gzip if case == "gzip" else grpc.Compression.NoCompression
        request = messages_pb2.SimpleRequest(
            response_size=size, payload=messages_pb2.Payload(body=b"\0" * size))
        try:
            response = stub.UnaryCall(request, timeout=10, compression=compression)
            print("ok %d" % len(response.payload.body))
        except grpc.RpcError as e:
            print("error %s" % e.code().name)
    else:
        raise SystemExit("unknown case %r" % case)
    channel.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["server", "client"])
    parser.add_argument("--proto_root", required=True)
    parser.add_argument("--stub_dir", required=True)
    parser.add_argument("--port", type=int)
    parser.add_argument("--server_port", type=int)
    parser.add_argument("--case")
    parser.add_argument("--size", type=int, default=1000)
    args = parser.parse_args()
    interop_peer.generate_stubs(args.proto_root, args.stub_dir)
    generate_rpc_stubs(args.stub_dir)
    if args.role == "server":
        serve(args.port)
    else:
        run_case(args.server_port, args.case, args.size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
