"""Local AWS peer for the tests: moto in-process on 127.0.0.1, plus a test-only control API.

moto plays S3 and EMR Serverless over real HTTP, exactly as the AWS SDK expects. Running it
in-process (instead of `moto_server`) lets the tests reach into its backends to script what
moto cannot do by itself (for instance a job run's state over time) through routes under
`/_harness/`, which AWS never has.

Usage: python moto_harness.py [--port N]   (0 = a free port; the first stdout line is JSON
{"port": N}). The process ends when its standard input closes or on SIGTERM/SIGINT, so a
test runner that dies cannot leave it behind.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

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


class HarnessApp:
    def __init__(self) -> None:
        self.moto = DomainDispatcherApplication(create_backend_app)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
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
