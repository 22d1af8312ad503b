"""A gRPC interop peer on Python grpcio: the standard TestService server and client cases.

Usage:
  interop_peer.py server --proto_root DIR --stub_dir DIR --port N [TLS] [--compression gzip]
  interop_peer.py client --proto_root DIR --stub_dir DIR --server_port N --test_case NAME|all
                  [TLS] [--compression gzip]

TLS: `--use_tls true --tls_dir DIR` serves with DIR/server1.pem and DIR/server1.key, or
connects trusting DIR/ca.pem and checking the name `--server_host_override` (default
foo.test.google.fr). `--compression gzip` compresses every message sent (grpcio's channel or
server default compression).

Stubs are generated into --stub_dir with grpc_tools.protoc from grpc/testing/{test,messages,
empty}.proto under --proto_root. Their top-level package `grpc` would shadow grpcio itself, so
it is renamed to `interop_pb`. The server binds 127.0.0.1 only and exits when its standard
input closes.
"""

import argparse
import os
import sys
import threading
import time
from concurrent import futures

PROTOS = ["grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto"]
ECHO_INITIAL = "x-grpc-test-echo-initial"
ECHO_TRAILING = "x-grpc-test-echo-trailing-bin"


def generate_stubs(proto_root, stub_dir):
    from grpc_tools import protoc

    args = ["protoc", "-I" + proto_root, "--python_out=" + stub_dir, "--grpc_python_out=" + stub_dir]
    if protoc.main(args + PROTOS) != 0:
        raise SystemExit("protoc failed")
    src = os.path.join(stub_dir, "grpc")
    dst = os.path.join(stub_dir, "interop_pb")
    os.rename(src, dst)
    for dirpath, _, files in os.walk(dst):
        open(os.path.join(dirpath, "__init__.py"), "a").close()
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(dirpath, name)
                with open(path) as f:
                    text = f.read()
                text = text.replace("from grpc.testing import", "from interop_pb.testing import")
                with open(path, "w") as f:
                    f.write(text)
    sys.path.insert(0, stub_dir)


def load():
    import grpc
    from interop_pb.testing import empty_pb2, messages_pb2, test_pb2_grpc

    return grpc, empty_pb2, messages_pb2, test_pb2_grpc


# ---------------------------------------------------------------- server

def read(directory, name):
    with open(os.path.join(directory, name), "rb") as f:
        return f.read()


def compression(grpc, name):
    return grpc.Compression.Gzip if name == "gzip" else grpc.Compression.NoCompression


def serve(port, args):
    grpc, empty_pb2, messages_pb2, test_pb2_grpc = load()

    def echo(context):
        metadata = dict(context.invocation_metadata())
        if ECHO_INITIAL in metadata:
            context.send_initial_metadata(((ECHO_INITIAL, metadata[ECHO_INITIAL]),))
        if ECHO_TRAILING in metadata:
            context.set_trailing_metadata(((ECHO_TRAILING, metadata[ECHO_TRAILING]),))

    def maybe_abort(status, context):
        if status is not None and status.code != 0:
            context.abort(grpc.StatusCode(_code(grpc, status.code)), status.message)

    def payload(size):
        return messages_pb2.Payload(body=b"\0" * size)

    class Service(test_pb2_grpc.TestServiceServicer):
        def EmptyCall(self, request, context):
            echo(context)
            return empty_pb2.Empty()

        def UnaryCall(self, request, context):
            echo(context)
            if request.HasField("response_status"):
                maybe_abort(request.response_status, context)
            return messages_pb2.SimpleResponse(payload=payload(request.response_size))

        def StreamingOutputCall(self, request, context):
            for parameters in request.response_parameters:
                if parameters.interval_us > 0:
                    time.sleep(parameters.interval_us / 1e6)
                yield messages_pb2.StreamingOutputCallResponse(payload=payload(parameters.size))
            if request.HasField("response_status"):
                maybe_abort(request.response_status, context)

        def StreamingInputCall(self, request_iterator, context):
            total = sum(len(r.payload.body) for r in request_iterator)
            return messages_pb2.StreamingInputCallResponse(aggregated_payload_size=total)

        def FullDuplexCall(self, request_iterator, context):
            echo(context)
            for request in request_iterator:
                if request.HasField("response_status"):
                    maybe_abort(request.response_status, context)
                for parameters in request.response_parameters:
                    if parameters.interval_us > 0:
                        time.sleep(parameters.interval_us / 1e6)
                    yield messages_pb2.StreamingOutputCallResponse(payload=payload(parameters.size))

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8),
                         compression=compression(grpc, args.compression))
    test_pb2_grpc.add_TestServiceServicer_to_server(Service(), server)
    if args.use_tls == "true":
        credentials = grpc.ssl_server_credentials(
            [(read(args.tls_dir, "server1.key"), read(args.tls_dir, "server1.pem"))])
        bound = server.add_secure_port("127.0.0.1:%d" % port, credentials)
    else:
        bound = server.add_insecure_port("127.0.0.1:%d" % port)
    if bound == 0:
        raise SystemExit("cannot bind 127.0.0.1:%d" % port)
    server.start()
    print("listening on %d" % bound, flush=True)
    sys.stdin.read()
    server.stop(grace=1).wait(5)


def _code(grpc, number):
    for code in grpc.StatusCode:
        if code.value[0] == number:
            return code.value
    return grpc.StatusCode.UNKNOWN.value


# ---------------------------------------------------------------- client

class CaseFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CaseFailure(message)


def run_client(port, cases, args):
    grpc, empty_pb2, messages_pb2, test_pb2_grpc = load()
    target = "127.0.0.1:%d" % port
    if args.use_tls == "true":
        credentials = grpc.ssl_channel_credentials(root_certificates=read(args.tls_dir, "ca.pem"))
        options = (("grpc.ssl_target_name_override", args.server_host_override),)
        channel = grpc.secure_channel(target, credentials, options=options,
                                      compression=compression(grpc, args.compression))
    else:
        channel = grpc.insecure_channel(target, compression=compression(grpc, args.compression))
    grpc.channel_ready_future(channel).result(timeout=10)
    stub = test_pb2_grpc.TestServiceStub(channel)
    step = 10

    def payload(size):
        return messages_pb2.Payload(body=b"\0" * size)

    def output_request(response_size, request_size):
        return messages_pb2.StreamingOutputCallRequest(
            response_parameters=[messages_pb2.ResponseParameters(size=response_size)],
            payload=payload(request_size))

    def expect_error(fn, code, message=None):
        try:
            fn()
        except grpc.RpcError as e:
            check(e.code() == code, "expected %s, got %s: %r" % (code, e.code(), e.details()))
            if message is not None:
                check(e.details() == message, "expected message %r, got %r" % (message, e.details()))
            return
        raise CaseFailure("expected %s, the call succeeded" % code)

    class Requests:
        """A request iterator fed from the test, ending when closed or after a bound."""

        def __init__(self):
            self.items = []
            self.cond = threading.Condition()
            self.closed = False

        def send(self, item):
            with self.cond:
                self.items.append(item)
                self.cond.notify_all()

        def close(self):
            with self.cond:
                self.closed = True
                self.cond.notify_all()

        def __iter__(self):
            return self

        def __next__(self):
            with self.cond:
                if not self.cond.wait_for(lambda: self.items or self.closed, timeout=step):
                    raise StopIteration
                if self.items:
                    return self.items.pop(0)
                raise StopIteration

    def empty_unary():
        check(stub.EmptyCall(empty_pb2.Empty(), timeout=step) == empty_pb2.Empty(), "non-empty reply")

    def large_request():
        return messages_pb2.SimpleRequest(response_size=314159, payload=payload(271828))

    def large_unary():
        response = stub.UnaryCall(large_request(), timeout=step)
        check(len(response.payload.body) == 314159, "payload of %d bytes" % len(response.payload.body))

    def client_streaming():
        requests = [messages_pb2.StreamingInputCallRequest(payload=payload(n)) for n in (27182, 8, 1828, 45904)]
        response = stub.StreamingInputCall(iter(requests), timeout=step)
        check(response.aggregated_payload_size == 74922, "aggregated %d" % response.aggregated_payload_size)

    def server_streaming():
        sizes = [31415, 9, 2653, 58979]
        request = messages_pb2.StreamingOutputCallRequest(
            response_parameters=[messages_pb2.ResponseParameters(size=n) for n in sizes])
        got = [len(r.payload.body) for r in stub.StreamingOutputCall(request, timeout=step)]
        check(got == sizes, "sizes %r" % got)

    def ping_pong():
        requests = Requests()
        responses = stub.FullDuplexCall(requests, timeout=step)
        for response_size, request_size in ((31415, 27182), (9, 8), (2653, 1828), (58979, 45904)):
            requests.send(output_request(response_size, request_size))
            response = next(responses)
            check(len(response.payload.body) == response_size, "payload of %d bytes" % len(response.payload.body))
        requests.close()
        check(next(responses, None) is None, "stream did not end")

    def empty_stream():
        check(list(stub.FullDuplexCall(iter([]), timeout=step)) == [], "non-empty stream")

    def custom_metadata():
        metadata = ((ECHO_INITIAL, "test_initial_metadata_value"), (ECHO_TRAILING, b"\xab\xab\xab"))

        def verify(what, call):
            initial = dict(call.initial_metadata())
            trailing = dict(call.trailing_metadata())
            check(initial.get(ECHO_INITIAL) == "test_initial_metadata_value", "%s initial %r" % (what, initial))
            check(trailing.get(ECHO_TRAILING) == b"\xab\xab\xab", "%s trailing %r" % (what, trailing))

        response, call = stub.UnaryCall.with_call(large_request(), metadata=metadata, timeout=step)
        check(len(response.payload.body) == 314159, "payload of %d bytes" % len(response.payload.body))
        verify("UnaryCall", call)
        call = stub.FullDuplexCall(iter([output_request(314159, 271828)]), metadata=metadata, timeout=step)
        sizes = [len(r.payload.body) for r in call]
        check(sizes == [314159], "sizes %r" % sizes)
        verify("FullDuplexCall", call)

    def status_code_and_message():
        message = "test status message"
        status = messages_pb2.EchoStatus(code=2, message=message)
        expect_error(lambda: stub.UnaryCall(messages_pb2.SimpleRequest(response_status=status), timeout=step),
                     grpc.StatusCode.UNKNOWN, message)
        request = messages_pb2.StreamingOutputCallRequest(response_status=status)
        expect_error(lambda: list(stub.FullDuplexCall(iter([request]), timeout=step)),
                     grpc.StatusCode.UNKNOWN, message)

    def special_status_message():
        message = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"
        status = messages_pb2.EchoStatus(code=2, message=message)
        expect_error(lambda: stub.UnaryCall(messages_pb2.SimpleRequest(response_status=status), timeout=step),
                     grpc.StatusCode.UNKNOWN, message)

    def unimplemented_method():
        expect_error(lambda: stub.UnimplementedCall(empty_pb2.Empty(), timeout=step),
                     grpc.StatusCode.UNIMPLEMENTED)

    def unimplemented_service():
        other = test_pb2_grpc.UnimplementedServiceStub(channel)
        expect_error(lambda: other.UnimplementedCall(empty_pb2.Empty(), timeout=step),
                     grpc.StatusCode.UNIMPLEMENTED)

    def cancel_after_begin():
        requests = Requests()
        future = stub.StreamingInputCall.future(requests, timeout=step)
        future.cancel()
        requests.close()
        check(future.cancelled(), "call not cancelled")
        check(future.code() == grpc.StatusCode.CANCELLED, "code %s" % future.code())

    def cancel_after_first_response():
        requests = Requests()
        call = stub.FullDuplexCall(requests, timeout=step)
        requests.send(output_request(31415, 27182))
        check(len(next(call).payload.body) == 31415, "first response size")
        call.cancel()
        requests.close()
        check(call.code() == grpc.StatusCode.CANCELLED, "code %s" % call.code())

    def timeout_on_sleeping_server():
        requests = Requests()
        requests.send(messages_pb2.StreamingOutputCallRequest(payload=payload(27182)))

        def run():
            try:
                list(stub.FullDuplexCall(requests, timeout=0.001))
            finally:
                requests.close()

        expect_error(run, grpc.StatusCode.DEADLINE_EXCEEDED)

    failed = 0
    for case in cases:
        try:
            locals()[case]()
            print("%s: PASS" % case, flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is reported per case
            failed += 1
            print("%s: FAIL: %s: %s" % (case, type(e).__name__, e), flush=True)
    channel.close()
    return failed


CASES = ["empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong",
         "empty_stream", "custom_metadata", "status_code_and_message", "special_status_message",
         "unimplemented_method", "unimplemented_service", "cancel_after_begin",
         "cancel_after_first_response", "timeout_on_sleeping_server"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["server", "client"])
    parser.add_argument("--proto_root", required=True)
    parser.add_argument("--stub_dir", required=True)
    parser.add_argument("--port", type=int)
    parser.add_argument("--server_port", type=int)
    parser.add_argument("--test_case", default="all")
    parser.add_argument("--use_tls", default="false")
    parser.add_argument("--tls_dir")
    parser.add_argument("--server_host_override", default="foo.test.google.fr")
    parser.add_argument("--compression", default="none", choices=["none", "gzip"])
    args = parser.parse_args()
    generate_stubs(args.proto_root, args.stub_dir)
    if args.role == "server":
        serve(args.port, args)
        return 0
    cases = CASES if args.test_case == "all" else args.test_case.split(",")
    return 1 if run_client(args.server_port, cases, args) else 0


if __name__ == "__main__":
    sys.exit(main())
