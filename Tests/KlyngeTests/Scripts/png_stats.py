#!/usr/bin/env python3
"""What a screenshot shows, for tests that check a page rendered (standard library only).

    png_stats.py SHOT.png COLOUR...        prints JSON: width, height, the share of pixels that
                                           are not white, and per colour (#rrggbb) how many pixels
                                           have it and how many separate horizontal bands of rows
                                           (a chart each, when the colour is a chart's own)
    png_stats.py SHOT.png --crop Y H OUT   writes rows Y..Y+H of the picture to OUT (to look at)

Reads 8-bit RGB or RGBA PNGs without interlacing, which is what headless Chromium writes.
"""
import json
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise SystemExit(f"{path}: only 8-bit RGB/RGBA without interlacing is read here")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def write_png(path, width, channels, rows):
    raw = b"".join(b"\x00" + r for r in rows)
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, len(rows), 8, 2 if channels == 3 else 6, 0, 0, 0)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main():
    path = sys.argv[1]
    width, height, channels, rows = read_png(path)
    if len(sys.argv) > 2 and sys.argv[2] == "--crop":
        y, h, out = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
        write_png(out, width, channels, rows[y:y + h])
        return
    alpha = b"\xff" if channels == 4 else b""
    colours = [bytes.fromhex(c.lstrip("#")) for c in sys.argv[2:]]
    counts = [0] * len(colours)
    bands = [0] * len(colours)
    last_row = [-100] * len(colours)
    white = b"\xff\xff\xff" + alpha
    not_white = 0
    for y, row in enumerate(rows):
        # Runs of one pixel value are counted whole by bytes.count, which is fast enough for a page.
        not_white += width - row.count(white)
        for k, c in enumerate(colours):
            n = row.count(c + alpha)
            if n:
                counts[k] += n
                # Rows of a colour more than 40 pixels apart belong to different charts.
                if y - last_row[k] > 40:
                    bands[k] += 1
                last_row[k] = y
    print(json.dumps({"width": width, "height": height, "not_white": not_white / (width * height),
                      "colours": {"#" + c.hex(): {"pixels": n, "bands": b} for c, n, b in zip(colours, counts, bands)}}))


if __name__ == "__main__":
    main()
