"""Builds the document batch for bench/scan-docs.sh: the RTF, OLE and
OOXML documents of the corpus (not the password-protected zips, not the
encrypted documents that abort olevba), copied round after round until
the batch holds at least TARGET bytes. Writes BATCH_DIR and LIST_FILE."""
import os
import shutil
import sys

CFB = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"


def kind(path):
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"{\\rt"):
        return "rtf"
    if head.startswith(CFB):
        return "office"
    if head.startswith(b"PK\x03\x04"):
        with open(path, "rb") as f:
            if b"[Content_Types].xml" in f.read():
                return "office"
    return None


def sources(corpus):
    for dirpath, _, files in sorted(os.walk(corpus)):
        if "encrypted" in dirpath:
            continue
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            k = kind(path)
            if k:
                yield k, path


def main(corpus, batch, list_file, target):
    shutil.rmtree(batch, ignore_errors=True)
    os.makedirs(batch)
    docs = list(sources(corpus))
    total, n = 0, 0
    with open(list_file, "w") as out:
        while total < target:
            for k, path in docs:
                dest = os.path.join(batch, f"{n:06d}-{os.path.basename(path)}")
                shutil.copyfile(path, dest)
                out.write(f"{k}\t{dest}\n")
                total += os.path.getsize(dest)
                n += 1
    print(f"{n} {total} {len(docs)}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
