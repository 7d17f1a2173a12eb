#!/usr/bin/env bash
# Server tasks (release build) against a standalone simulator running fast (--time-scale):
#   1. a CSV of ROWS rows validated and previewed by `task create` (no --yes and no terminal:
#      it previews, then stops before sending): wall time and peak resident memory;
#   2. `task watch --no-home` of a ROWS-callee task to its end: requests made, resident memory
#      sampled while it runs (at each tenth of the run, and the peak), wall time;
#   3. `task watch` of a RESULTS-callee task bringing its tries home as callees finish:
#      DescribeTelCdr pages against ceil(n / 100) and the AI reports of answered tries (three
#      requests each, at the 20 a second budget: 1,000 answered tries take two and a half
#      minutes), then `task results`: its pages, and the tags read back from the history.
#   Each figure comes with the load average beside it; step 1 runs REPEAT times (default 5)
#   and gives median, min and max. Requests per action are counted from the simulator's log:
#   per second of real time (its clock runs --time-scale times faster) and any answered
#   RequestLimitExceeded.
# Usage: [REPEAT=N] benches/task.sh [ROWS] [RESULTS]   (defaults 100000 and 1000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build --release --quiet --bin ccc-dial
exec python3 - "$root" "${1:-100000}" "${2:-1000}" <<'PY'
import atexit, json, math, os, shutil, statistics, subprocess, sys, tempfile, time
from datetime import datetime

root, rows, results_rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
repeat = int(os.environ.get("REPEAT", "5"))
scale = 200
bin_ = os.path.join(root, "target/release/ccc-dial")
work = tempfile.mkdtemp(prefix="ccc-dial-task-bench-")
log = os.path.join(work, "sim.jsonl")
sim = subprocess.Popen([bin_, "sim", "--port", "0", "--log", log, "--time-scale", str(scale),
                        "--ring", "0.2", "--talk", "0.2", "--record-lag", "0",
                        "--task-max-callees", str(max(rows, results_rows))],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
url = sim.stdout.readline().split()[-1]


@atexit.register
def cleanup():
    sim.terminate()
    sim.wait()
    shutil.rmtree(work, ignore_errors=True)


env = {k: v for k, v in os.environ.items() if not k.startswith(("TENCENTCLOUD_", "TCCLI_"))}
env.update(HOME=work, CCC_DIAL_HISTORY=os.path.join(work, "history.db"),
           CCC_DIAL_CONFIG=os.path.join(work, "settings.toml"),
           TENCENTCLOUD_SECRET_ID="AKIDccc-dial-simulator",
           TENCENTCLOUD_SECRET_KEY="ccc-dial-simulator-key")
common = ["--endpoint", url, "task"]
app = ["--sdk-app-id", "1400000000"]
agent = ["--agent", "15", "--caller", "008601012345678"]


def load():
    return "load " + " ".join(open("/proc/loadavg").read().split()[:3])


def spread(xs, unit):
    return (f"median {statistics.median(xs):.2f} {unit} (min {min(xs):.2f}, max {max(xs):.2f}, "
            f"{len(xs)} runs)")


def csv(n, name, prefix, columns=True):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write("callee,var.name,uui\n" if columns else "callee\n")
        for i in range(n):
            f.write(f"{prefix}{i:08d},person {i},row-{i + 2}\n" if columns else
                    f"{prefix}{i:08d}\n")
    return path


def measured(args, sample=False):
    """(seconds, peak RSS MiB, [(seconds, RSS MiB)], exit code, stdout, stderr)."""
    err_path = os.path.join(work, "stderr.txt")
    t = time.perf_counter()
    with open(err_path, "w") as err:
        child = subprocess.Popen([bin_] + common + args, env=env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=err)
        out = child.stdout.read().decode()
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.005)
    return (time.perf_counter() - t, usage.ru_maxrss / 1024, [],
            os.waitstatus_to_exitcode(status), out, open(err_path).read())


def sampled(args):
    """As `measured`, sampling the resident memory every 0.2 s while it runs."""
    err_path = os.path.join(work, "stderr.txt")
    t = time.perf_counter()
    with open(err_path, "w") as err, open(os.path.join(work, "stdout.txt"), "w") as out:
        child = subprocess.Popen([bin_] + common + args, env=env, stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=err)
        samples = []
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            try:
                with open(f"/proc/{child.pid}/status") as s:
                    kb = next(int(l.split()[1]) for l in s if l.startswith("VmRSS"))
                samples.append((time.perf_counter() - t, kb / 1024))
            except (OSError, StopIteration):
                pass
            time.sleep(0.2)
    return (time.perf_counter() - t, usage.ru_maxrss / 1024, samples,
            os.waitstatus_to_exitcode(status), open(os.path.join(work, "stdout.txt")).read(),
            open(err_path).read())


def task_id(result, what):
    took, _, _, code, out, err = result
    ids = out.split()
    if code != 0 or not ids:
        sys.exit(f"{what}: exit {code} after {took:.1f} s and no TaskId; its stderr ends:\n"
                 f"{err[-3000:]}")
    return ids[0]


def entries(since=0):
    with open(log) as f:
        return [json.loads(l) for l in f][since:]


def per_action(logged):
    """{action: (requests, most in one real second, RequestLimitExceeded answers)}."""
    seconds = {}
    for r in logged:
        at = datetime.fromisoformat(r["time"].replace("Z", "+00:00")).timestamp() / scale
        seconds.setdefault(r["action"], []).append((at, r["verdict"]))
    out = {}
    for action, hits in seconds.items():
        times = sorted(t for t, _ in hits)
        most, lo = 0, 0
        for hi in range(len(times)):
            while times[hi] - times[lo] >= 1.0:
                lo += 1
            most = max(most, hi - lo + 1)
        limited = sum(1 for _, v in hits if v == "RequestLimitExceeded")
        out[action] = (len(hits), most, limited)
    return out


def budget(logged):
    return "; ".join(f"{a} {n} ({most} in the busiest second, {lim} refused over the budget)"
                     for a, (n, most, lim) in sorted(per_action(logged).items()))


def preview(path, label):
    create = ["create", path] + app + agent + ["--per-task", str(rows), "--allow-recent"]
    runs = [measured(create) for _ in range(repeat)]
    codes = sorted({r[3] for r in runs})
    print(f"{label}: {spread([r[0] for r in runs], 's')}; peak RSS "
          f"{spread([r[1] for r in runs], 'MiB')} (exit {codes}: stopped before sending, as "
          f"without --yes and a terminal; {load()})")
    return create


# --allow-recent: the history is checked for every callee, the service's call records are not
# (that check sends one DescribeTelCdr per 20 callees, within the request budget).
big = csv(rows, "big.csv", "0086131")
create = preview(big, f"1. {rows} rows validated, previewed and checked against an empty history")
# The task to watch is made of callees alone: 100,000 CalleeAttributes make a request of 11 MB,
# over the 2 MiB the simulator takes in one request.
plain = csv(rows, "plain.csv", "0086131", columns=False)
made = measured(["create", plain] + app + agent + ["--per-task", str(rows), "--allow-recent",
                                                   "--yes"])
task = task_id(made, "creating the task")
print(f"   created task {task} with {rows} callees in {made[0]:.1f} s, peak RSS "
      f"{made[1]:.1f} MiB ({load()})")
preview(csv(rows, "other.csv", "0086133"),
        f"   {rows} other rows checked against a history holding those {rows} callees")

seen = len(entries())
took, peak, samples, code, _, err = sampled(["watch", task] + app + ["--json", "--interval",
                                                                     "1", "--no-home"])
if code != 0:
    sys.exit(f"watch: exit {code}: {err[-3000:]}")
logged = entries(seen)
tenths = [samples[min(len(samples) - 1, len(samples) * k // 10)] for k in range(11)] \
    if samples else []
settled = [m for _, m in samples[len(samples) // 4:]] or [0]
print(f"2. watch --no-home of a {rows}-callee task to its end: {took:.1f} s wall; RSS at each "
      f"tenth of the run {', '.join(f'{t:.0f}s:{m:.0f}' for t, m in tenths)} MiB; after "
      f"warm-up {min(settled):.1f}-{max(settled):.1f} MiB; peak {peak:.1f} MiB; requests: "
      f"{budget(logged)} (budget: 20 a second per action; {load()})")

small = csv(results_rows, "small.csv", "0086132")
task = task_id(measured(["create", small] + app + agent + [
    "--per-task", str(results_rows), "--yes", "--allow-recent"]), "creating the results task")
seen = len(entries())
took, peak, samples, code, _, err = sampled(["watch", task] + app + ["--json", "--interval",
                                                                     "1"])
if code != 0:
    sys.exit(f"watch: exit {code}: {err[-3000:]}")
logged = entries(seen)
pages = sum(1 for r in logged if r["action"] == "DescribeTelCdr" and "SessionIds" in
            (r.get("body") or {}))
reports = sum(1 for r in logged if r["action"] == "DescribeAICallExtractResult")
tries = sum(1 for r in logged if r["action"] == "DescribeTelCdr"
            for _ in (r.get("body") or {}).get("SessionIds", []))
print(f"3. watch bringing home a {results_rows}-callee task as callees finish: {pages} "
      f"DescribeTelCdr pages for {tries} tries (bound ceil(tries/100) = "
      f"{math.ceil(tries / 100)}), {reports} answered tries' AI reports (3 requests each: "
      f"{3 * reports}); {took:.1f} s wall, peak RSS {peak:.1f} MiB; requests: {budget(logged)} "
      f"({load()})")
seen = len(entries())
took, peak, _, code, out, err = measured(["results", task] + app + ["--jsonl"])
logged = entries(seen)
pages = sum(1 for r in logged if r["action"] == "DescribeTelCdr" and "SessionIds" in
            (r.get("body") or {}))
lines = [json.loads(l) for l in out.splitlines() if l]
answered = sum(1 for l in lines if l["state"] == "answered")
with_tags = sum(1 for l in lines if l.get("tags"))
print(f"   results: {pages} DescribeTelCdr pages for {len(lines)} callees, {answered} answered, "
      f"{with_tags} with tags from their report, {took:.1f} s, peak RSS {peak:.1f} MiB "
      f"(exit {code}; {load()})")
PY
