#!/usr/bin/env bash
# The dialer (release build) in tmux, on its built-in simulator: a paste of CHARS characters
# (default 20,000) into a variable's value, then Enter. Prints, for RUNS runs (default 5), the
# time from the Enter being sent to the draft holding the whole value (medians with min and
# max), and the CPU ticks the idle dialer then uses over IDLE seconds (default 10).
# Usage: benches/tui_paste.sh [RUNS] [CHARS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin ccc-dial
exec python3 - "$PWD/target/release/ccc-dial" "${1:-5}" "${2:-20000}" "${IDLE:-10}" <<'PY'
import os, shutil, statistics, subprocess, sys, tempfile, time

bin_, runs, chars, idle = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
socket = f"ccc-dial-paste-{os.getpid()}"

def tmux(*args):
    return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True).stdout

def cpu_ticks(pid):
    rest = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])

def wait(check, what, limit=60):
    end = time.perf_counter() + limit
    while not check():
        if time.perf_counter() > end:
            sys.exit(f"{what} did not happen within {limit} s:\n" + tmux("capture-pane", "-p"))
        time.sleep(0.001)

pasted = "".join("abcdefghijklmnopqrstuvwxyz0123456789"[i % 36] for i in range(chars))
took, ticks = [], []
for run in range(runs):
    work = tempfile.mkdtemp(prefix="ccc-dial-paste-")
    draft = os.path.join(work, "config", "draft.json")
    env = (f"env -u TENCENTCLOUD_SECRET_ID -u TENCENTCLOUD_SECRET_KEY -u TCCLI_PROFILE "
           f"HOME={work} CCC_DIAL_HISTORY={work}/history.db "
           f"CCC_DIAL_CONFIG={work}/config/settings.toml {bin_}")
    tmux("new-session", "-d", "-s", "paste", "-x", "160", "-y", "48", env)
    wait(lambda: "no real phone will ring" in tmux("capture-pane", "-p"), "start")
    tmux("send-keys", "-t", "paste", "Tab", "Tab", "a", "n", "o", "t", "e", "Enter", "Right",
         "Enter")
    wait(lambda: os.path.exists(draft), "the first draft")
    with open(os.path.join(work, "paste.txt"), "w") as f:
        f.write(pasted)
    tmux("load-buffer", "-b", "p", os.path.join(work, "paste.txt"))
    tmux("paste-buffer", "-b", "p", "-t", "paste")
    tmux("send-keys", "-t", "paste", "Enter")
    sent = time.perf_counter()
    wait(lambda: pasted in open(draft).read(), "the whole value saved")
    took.append(time.perf_counter() - sent)
    if run == 0:
        pid = int(tmux("display-message", "-p", "-t", "paste", "#{pane_pid}"))
        time.sleep(1)
        before = cpu_ticks(pid)
        time.sleep(idle)
        ticks.append(cpu_ticks(pid) - before)
    tmux("kill-server")
    shutil.rmtree(work, ignore_errors=True)

ms = [t * 1000 for t in took]
print(f"paste of {chars} characters then Enter, {runs} runs: the whole value saved "
      f"{statistics.median(ms):.0f} ms after the Enter was sent (min {min(ms):.0f}, "
      f"max {max(ms):.0f})")
print(f"idle dialer over {idle} s: {ticks[0]} CPU ticks (1 tick = 10 ms); load average "
      f"{os.getloadavg()[0]:.2f}")
PY
