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
# Usage: benches/task.sh [ROWS] [RESULTS]   (defaults 100000 and 1000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build --release --quiet --bin ccc-dial
exec python3 - "$root" "${1:-100000}" "${2:-1000}" <<'PY'
import json, math, os, shutil, subprocess, sys, tempfile, time

root, rows, results_rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
bin_ = os.path.join(root, "target/release/ccc-dial")
work = tempfile.mkdtemp(prefix="ccc-dial-task-bench-")
log = os.path.join(work, "sim.jsonl")
sim = subprocess.Popen([bin_, "sim", "--port", "0", "--log", log, "--time-scale", "200",
                        "--ring", "0.2", "--talk", "0.2", "--record-lag", "0",
                        "--task-max-callees", str(max(rows, results_rows))],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
url = sim.stdout.readline().split()[-1]
env = {k: v for k, v in os.environ.items() if not k.startswith(("TENCENTCLOUD_", "TCCLI_"))}
env.update(HOME=work, CCC_DIAL_HISTORY=os.path.join(work, "history.db"),
           CCC_DIAL_CONFIG=os.path.join(work, "settings.toml"),
           TENCENTCLOUD_SECRET_ID="AKIDccc-dial-simulator",
           TENCENTCLOUD_SECRET_KEY="ccc-dial-simulator-key")
common = ["--endpoint", url, "task"]
app = ["--sdk-app-id", "1400000000"]


def csv(n, name):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write("callee,var.name,uui\n")
        for i in range(n):
            f.write(f"0086131{i:08d},person {i},row-{i + 2}\n")
    return path


def measured(args, sample=False):
    """(seconds, peak RSS MiB, RSS samples MiB, exit code, stdout)."""
    t = time.perf_counter()
    child = subprocess.Popen([bin_] + common + args, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    samples = []
    out = b""
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if sample:
            try:
                with open(f"/proc/{child.pid}/status") as s:
                    kb = next(int(l.split()[1]) for l in s if l.startswith("VmRSS"))
                samples.append(kb / 1024)
            except (OSError, StopIteration):
                pass
        time.sleep(0.2 if sample else 0.005)
    out = child.stdout.read().decode()
    return (time.perf_counter() - t, usage.ru_maxrss / 1024, samples,
            os.waitstatus_to_exitcode(status), out)


def count(action):
    with open(log) as f:
        return sum(1 for l in f if json.loads(l)["action"] == action)


def cdr_pages():
    with open(log) as f:
        return sum(1 for l in f if (r := json.loads(l))["action"] == "DescribeTelCdr"
                   and "SessionIds" in (r.get("body") or {}))


def csv_from(n, name, prefix):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write("callee,var.name,uui\n")
        for i in range(n):
            f.write(f"{prefix}{i:08d},person {i},row-{i + 2}\n")
    return path


# --allow-recent: the history is checked for every callee, the service's call records are not
# (that check sends one DescribeTelCdr per 20 callees, within the request budget).
big = csv(rows, "big.csv")
create = ["create", big] + app + ["--agent", "15", "--caller", "008601012345678",
                                  "--per-task", str(rows), "--allow-recent"]
took, peak, _, code, _ = measured(create)
print(f"1. {rows} rows validated, previewed and checked against the history: {took:.2f} s, "
      f"peak RSS {peak:.1f} MiB (exit {code}: stopped before sending, as without --yes and a "
      f"terminal)")

took, _, _, code, out = measured(create + ["--yes"])
task = out.split()[0]
print(f"   created task {task} in {took:.1f} s (exit {code})")
before = count("DescribeAutoCalloutTask")
took, peak, samples, code, _ = measured(["watch", task] + app + ["--json", "--interval", "1",
                                                                "--no-home"], sample=True)
polls = count("DescribeAutoCalloutTask") - before
settled = samples[len(samples) // 4:] or samples
tenths = [samples[min(len(samples) - 1, len(samples) * k // 10)] for k in range(11)] \
    if samples else []
print(f"2. watch (counts only) of a {rows}-callee task to its end: {took:.1f} s, {polls} "
      f"DescribeAutoCalloutTask ({polls / took:.2f} a second), RSS at each tenth of the run "
      f"{', '.join(f'{m:.0f}' for m in tenths)} MiB, range after warm-up "
      f"{min(settled) if settled else 0:.1f}-{max(settled) if settled else 0:.1f} MiB, "
      f"peak {peak:.1f} MiB (exit {code})")

small = csv_from(results_rows, "small.csv", "0086132")
took, _, _, code, out = measured(["create", small] + app + ["--agent", "15", "--caller",
                                 "008601012345678", "--per-task", str(results_rows), "--yes",
                                 "--allow-recent"])
task = out.split()[0]
pages0, ai0 = cdr_pages(), count("DescribeAICallExtractResult")
took, peak, samples, code, _ = measured(["watch", task] + app + ["--json", "--interval", "1"],
                                        sample=True)
pages = cdr_pages() - pages0
reports = count("DescribeAICallExtractResult") - ai0
print(f"3. watch bringing home a {results_rows}-callee task as callees finish: {pages} "
      f"DescribeTelCdr pages (ceil(n/100) = {math.ceil(results_rows / 100)}), {reports} "
      f"answered tries' AI reports (3 requests each: {3 * reports}), {took:.1f} s, "
      f"peak RSS {peak:.1f} MiB (exit {code})")
pages0 = cdr_pages()
took, peak, _, code, out = measured(["results", task] + app + ["--jsonl"])
pages = cdr_pages() - pages0
lines = [json.loads(l) for l in out.splitlines() if l]
answered = sum(1 for l in lines if l["state"] == "answered")
with_tags = sum(1 for l in lines if l.get("tags"))
print(f"   results: {pages} DescribeTelCdr pages for {len(lines)} callees, {answered} answered, "
      f"{with_tags} with tags from their report, {took:.1f} s, peak RSS {peak:.1f} MiB "
      f"(exit {code})")
sim.terminate()
sim.wait()
shutil.rmtree(work, ignore_errors=True)
PY
