"""The local test server: a client that hangs up mid-request is logged, not printed as a crash."""

from __future__ import annotations

import logging
import socket
import struct
import time

from portal_spider.demo.server import PortalServer
from portal_spider.demo.yenbai_site import YenBaiSite

logger = logging.getLogger(__name__)


def test_a_client_that_hangs_up_is_logged_quietly(capfd, caplog):
    caplog.set_level(logging.DEBUG, logger="portal_spider.demo.server")
    with PortalServer(YenBaiSite(), delay=0.3) as server:
        host, port = server.httpd.server_address[:2]
        client = socket.create_connection((host, port))
        client.sendall(b"GET / HTTP/1.1\r\nHost: portal\r\n\r\n")
        # closed with a reset while the server still waits: its reply meets a dead connection
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
        deadline = time.monotonic() + 10
        while "hung up" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.log.targets == ["/"]
    assert "hung up" in caplog.text
    assert "Traceback" not in capfd.readouterr().err
