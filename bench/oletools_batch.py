"""Peer for bench/scan-docs.sh: oletools over a document batch in one
long-lived process, one core — rtfobj's object parser on every RTF,
olevba's VBA_Parser (detect + analyse macros) on every Office file.

Usage: python3 oletools_batch.py LIST_FILE
LIST_FILE has one `rtf<TAB>path` or `office<TAB>path` per line.
Prints: files bytes seconds objects macros errors
"""
import sys
import time

from oletools import rtfobj
from oletools.olevba import VBA_Parser


def rtf(path, data):
    parser = rtfobj.RtfObjParser(data)
    parser.parse()
    return len(parser.objects), 0


def office(path, data):
    vba = VBA_Parser(path, data=data)
    macros = 0
    if vba.detect_vba_macros():
        macros = len(list(vba.analyze_macros()))
    vba.close()
    return 0, macros


def main(list_file):
    jobs = [line.rstrip("\n").split("\t", 1) for line in open(list_file)]
    files = size = objects = macros = errors = 0
    start = time.perf_counter()
    for kind, path in jobs:
        with open(path, "rb") as f:
            data = f.read()
        files += 1
        size += len(data)
        try:
            o, m = (rtf if kind == "rtf" else office)(path, data)
            objects += o
            macros += m
        except Exception:  # oletools raises on some inputs; keep going
            errors += 1
    elapsed = time.perf_counter() - start
    print(f"{files} {size} {elapsed:.6f} {objects} {macros} {errors}")


if __name__ == "__main__":
    main(sys.argv[1])
