"""Local AWS peer for the tests: moto in-process on 127.0.0.1, plus a test-only control API.

moto plays S3 and EMR Serverless over real HTTP, exactly as the AWS SDK expects. Running it
in-process (instead of `moto_server`) lets the tests reach into its backends to script what
moto cannot do by itself (for instance a job run's state over time) through routes under
`/_harness/`, which AWS never has.

Usage: python moto_harness.py [--port N]   (0 = a free port; the first stdout line is JSON
{"port": N}). The process ends when its standard input closes or on SIGTERM/SIGINT, so a
test runner that dies cannot leave it behind.

A gate stands in front of moto, which itself accepts any request: a browser's request (an
Origin, or Sec-Fetch-Site) is always refused, since a web page can reach 127.0.0.1 too; and
with MOTO_HARNESS_ACCESS_KEY_ID set (the local pipeline sets a random one per run, in the
environment, where other users cannot read it), a request not signed with that access key
is refused. The key ID is checked, not the signature: moto does not verify SigV4.
"""

from __future__ import annotations

import argparse
import hmac
import json
import os
import re
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

# Control routes: path (after /_harness/) -> handler(request body as dict) -> JSON-able result.
ControlHandler = Callable[[dict[str, Any]], Any]
CONTROL_ROUTES: dict[str, ControlHandler] = {}


def control(path: str) -> Callable[[ControlHandler], ControlHandler]:
    def register(handler: ControlHandler) -> ControlHandler:
        CONTROL_ROUTES[path] = handler
        return handler

    return register


@control("ping")
def _ping(_body: dict[str, Any]) -> Any:
    return {"ok": True}


# Extensions (for example the EMR Serverless state scripting) register more routes on import.
try:
    import harness_emr  # noqa: F401
except ImportError as error:  # only a missing module is fine; a broken one must fail loudly
    if error.name != "harness_emr":
        raise


BROWSER_HEADERS = ("HTTP_ORIGIN", "HTTP_SEC_FETCH_SITE")
CREDENTIAL = re.compile(r"Credential=([^/\s,]+)/")


def refusal(environ: dict[str, Any], access_key: str | None) -> str | None:
    """Why the gate refuses the request, or None."""
    if any(header in environ for header in BROWSER_HEADERS):
        return "a browser's request (an Origin or fetch metadata) is refused"
    if access_key is None:
        return None
    signed = CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    query = parse_qs(environ.get("QUERY_STRING", "")).get("X-Amz-Credential", [""])[0]
    given = signed.group(1) if signed else query.split("/")[0]
    if not hmac.compare_digest(given.encode(), access_key.encode()):
        return "the request is not signed with the access key this local S3 was started with"
    return None


class HarnessApp:
    def __init__(self) -> None:
        self.moto = DomainDispatcherApplication(create_backend_app)
        self.access_key = os.environ.get("MOTO_HARNESS_ACCESS_KEY_ID") or None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        refused = refusal(environ, self.access_key)
        if refused is not None:
            response = Response(
                '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>'
                f"<Message>Local S3: {refused}</Message></Error>",
                status=403,
                content_type="application/xml",
            )
            return response(environ, start_response)
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_harness/"):
            return self.control(environ, start_response, path[len("/_harness/") :])
        return self.moto(environ, start_response)

    def control(
        self, environ: dict[str, Any], start_response: Callable[..., Any], route: str
    ) -> Any:
        request = Request(environ)
        handler = CONTROL_ROUTES.get(route)
        if handler is None:
            response = Response(json.dumps({"error": f"no route {route}"}), status=404)
        else:
            try:
                body = json.loads(request.get_data() or b"{}")
                response = Response(json.dumps(handler(body)), status=200)
            except Exception as error:  # the test sees the reason instead of a hung request
                response = Response(json.dumps({"error": repr(error)}), status=500)
        response.content_type = "application/json"
        return response(environ, start_response)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    server = make_server(
        "127.0.0.1", args.port, HarnessApp(), threaded=True, request_handler=MotoRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(json.dumps({"port": server.server_address[1]}), flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    stop.wait()
    server.shutdown()


if __name__ == "__main__":
    main()
