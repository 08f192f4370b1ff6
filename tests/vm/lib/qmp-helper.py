#!/usr/bin/env python3
"""Host side of the VM test bed's screendump channel.

A case in the guest asks for a screendump by creating NAME.req in the results
share; this helper answers with QMP `screendump` into NAME.ppm, writes
NAME.png beside it, and creates NAME.done. It ends when QEMU closes the QMP
socket.
"""
import json
import os
import select
import socket
import struct
import sys
import time
import zlib


def ppm_to_png(ppm_path, png_path):
    with open(ppm_path, "rb") as f:
        data = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError("not an 8-bit P6 PPM: %s" % ppm_path)
    width, height = int(fields[1]), int(fields[2])
    stride = width * 3
    pixels = data[pos:pos + stride * height]
    raw = b"".join(b"\0" + pixels[y * stride:(y + 1) * stride]
                   for y in range(height))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))

    png = (b"\x89PNG\r\n\x1a\n" +
           chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
           chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    with open(png_path + ".tmp", "wb") as f:
        f.write(png)
    os.rename(png_path + ".tmp", png_path)


class Qmp:
    def __init__(self, path, timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.file = self.sock.makefile("rwb")
        self.read()  # greeting
        self.command("qmp_capabilities")

    def read(self):
        line = self.file.readline()
        if not line:
            raise EOFError
        return json.loads(line)

    def command(self, name, **args):
        self.file.write(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
        self.file.flush()
        while True:
            reply = self.read()
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise RuntimeError("%s: %s" % (name, reply["error"].get("desc")))


def main():
    sock_path, results = sys.argv[1], sys.argv[2]
    try:
        qmp = Qmp(sock_path, 30)
    except (OSError, EOFError) as e:
        print("qmp-helper: cannot connect to %s: %s" % (sock_path, e), file=sys.stderr)
        return 1
    while True:
        # Events, and EOF when QEMU exits, arrive here between requests.
        if select.select([qmp.sock], [], [], 0.2)[0]:
            try:
                qmp.read()
            except (EOFError, OSError, ValueError):
                return 0
        for name in sorted(os.listdir(results)):
            if not name.endswith(".req"):
                continue
            base = os.path.join(results, name[:-4])
            os.unlink(os.path.join(results, name))
            try:
                qmp.command("screendump", filename=base + ".ppm")
                ppm_to_png(base + ".ppm", base + ".png")
                status = "ok\n"
            except (RuntimeError, ValueError, OSError) as e:
                status = "error: %s\n" % e
            with open(base + ".done.tmp", "w") as f:
                f.write(status)
            os.rename(base + ".done.tmp", base + ".done")


if __name__ == "__main__":
    sys.exit(main())
