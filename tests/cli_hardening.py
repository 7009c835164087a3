#!/usr/bin/env python3
"""The CLI side of issue 15's defects (standard library only).

usage: cli_hardening.py PATH/TO/simdinit

 - trunc_normal with std 1e-310 on [1, 2] (f64) returns at once and writes
   the near bound 1.0 (it took 58 s and wrote 2.0);
 - trunc_normal intervals holding no finite value of the dtype exit 2 and
   create no file (they exited 0 with values outside [a, b]);
 - an invalid SIMDINIT_NUM_THREADS is refused (exit 2) unless --threads is
   given.
Last line: "N passed, N failed".
"""
import os
import struct
import subprocess
import sys
import tempfile
import time

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def run(exe, args, env=None, timeout=30):
    e = dict(os.environ)
    for k in ("SIMDINIT_BACKEND", "SIMDINIT_STORES", "SIMDINIT_NUM_THREADS"):
        e.pop(k, None)
    e.update(env or {})
    t0 = time.monotonic()
    p = subprocess.run([exe] + args, capture_output=True, text=True, env=e, timeout=timeout)
    return p.returncode, p.stderr, time.monotonic() - t0


def npy_f64(path):
    with open(path, "rb") as f:
        data = f.read()
    hlen = struct.unpack("<H", data[8:10])[0]
    body = data[10 + hlen:]
    return list(struct.unpack("<%dd" % (len(body) // 8), body))


def main():
    exe = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "x.npy")
        rc, err, dt = run(exe, ["fill", "--dist", "trunc_normal", "--dtype", "f64", "--seed", "1",
                                "--count", "4", "--std", "1e-310", "--a", "1", "--b", "2",
                                "--out", out])
        check(rc == 0, "tiny std: exit %d (%s)" % (rc, err.strip()))
        check(dt < 10, "tiny std: took %.1f s" % dt)
        if rc == 0:
            vals = npy_f64(out)
            check(vals == [1.0] * 4, "tiny std: values %r, want the near bound 1.0" % vals)

        for dtype, a, b in [("f16", "7e4", "8e4"), ("f32", "1e39", "1e40"),
                            ("bf16", "-1e40", "-1e39"), ("f16", "65504.5", "1e10")]:
            path = os.path.join(tmp, "r_%s_%s.npy" % (dtype, a))
            rc, err, _ = run(exe, ["fill", "--dist", "trunc_normal", "--dtype", dtype, "--seed",
                                   "1", "--count", "4", "--a", a, "--b", b, "--out", path])
            check(rc == 2, "%s [%s, %s]: exit %d, want 2" % (dtype, a, b, rc))
            check("range" in err, "%s [%s, %s]: message %r" % (dtype, a, b, err))
            check(not os.path.exists(path), "%s [%s, %s]: created the file" % (dtype, a, b))

        base = ["fill", "--dist", "normal", "--dtype", "f32", "--seed", "1", "--count", "1000"]
        for bad in ("99999999999999999999", "0", "garbage", "257"):
            path = os.path.join(tmp, "t_%s.npy" % bad)
            rc, err, _ = run(exe, base + ["--out", path], env={"SIMDINIT_NUM_THREADS": bad})
            check(rc == 2 and "SIMDINIT_NUM_THREADS" in err,
                  "SIMDINIT_NUM_THREADS=%s: exit %d %r" % (bad, rc, err))
            check(not os.path.exists(path), "SIMDINIT_NUM_THREADS=%s: created the file" % bad)
            rc, err, _ = run(exe, base + ["--threads", "2", "--out", path + ".ok.npy"],
                             env={"SIMDINIT_NUM_THREADS": bad})
            check(rc == 0, "SIMDINIT_NUM_THREADS=%s with --threads 2: exit %d %r" % (bad, rc, err))
        rc, err, _ = run(exe, base + ["--out", os.path.join(tmp, "g.npy")],
                         env={"SIMDINIT_NUM_THREADS": "3"})
        check(rc == 0, "SIMDINIT_NUM_THREADS=3: exit %d %r" % (rc, err))

        # The last index of the stream, as the library accepts it; one past is refused.
        for count, want in (("1", 0), ("2", 2)):
            path = os.path.join(tmp, "last_%s.npy" % count)
            rc, err, _ = run(exe, ["fill", "--dist", "uniform", "--dtype", "f32", "--seed", "1",
                                   "--offset", "18446744073709551615", "--count", count,
                                   "--out", path])
            check(rc == want, "--offset 2^64-1 --count %s: exit %d, want %d %r"
                  % (count, rc, want, err))
            check(os.path.exists(path) == (want == 0), "--count %s: file presence" % count)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
