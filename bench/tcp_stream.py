#!/usr/bin/env python3
"""A plain TCP stream between two emulated hosts (jobs/emulated-cluster.sh):
what the link lets one connection through, the yardstick for MPI's numbers.

    /usr/bin/python3 bench/tcp_stream.py --from bvh0 --to bvh1 [--bytes N]

prints Mbit/s (payload, one direction). Hosts are network namespaces bvhK
at 198.18.0.(K+1). Root only (ip netns exec)."""
import argparse
import subprocess
import sys
import time

PORT = 5201

SERVER = """
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); print("ready", flush=True)
c, _ = s.accept()
while c.recv(1 << 20): pass
c.sendall(b"x"); c.close()
"""

CLIENT = """
import socket, sys, time
host, port, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
c = socket.create_connection((host, port)); buf = bytes(1 << 20); sent = 0
t = time.perf_counter()
while sent < total:
    c.sendall(buf[:min(len(buf), total - sent)]); sent += min(len(buf), total - sent)
c.shutdown(socket.SHUT_WR); c.recv(1)
print(sent * 8 / (time.perf_counter() - t) / 1e6)
"""


def address(ns):
    if not ns.startswith("bvh") or not ns[3:].isdigit():
        sys.exit(f"tcp_stream: '{ns}' is not an emulated host (bvhK)")
    return f"198.18.0.{int(ns[3:]) + 1}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="src", required=True)
    ap.add_argument("--to", dest="dst", required=True)
    ap.add_argument("--bytes", type=int, default=12_000_000)
    a = ap.parse_args()
    server = subprocess.Popen(["ip", "netns", "exec", a.dst, sys.executable, "-c", SERVER, address(a.dst), str(PORT)],
                              stdout=subprocess.PIPE, text=True)
    try:
        if server.stdout.readline().strip() != "ready":
            sys.exit("tcp_stream: the server did not start")
        out = subprocess.run(["ip", "netns", "exec", a.src, sys.executable, "-c", CLIENT, address(a.dst), str(PORT),
                              str(a.bytes)], capture_output=True, text=True, timeout=300, check=True).stdout
        print(f"{float(out):.1f}")
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
