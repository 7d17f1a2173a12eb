#!/usr/bin/env bash
# Reading and validating a batch file, process start to exit (release build): for each size,
# a CSV of that many rows goes through `ccc-dial batch --check` (read and validate only;
# MODE=--dry-run signs and prints every row instead, against the standalone simulator; both
# send nothing). Prints the medians of RUNS runs with their min and max, the peak resident
# memory, and the time per 100,000 rows, which stays the same from size to size when reading
# is linear. A run that takes longer than LIMIT seconds is stopped and reported as such.
# Usage: benches/batch_read.sh [RUNS] [SIZES...]   (defaults 3, and 100000 1000000)
# Environment: LIMIT (default 120), MODE (default --check).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
shift || true
sizes=${*:-100000 1000000}
cd "$root"
cargo build --release --quiet
exec python3 - "$root" "$runs" "${LIMIT:-120}" "${MODE:---check}" $sizes <<'PY'
import os, shutil, statistics, subprocess, sys, time

root, runs, limit, mode = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
sizes = [int(s) for s in sys.argv[5:]]
sys.path.insert(0, os.path.join(root, "benches"))
import bench_support

bin_, url, env, work, sim = bench_support.start(root, "ccc-dial-batch-read-")

def run(csv):
    """Wall seconds and peak RSS (KiB) of one run, or None past the limit. GNU time gives the
    peak memory of the command itself (the kernel's figure for a child of this Python would
    include Python's own)."""
    t = time.perf_counter()
    child = subprocess.Popen(["/usr/bin/time", "-f", "%M", bin_, "--endpoint", url, "batch",
                              csv, "--sdk-app-id", "1400000000", "--agent", "15", mode],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
    while True:
        pid, status = os.waitpid(child.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - t > limit:
            os.killpg(child.pid, 9)
            os.waitpid(child.pid, 0)
            return None
        time.sleep(0.005)
    took = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    err = child.stderr.read().decode()
    if code != 0:
        sys.exit(f"batch {mode} failed ({code}): {err[-2000:]}")
    return took, int(err.split()[-1])

print(f"batch {mode}, {runs} run(s) per size, process start to exit "
      f"(load average {os.getloadavg()[0]:.2f}):")
for rows in sizes:
    csv = os.path.join(work, f"rows-{rows}.csv")
    with open(csv, "w") as f:
        f.write("callee,var.name\n")
        for i in range(rows):
            f.write(f"0086131{i:08d},person {i}\n")
    results = []
    for _ in range(runs):
        r = run(csv)
        if r is None:
            print(f"  {rows:>9} rows: stopped after {limit:.0f} s")
            break
        results.append(r)
    else:
        times = [t for t, _ in results]
        med = statistics.median(times)
        peak = max(m for _, m in results) / 1024
        print(f"  {rows:>9} rows: median {med:7.2f} s (min {min(times):.2f}, max "
              f"{max(times):.2f}); {med / rows * 100_000:.3f} s per 100,000 rows; "
              f"peak RSS {peak:.1f} MiB")
    os.remove(csv)
sim.terminate()
sim.wait()
shutil.rmtree(work, ignore_errors=True)
PY
