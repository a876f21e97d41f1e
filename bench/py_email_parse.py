"""Peer for bench/scan-mail.sh: parse every mail with Python's standard
`email` package and decode every part, one process, one core."""
import email
import email.policy
import os
import sys
import time


def walk(root):
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            yield os.path.join(dirpath, name)


def main(root):
    mails = parts = decoded = size = 0
    start = time.perf_counter()
    for path in walk(root):
        with open(path, "rb") as f:
            data = f.read()
        size += len(data)
        msg = email.message_from_bytes(data, policy=email.policy.default)
        mails += 1
        for part in msg.walk():
            if part.is_multipart():
                continue
            parts += 1
            payload = part.get_payload(decode=True)
            decoded += len(payload or b"")
    elapsed = time.perf_counter() - start
    print(f"{mails} {size} {elapsed:.6f} {parts} {decoded}")


if __name__ == "__main__":
    main(sys.argv[1])
