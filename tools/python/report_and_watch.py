#!/usr/bin/python3
"""A non-C++ backend using gridcase: report a case, then watch it.

This is what a WeChat mini-program backend written in Python does: it calls
gridcase.v1.IntakeService over gRPC with the stubs the build generates
(build/proto/python). It proves who it is with its own service token (a JWT
whose `channel` claim is "wechat", sent as "authorization: Bearer") and names
the WeChat user it acts for in x-gridcase-on-behalf-of ("wx:<openid>"); see
docs/security.md. Against a stack in --auth_mode=insecure-dev, run it
without a token: it then sends the x-gridcase-actor header instead.

    source var/run/env     # tools/run-local: targets and a signing key
    /usr/bin/python3 tools/python/report_and_watch.py \
        --target "$GRIDCASE_INTAKE_TARGET" --stubs build/proto/python \
        --token "$(build/tools/gridctl/gridctl token --channel=wechat \
                   --subject=svc:wechat-demo)"

Uses Debian's python3-grpcio and python3-protobuf only.
"""

import argparse
import os
import sys
import threading
import uuid


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="intake host:port")
    parser.add_argument("--stubs", required=True,
                        help="directory of the generated gridcase Python stubs")
    parser.add_argument("--citizen", default="wx:python-demo",
                        help="the WeChat user the backend acts for")
    parser.add_argument("--token", default=os.environ.get("GRIDCASE_TOKEN"),
                        help="the backend's token (default $GRIDCASE_TOKEN); "
                             "without one, the insecure-dev header is sent")
    parser.add_argument("--ca", help="CA file of a TLS intake port")
    parser.add_argument("--lat", type=float, default=30.6840)
    parser.add_argument("--lng", type=float, default=120.6300)
    args = parser.parse_args()

    sys.path.insert(0, args.stubs)
    import grpc
    from gridcase.v1 import common_pb2, intake_pb2, intake_pb2_grpc

    if args.token:
        metadata = (("authorization", f"Bearer {args.token}"),
                    ("x-gridcase-on-behalf-of", args.citizen))
    else:
        metadata = (("x-gridcase-actor",
                     f"subject={args.citizen}; roles=citizen"),)
    if args.ca:
        with open(args.ca, "rb") as ca:
            channel = grpc.secure_channel(
                args.target, grpc.ssl_channel_credentials(ca.read()))
    else:
        channel = grpc.insecure_channel(args.target)
    intake = intake_pb2_grpc.IntakeServiceStub(channel)

    # 1. Report. The request id makes a retry after a network error safe.
    request = intake_pb2.ReportCaseRequest(
        request_id=str(uuid.uuid4()),
        source=common_pb2.SOURCE_WECHAT,
        category_code="E0101",
        description="小区门口暴露垃圾 (reported from Python)",
        location=common_pb2.Location(latitude=args.lat, longitude=args.lng,
                                     address="濮院镇"),
    )
    reported = intake.ReportCase(request, metadata=metadata, timeout=10)
    case = reported.case
    print(f"reported {case.id}: "
          f"{common_pb2.CaseState.Name(case.state)} in grid {case.grid_code}, "
          f"{intake_pb2.ReportOutcome.Name(reported.outcome)}, "
          f"report_count={reported.report_count}")
    retried = intake.ReportCase(request, metadata=metadata, timeout=10)
    assert retried.replayed and retried.case.id == case.id, "retry not idempotent"
    print(f"retry returned the same case {retried.case.id} (replayed)")

    # 2. Watch the case, the way a WeChat backend pushes progress to the user.
    watch = intake.WatchCases(intake_pb2.WatchCasesRequest(case_id=case.id),
                              metadata=metadata)
    live = threading.Event()
    received = []

    def consume():
        for message in watch:
            if not message.HasField("event"):
                live.set()  # the first marker: the subscription is live
                continue
            received.append(message.event)
            print(f"event {message.event.id}: "
                  f"{common_pb2.CaseEventType.Name(message.event.type)} "
                  f"'{message.event.note}'")
            return

    reader = threading.Thread(target=consume)
    reader.start()
    if not live.wait(10):
        sys.exit("watch did not start")

    # 3. A follow-up produces an event the watcher receives.
    intake.AddFollowUp(
        intake_pb2.AddFollowUpRequest(
            case_id=case.id, request_id=str(uuid.uuid4()),
            kind=intake_pb2.FOLLOW_UP_KIND_COMMENT, text="今天早上还在"),
        metadata=metadata, timeout=10)
    reader.join(10)
    watch.cancel()
    if not received:
        sys.exit("no event received")
    print("ok")


if __name__ == "__main__":
    main()
