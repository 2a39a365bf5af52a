"""RESP request writer for the bench scripts' load files: cmd("SET", "k", "v") writes one
multi-bulk request to stdout (arguments as bytes, or anything str() can render)."""
import sys

_out = sys.stdout.buffer


def cmd(*a):
    _out.write(b"*%d\r\n" % len(a))
    for x in a:
        x = x if isinstance(x, bytes) else str(x).encode()
        _out.write(b"$%d\r\n%s\r\n" % (len(x), x))
