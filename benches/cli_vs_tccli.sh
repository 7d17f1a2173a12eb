#!/usr/bin/env bash
# Measures the headless commands against the standalone simulator:
#   1. `ccc-dial call`, process start to exit (release build), beside the official
#      `tccli ccc CreateAIAgentCall` against the same simulator: medians and their ratio;
#   2. a 1,000-row `ccc-dial batch` at the default rate: wall time, RequestLimitExceeded
#      answers, and resident memory sampled every second (VmRSS) with its peak (VmHWM).
# Usage: benches/cli_vs_tccli.sh [RUNS] [ROWS]   (defaults 30 and 1000)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-30}
rows=${2:-1000}
cd "$root"
cargo build --release --quiet
bash tests/sdk/setup.sh
exec python3 - "$root" "$runs" "$rows" <<'PY'
import json, os, statistics, subprocess, sys, tempfile, time

root, runs, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
bin_ = os.path.join(root, "target/release/ccc-dial")
tccli = os.path.join(root, "target/tccli-venv/bin/tccli")
work = tempfile.mkdtemp(prefix="ccc-dial-bench-")
log = os.path.join(work, "sim.jsonl")
sim = subprocess.Popen([bin_, "sim", "--port", "0", "--log", log],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
url = sim.stdout.readline().split()[-1]
env = {k: v for k, v in os.environ.items() if not k.startswith(("TENCENTCLOUD_", "TCCLI_"))}
env.update(HOME=work, CCC_DIAL_HISTORY=os.path.join(work, "history.db"),
           CCC_DIAL_CONFIG=os.path.join(work, "settings.toml"),
           TENCENTCLOUD_SECRET_ID="AKIDccc-dial-simulator",
           TENCENTCLOUD_SECRET_KEY="ccc-dial-simulator-key")

def timed(cmd):
    t = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - t
    if out.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({out.returncode}): {out.stderr or out.stdout}")
    # Stay well under the simulator's 20 calls a second (not timed).
    time.sleep(0.06)
    return took

ours, theirs = [], []
for i in range(runs):
    callee = f"0086131{i:08d}"
    ours.append(timed([bin_, "--endpoint", url, "call", "--sdk-app-id", "1400000000",
                       "--agent", "15", "--callee", callee, "--json"]))
    theirs.append(timed([tccli, "ccc", "CreateAIAgentCall", "--endpoint", url,
                         "--secretId", env["TENCENTCLOUD_SECRET_ID"],
                         "--secretKey", env["TENCENTCLOUD_SECRET_KEY"],
                         "--SdkAppId", "1400000000", "--AIAgentId", "15",
                         "--Callee", callee]))
m_ours, m_theirs = statistics.median(ours), statistics.median(theirs)
print(f"call, {runs} runs each, process start to exit:")
print(f"  ccc-dial call                 median {m_ours*1000:8.1f} ms  (min {min(ours)*1000:.1f})")
print(f"  tccli ccc CreateAIAgentCall   median {m_theirs*1000:8.1f} ms  (min {min(theirs)*1000:.1f})")
print(f"  ratio {m_theirs/m_ours:.1f}x")

csv = os.path.join(work, "calls.csv")
with open(csv, "w") as f:
    f.write("callee,var.name\n")
    for i in range(rows):
        f.write(f"0086132{i:08d},person {i}\n")
time.sleep(1.1)
before = sum(1 for _ in open(log))
t = time.perf_counter()
batch = subprocess.Popen([bin_, "--endpoint", url, "batch", csv, "--sdk-app-id", "1400000000",
                          "--agent", "15", "--out", os.path.join(work, "results.jsonl")],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
samples, hwm = [], 0
def status(field):
    try:
        for line in open(f"/proc/{batch.pid}/status"):
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        return None
while batch.poll() is None:
    rss, peak = status("VmRSS:"), status("VmHWM:")
    if rss:
        samples.append(rss)
        hwm = max(hwm, peak or 0)
    time.sleep(1.0)
took = time.perf_counter() - t
err = batch.stderr.read()
entries = [json.loads(l) for l in open(log)][before:]
calls = [e for e in entries if e["action"] == "CreateAIAgentCall"]
limited = sum(1 for e in calls if e["verdict"].startswith("RequestLimitExceeded"))
print(f"batch of {rows} rows at the default rate: exit {batch.returncode}, {took:.2f} s, "
      f"{len(calls)} CreateAIAgentCall requests, {limited} RequestLimitExceeded")
print(f"  resident memory: peak {hwm/1024:.1f} MiB; every 10 s: "
      + ", ".join(f"{s/1024:.1f}" for s in samples[::10]) + " MiB")
if batch.returncode != 0:
    print(err)
sim.terminate()
sim.wait()
PY
