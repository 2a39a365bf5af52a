#!/usr/bin/env python3
"""Regenerate node/src/main/resources/redmesh/commands.json from a real redis-server.

The command table is data (see ../shared/design/BRIEF.md): name, arity, flags, ACL
categories, key specs and docs of every command, exactly as Redis 7.0 declares them.
Rather than retyping Redis's src/commands/*.json by hand, this asks a running Redis 7.0
(Debian's 7.0.15 is the reference) for COMMAND INFO and COMMAND DOCS over RESP3 and
writes what it answers as JSON. RedMesh binds a handler to each entry by name; entries
without a handler stay unknown commands.

COMMAND INFO leaves out some flags on purpose (server.c addReplyCommandFlags hides
"protected", "may_replicate", "sentinel", "only_sentinel"); the ones the node acts on are
added back from HIDDEN_FLAGS below, which mirrors src/commands/*.json of 7.0, and the node
never prints them. Subcommands are sorted by name: Redis lists them in its dict's (seeded,
random) order, which would make every regeneration differ for nothing.

Usage: tools/gen-command-table.py [--sentinel] [PORT]
  (default: starts redis-server itself on a free port; --sentinel starts redis-sentinel and
  writes commands-sentinel.json, the table of Redis's sentinel mode: a sentinel answers only
  these 15 commands, SENTINEL among them)
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time


class Resp3:
    """A minimal RESP3 reader that keeps the distinctions JSON needs (maps, sets, status)."""

    def __init__(self, sock):
        self.f = sock.makefile("rb")
        self.sock = sock

    def call(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode() if isinstance(a, str) else a
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)
        return self.read()

    def read(self):
        line = self.f.readline()[:-2]
        t, rest = chr(line[0]), line[1:]
        if t in "+":
            return rest.decode()
        if t == "-":
            raise RuntimeError(rest.decode())
        if t == ":":
            return int(rest)
        if t == "$":
            n = int(rest)
            if n < 0:
                return None
            data = self.f.read(n + 2)[:-2]
            return data.decode()
        if t == "_":
            return None
        if t in "*~>":
            return [self.read() for _ in range(int(rest))]
        if t == "%":
            d = {}
            for _ in range(int(rest)):
                k = self.read()
                d[k] = self.read()
            return d
        raise RuntimeError("unexpected RESP3 type " + t)


# Flags COMMAND INFO does not show but the dispatcher needs (DEBUG and MODULE are gated by
# enable-debug-command / enable-module-command through their "protected" flag).
HIDDEN_FLAGS = {
    "debug": ["protected"],
    "module": ["protected"],
    # CLIENT PAUSE WRITE holds these too (7.0's is_may_replicate_command)
    "eval": ["may_replicate"],
    "evalsha": ["may_replicate"],
    "fcall": ["may_replicate"],
    "pfcount": ["may_replicate"],
    "publish": ["may_replicate"],
    "spublish": ["may_replicate"],
}


def info_entry(e):
    name, arity, flags, first, last, step, cats, tips, key_specs, subs = e
    return {
        "name": name,
        "arity": arity,
        "flags": flags + HIDDEN_FLAGS.get(name, []),
        "first_key": first,
        "last_key": last,
        "step": step,
        "acl_categories": [c[1:] for c in cats],
        "tips": tips,
        "key_specs": key_specs,
        "subcommands": sorted((info_entry(s) for s in subs), key=lambda x: x["name"]),
    }


def attach_docs(entry, docs):
    d = docs.get(entry["name"])
    if d is not None:
        d = dict(d)
        subdocs = d.pop("subcommands", {}) or {}
        entry["docs"] = d
        for s in entry["subcommands"]:
            attach_docs(s, subdocs)


def main():
    args = sys.argv[1:]
    sentinel = "--sentinel" in args
    args = [a for a in args if a != "--sentinel"]
    port = int(args[0]) if args else 0
    proc = None
    if not port:
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            port = free.getsockname()[1]
        tmp = tempfile.mkdtemp()
        if sentinel:
            conf = os.path.join(tmp, "sentinel.conf")
            with open(conf, "w") as f:
                f.write("port %d\nbind 127.0.0.1\ndir %s\n" % (port, tmp))
            proc = subprocess.Popen(["redis-sentinel", conf], stdout=subprocess.DEVNULL)
        else:
            proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                     "--save", "", "--dir", tmp], stdout=subprocess.DEVNULL)
        time.sleep(0.5)
    try:
        s = socket.create_connection(("127.0.0.1", port))
        r = Resp3(s)
        hello = r.call("HELLO", "3")
        info = r.call("COMMAND", "INFO")
        docs = r.call("COMMAND", "DOCS")
    finally:
        if proc:
            proc.terminate()
            proc.wait()
    table = []
    for e in info:
        entry = info_entry(e)
        attach_docs(entry, docs)
        table.append(entry)
    table.sort(key=lambda x: x["name"])
    out = {"redis_version": hello["version"], "commands": table}
    dest = os.path.join(os.path.dirname(__file__), "..", "node", "src", "main", "resources",
                        "redmesh", "commands-sentinel.json" if sentinel else "commands.json")
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w") as f:
        json.dump(out, f, indent=1, sort_keys=False)
        f.write("\n")
    print("wrote %d commands from redis %s to %s" % (len(table), hello["version"], dest))


if __name__ == "__main__":
    main()
