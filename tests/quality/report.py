#!/usr/bin/python3
"""Turn the output of the long quality suite into the tables of docs/QUALITY.md.

usage: report.py TESTLOG_JSON [--dieharder FILE] [--dieharder-more VIEW=FILE ...]
                 [--fill docs/QUALITY.md]

TESTLOG_JSON is meson's build/meson-logs/testlog.json after
`meson test -C build --suite long`; --dieharder is the output of
`sh tests/quality/run_dieharder.sh build/tests/quality/q_raw raw64 all`.
Without --fill the tables are printed; with it, every block between
`<!-- BEGIN NAME -->` and `<!-- END NAME -->` in the file is replaced by the
table NAME (DIST_TABLE, TAILS_TABLE, TNORM_TABLE, FW_TABLE, DH_SUMMARY,
DH_TABLE, DH_MORE, RUN_TABLE), so the document is regenerated, never
hand-copied.
Only the standard library is used.
"""
import argparse
import json
import re
import sys

STAT = re.compile(r"^\s+(?P<label>.+?)\s+stat\s+(?P<stat>\S+)\s+p\s+(?P<p>\S+)\s*$")
SUMMARY = re.compile(r"^(?P<prog>q_\w+(?: \w+)?): (?P<n>\d+) p-values, smallest (?P<p>\S+) .*"
                     r"Holm at alpha (?P<alpha>\S+): (?P<rej>\d+) rejected; (?P<det>\d+) "
                     r"deterministic check\(s\) failed")


def load(path):
    """meson's testlog.json: one JSON object per line."""
    tests = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                t = json.loads(line)
                tests[t["name"].split(" / ")[-1]] = t   # "simdinit:long / quality-tails"
    return tests


def fmt_p(p):
    return "%.2g" % p if p < 0.01 else "%.3f" % p


def dist_table(tests):
    rows = ["| type | distribution | KS sqrt(n) D | chi-square / df (bins) | z mean | z var | "
            "z skew | z kurt | smallest p |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for t in ("f32", "f64", "bf16", "f16"):
        name = "quality-dist-" + t
        if name not in tests:
            continue
        sec, cur = [], None
        for line in tests[name]["stdout"].splitlines():
            m = re.match(r"^== (\S+) (.+) ==$", line)
            if m:
                cur = {"dist": m.group(2), "p": [], "mode": ""}
                sec.append(cur)
                continue
            if cur is None:
                continue
            m = re.search(r"\((normal|uniform|exponential) proposal\)", line)
            if m:
                cur["mode"] = m.group(1)
            m = STAT.match(line)
            if not m:
                continue
            label, stat, p = m.group("label"), float(m.group("stat")), float(m.group("p"))
            cur["p"].append(p)
            if " KS" in label:
                cur["ks"] = stat
            elif "chi2 vs exact" in label:
                cur["lattice"] = (stat, p)
            elif "chi2" in label:
                df = int(re.search(r"df (\d+)", label).group(1))
                cur["chi2"] = "%.3f (%d)" % (stat / df, df + 1)
            else:
                for k in ("mean", "variance", "skewness", "kurtosis"):
                    if label.endswith(k + " (z)"):
                        cur[k] = "%+.2f" % stat
        for s in sec:
            if not s["p"]:
                continue
            d = s["dist"] + (" (%s)" % s["mode"] if s["mode"] else "")
            rows.append("| %s | %s | %.3f | %s | %s | %s | %s | %s | %s |" % (
                t, d, s.get("ks", float("nan")), s.get("chi2", "-"), s.get("mean", "-"),
                s.get("variance", "-"), s.get("skewness", "-"), s.get("kurtosis", "-"),
                fmt_p(min(s["p"]))))
    return "\n".join(rows)


def lattice_notes(tests):
    out = []
    for t in ("bf16", "f16"):
        name = "quality-dist-" + t
        if name not in tests:
            continue
        for line in tests[name]["stdout"].splitlines():
            m = STAT.match(line)
            if m and "chi2 vs exact" in m.group("label"):
                df = int(re.search(r"df (\d+)", m.group("label")).group(1))
                out.append("%s %.3f per degree of freedom (%d bins), p = %s" % (
                    t, float(m.group("stat")) / df, df + 1, fmt_p(float(m.group("p")))))
    return out


def tnorm_table(tests):
    if "quality-tnorm" not in tests:
        return ""
    rows = ["| type | law and bounds | mean: sample / exact | variance: sample / exact | "
            "z mean | z var | KS sqrt(n) D | smallest p |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    sec, cur = [], None
    for line in tests["quality-tnorm"]["stdout"].splitlines():
        m = re.match(r"^== (\S+) (N\([^)]*\)) on (\[[^\]]+\]): alpha (\S+) beta (\S+) ==", line)
        if m:
            cur = {"t": m.group(1), "ab": "%s on %s (alpha %s, beta %s)" % m.group(2, 3, 4, 5),
                   "p": []}
            sec.append(cur)
            continue
        if cur is None:
            continue
        m = re.match(r"^\s+sample mean (\S+) \(exact (\S+)\), variance (\S+) \(exact (\S+)\)",
                     line)
        if m:
            cur["mv"] = [float(x) for x in m.groups()]
        m = STAT.match(line)
        if m:
            lab, st = m.group("label"), float(m.group("stat"))
            cur["p"].append(float(m.group("p")))
            if "mean vs" in lab:
                cur["zm"] = st
            elif "variance vs" in lab:
                cur["zv"] = st
            elif "KS" in lab:
                cur["ks"] = st
    for c in sec:
        if "mv" not in c:
            continue
        sm, em, sv, ev = c["mv"]
        rows.append("| %s | %s | %.7g / %.7g | %.7g / %.7g | %+.2f | %+.2f | %.3f | %s |" % (
            c["t"], c["ab"], sm, em, sv, ev, c.get("zm", float("nan")), c.get("zv", float("nan")),
            c.get("ks", float("nan")), fmt_p(min(c["p"])) if c["p"] else "-"))
    return "\n".join(rows)


def fw_table(tests):
    """Rows of frameworks.py for the largest shape of each family, and its summary line."""
    if "quality-frameworks" not in tests:
        return ""
    row = re.compile(r"^(torch|keras)\s+(.+?)\s+(\d+(?:x\d+)+)\s+(uniform|normal|trunc)\s+(\S+)"
                     r"\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$")
    rows = ["| family | scheme | shape | dist | bound/std | rel. diff | std theory | "
            "std simdinit | std framework | KS D | KS p | |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    summary = ""
    for line in tests["quality-frameworks"]["stdout"].splitlines():
        m = row.match(line)
        if m and m.group(3) in ("768x3072", "3072x768"):
            rows.append("| " + " | ".join(m.groups()) + " |")
        if re.match(r"^\d+ rows, \d+ KS tests", line):
            summary = line.strip()
    return "\n".join(rows) + ("\n\nSummary line of the run: `%s`." % summary if summary else "")


def tails_table(tests):
    if "quality-tails" not in tests:
        return ""
    rows = ["| type | samples | k | expected per side | z > k | z < -k | P(\\|Z\\| > k) | "
            "observed | p (z > k) | p (z < -k) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    cur, n, pv, pending = None, None, {}, []
    for line in tests["quality-tails"]["stdout"].splitlines():
        m = re.match(r"^== (\S+) N\(0,1\): n = (\d+)", line)
        if m:
            cur, n = m.group(1), int(m.group(2))
            continue
        m = re.match(r"^\s+(\d+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\(P\(\|Z\|>k\) = (\S+), "
                     r"observed (\S+)\)", line)
        if m and cur:
            pending.append([cur, n] + list(m.groups()))
            continue
        m = STAT.match(line)
        if m and cur:
            mm = re.search(r"count z ([<>]) (-?)(\d+)", m.group("label"))
            if mm:
                pv[(cur, mm.group(3), mm.group(1))] = float(m.group("p"))
    for r in pending:
        t, n, k, exp, gt, lt, both, pth, pobs = r
        rows.append("| %s | %.0e | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            t, n, k, exp, gt, lt, pth, pobs, fmt_p(pv.get((t, k, ">"), float("nan"))),
            fmt_p(pv.get((t, k, "<"), float("nan")))))
    return "\n".join(rows)


def summaries(tests):
    """One row per test: p-values, smallest, Holm rejections, failed checks, duration."""
    rows = ["| meson test | result | p-values | smallest p | Holm rejections | failed checks | "
            "wall time |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for name in sorted(tests):
        t = tests[name]
        s = None
        for line in t["stdout"].splitlines():
            m = SUMMARY.match(line)
            if m:
                s = m
        res = t.get("result", "?")
        dur = "%.0f s" % t.get("duration", 0)
        dh = re.search(r"set quick: (\d+) PASSED, (\d+) WEAK, (\d+) FAILED", t["stdout"])
        fw = re.search(r"(\d+) rows, (\d+) KS tests; smallest KS p = (\S+);", t["stdout"])
        if s and int(s.group("n")) > 0:
            rows.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                name, res, s.group("n"), fmt_p(float(s.group("p"))), s.group("rej"),
                s.group("det"), dur))
        elif s:   # deterministic checks only (q_math)
            rows.append("| %s | %s | - | - | - | %s | %s |" % (name, res, s.group("det"), dur))
        elif dh:
            # resolve-ambiguity mode: a WEAK line is re-run with more p-samples
            # until PASSED or FAILED, so WEAK lines are intermediate
            rows.append("| %s | %s | %d dieharder lines | - | %s WEAK line(s), re-run to a "
                        "verdict | %s FAILED | %s |" % (
                            name, res, sum(int(x) for x in dh.groups()), dh.group(2),
                            dh.group(3), dur))
        elif fw:
            rows.append("| %s | %s | %s KS | %s | - | %s | %s |" % (
                name, res, fw.group(2), fmt_p(float(fw.group(3))),
                "0" if "frameworks: PASS" in t["stdout"] else "see log", dur))
        else:
            rows.append("| %s | %s | - | - | - | - | %s |" % (name, res, dur))
    return "\n".join(rows)


def dieharder(path):
    """(summary, table) from `dieharder -a` output."""
    rows = ["| test | ntup | tsamples | psamples | p-value | assessment |",
            "| --- | --- | --- | --- | --- | --- |"]
    counts = {}
    weak = []
    with open(path) as f:
        for line in f:
            if line.startswith("q_raw "):   # run_dieharder.sh's own summary follows
                break
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 6 and parts[5] in ("PASSED", "WEAK", "FAILED"):
                rows.append("| %s |" % " | ".join(parts))
                counts[parts[5]] = counts.get(parts[5], 0) + 1
                if parts[5] != "PASSED":
                    weak.append("%s (ntup %s): p = %s, %s" % (parts[0], parts[1], parts[4],
                                                              parts[5]))
    total = sum(counts.values())
    summ = "%d results: %d PASSED, %d WEAK, %d FAILED." % (
        total, counts.get("PASSED", 0), counts.get("WEAK", 0), counts.get("FAILED", 0))
    if weak:
        summ += " Not PASSED: " + "; ".join(weak) + "."
    return summ, "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("testlog")
    ap.add_argument("--dieharder", help="dieharder -a output for raw64: DH_SUMMARY and DH_TABLE")
    ap.add_argument("--dieharder-more", action="append", default=[], metavar="VIEW=FILE",
                    help="dieharder -a output of another view (f24, hi32, ...): one summary "
                         "line each in DH_MORE")
    ap.add_argument("--fill")
    a = ap.parse_args()
    tests = load(a.testlog)
    tables = {
        "RUN_TABLE": summaries(tests),
        "DIST_TABLE": dist_table(tests),
        "TAILS_TABLE": tails_table(tests),
        "TNORM_TABLE": tnorm_table(tests),
        "FW_TABLE": fw_table(tests),
    }
    lat = lattice_notes(tests)
    if lat:
        tables["DIST_TABLE"] += ("\n\nUniform rows, chi-square against the exact law of the "
                                 "float32 lattice rounded to the type: " + "; ".join(lat) + ".")
    if a.dieharder:
        tables["DH_SUMMARY"], tables["DH_TABLE"] = dieharder(a.dieharder)
    if a.dieharder_more:
        lines = []
        for item in a.dieharder_more:
            view, _, path = item.partition("=")
            lines.append("- **%s**: %s" % (view, dieharder(path)[0]))
        tables["DH_MORE"] = "\n".join(lines)
    if not a.fill:
        for k, v in tables.items():
            print("== %s ==\n%s\n" % (k, v))
        return 0
    doc = open(a.fill).read()
    for k, v in tables.items():
        pat = re.compile(r"(<!-- BEGIN %s -->\n).*?(<!-- END %s -->)" % (k, k), re.S)
        if not pat.search(doc):
            print("report.py: no %s block in %s" % (k, a.fill), file=sys.stderr)
            continue
        doc = pat.sub(lambda m: m.group(1) + v + "\n" + m.group(2), doc)
    open(a.fill, "w").write(doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
