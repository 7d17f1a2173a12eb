#!/usr/bin/env bash
# Measures the headless commands against the standalone simulator:
#   1. `ccc-dial call`, process start to exit (release build), beside the official
#      `tccli ccc CreateAIAgentCall` against the same simulator, each spawned the same way,
#      all of ours then all of tccli's (ORDER=interleaved: one of each in turn): medians
#      with min and max,
#      their ratio, and the peak resident memory of `ccc-dial call`;
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
import json, os, shutil, statistics, subprocess, sys, time

root, runs, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
order = os.environ.get("ORDER", "blocks")
sys.path.insert(0, os.path.join(root, "benches"))
import bench_support

tccli = os.path.join(root, "target/tccli-venv/bin/tccli")
bin_, url, env, work, sim = bench_support.start(
    root, "ccc-dial-bench-", log=lambda work: os.path.join(work, "sim.jsonl"))
log = os.path.join(work, "sim.jsonl")
# Timed from a copy, as an installed binary is (`cargo install` copies it): started from the
# file the linker has just written, the same bytes cost each start some 25 more page faults
# and up to 1 ms here (measured side by side with a `cp` of it in the same directory), as
# long as the kernel keeps that file's pages as the linker left them.
shutil.copy2(bin_, os.path.join(work, "ccc-dial"))
bin_ = os.path.join(work, "ccc-dial")

def timed(cmd):
    """Wall seconds of one process, start to exit: the clock is read just before the
    process is spawned (posix_spawn, which does not copy this Python's memory as a fork
    would) and just after it is reaped; its output goes to files read afterwards."""
    out_path, err_path = os.path.join(work, "out"), os.path.join(work, "err")
    files = [(os.POSIX_SPAWN_OPEN, 1, out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
             (os.POSIX_SPAWN_OPEN, 2, err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)]
    t = time.perf_counter()
    pid = os.posix_spawn(cmd[0], cmd, env, file_actions=files)
    _, status = os.waitpid(pid, 0)
    took = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{cmd[0]} failed ({code}): {open(err_path).read() or open(out_path).read()}")
    # Stay well under the simulator's 20 calls a second (not timed).
    time.sleep(0.06)
    return took

def peak_rss(cmd):
    """Peak resident memory (KiB) of one run of `cmd`, as GNU time reports it: the kernel's
    figure for a child of this Python would include Python's own memory, which it keeps
    across the exec."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.06)
    return int(out.stderr.split()[-1])

def line(name, xs):
    return (f"  {name:<29} median {statistics.median(xs)*1000:8.2f} ms  "
            f"(min {min(xs)*1000:.2f}, max {max(xs)*1000:.2f})")

def ours_call(i):
    return timed([bin_, "--endpoint", url, "call", "--sdk-app-id", "1400000000",
                  "--agent", "15", "--callee", f"0086131{i:08d}", "--json"])

def their_call(i):
    return timed([tccli, "ccc", "CreateAIAgentCall", "--endpoint", url,
                  "--secretId", env["TENCENTCLOUD_SECRET_ID"],
                  "--secretKey", env["TENCENTCLOUD_SECRET_KEY"],
                  "--SdkAppId", "1400000000", "--AIAgentId", "15",
                  "--Callee", f"0086131{i:08d}"])

# Blocks: every call of one tool, then every call of the other, as each is used in a run of
# calls. Interleaved: one of each in turn, which spreads the machine's drift over both but
# starts each of ours after a tccli has filled the CPU's caches with its Python.
if order == "interleaved":
    ours, theirs = [], []
    for i in range(runs):
        ours.append(ours_call(i))
        theirs.append(their_call(i))
else:
    ours = [ours_call(i) for i in range(runs)]
    theirs = [their_call(i) for i in range(runs)]
rss = [peak_rss([bin_, "--endpoint", url, "call", "--sdk-app-id", "1400000000", "--agent",
                 "15", "--callee", f"0086133{i:08d}", "--json"]) for i in range(5)]
m_ours, m_theirs = statistics.median(ours), statistics.median(theirs)
print(f"call, {runs} runs each ({order}), process start to exit "
      f"(load average {os.getloadavg()[0]:.2f}):")
print(line("ccc-dial call", ours))
print(line("tccli ccc CreateAIAgentCall", theirs))
print(f"  ratio of the medians {m_theirs/m_ours:.1f}x")
print(f"  ccc-dial call peak RSS: median {statistics.median(rss)/1024:.1f} MiB "
      f"(min {min(rss)/1024:.1f}, max {max(rss)/1024:.1f}) over {len(rss)} runs")

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
