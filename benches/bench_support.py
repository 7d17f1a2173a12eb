"""What the benchmark scripts share: the release binary, a standalone simulator, and an
environment that points the history, settings and credentials into a temporary directory."""
import os, subprocess, tempfile


def start(root, prefix, log=None):
    """Returns (binary, simulator URL, environment, work directory, simulator process)."""
    bin_ = os.path.join(root, "target/release/ccc-dial")
    work = tempfile.mkdtemp(prefix=prefix)
    args = [bin_, "sim", "--port", "0"] + (["--log", log(work)] if log else [])
    sim = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = sim.stdout.readline().split()[-1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TENCENTCLOUD_", "TCCLI_"))}
    env.update(HOME=work, CCC_DIAL_HISTORY=os.path.join(work, "history.db"),
               CCC_DIAL_CONFIG=os.path.join(work, "settings.toml"),
               TENCENTCLOUD_SECRET_ID="AKIDccc-dial-simulator",
               TENCENTCLOUD_SECRET_KEY="ccc-dial-simulator-key")
    return bin_, url, env, work, sim
