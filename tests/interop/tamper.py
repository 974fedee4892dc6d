#!/usr/bin/env python3
"""Damages a Casebook vault on purpose, with a stock SQLCipher 4 binding, for the tamper tests.

usage: tamper.py VAULT_DB PASSPHRASE ACTION [ARGS...]
  flip-commit-byte SEQ          flip one byte in the middle of commit SEQ's stored header bytes
  edit-op SEQ                   change one character inside an op of commit SEQ (re-compressed)
  steal-signature FROM TO       give commit TO the signature of commit FROM
  drop-commit SEQ               delete commit SEQ (its ops and parent links too)
  swap-ops A B                  exchange the op chunks of commits A and B
  print-commit-id SEQ           print commit SEQ's id (hex)
"""
import sys

import sqlcipher3
import zstandard


def main() -> int:
    db, passphrase, action, *args = sys.argv[1:]
    c = sqlcipher3.connect(db)
    c.execute("pragma key='%s'" % passphrase.replace("'", "''"))
    if action == "flip-commit-byte":
        seq = int(args[0])
        (b,) = c.execute("select bytes from commits where seq=?", (seq,)).fetchone()
        b = bytearray(b)
        b[len(b) // 2] ^= 0x01
        c.execute("update commits set bytes=? where seq=?", (bytes(b), seq))
    elif action == "edit-op":
        seq = int(args[0])
        first, packed = c.execute(
            "select first_op, lines_zstd from op_chunks where commit_seq=? order by first_op limit 1", (seq,)
        ).fetchone()
        raw = bytearray(zstandard.ZstdDecompressor().decompress(packed))
        at = raw.index(b'"salt":"') + len(b'"salt":"')
        raw[at] = ord("0") if raw[at] != ord("0") else ord("1")
        c.execute(
            "update op_chunks set lines_zstd=?, raw_bytes=? where commit_seq=? and first_op=?",
            (zstandard.ZstdCompressor().compress(bytes(raw)), len(raw), seq, first),
        )
    elif action == "steal-signature":
        src, dst = int(args[0]), int(args[1])
        (sig,) = c.execute("select signature from commits where seq=?", (src,)).fetchone()
        c.execute("update commits set signature=? where seq=?", (sig, dst))
    elif action == "drop-commit":
        seq = int(args[0])
        c.execute("delete from op_chunks where commit_seq=?", (seq,))
        c.execute("delete from commit_parents where child=?", (seq,))
        c.execute("delete from heads where commit_seq=?", (seq,))
        c.execute("delete from commits where seq=?", (seq,))
    elif action == "swap-ops":
        a, b = int(args[0]), int(args[1])
        c.execute("update op_chunks set commit_seq=-1 where commit_seq=?", (a,))
        c.execute("update op_chunks set commit_seq=? where commit_seq=?", (a, b))
        c.execute("update op_chunks set commit_seq=? where commit_seq=-1", (b,))
    elif action == "print-commit-id":
        (i,) = c.execute("select hex(id) from commits where seq=?", (int(args[0]),)).fetchone()
        print(i.lower())
    else:
        print(__doc__, file=sys.stderr)
        return 2
    c.commit()
    c.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
