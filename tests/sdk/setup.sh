#!/usr/bin/env bash
# Installs the official Tencent Cloud tools the tests compare against, idempotently:
#   target/sdk-venv       tencentcloud-sdk-python-common + -ccc (mainland models; signing and
#                         client cross-checks)
#   target/sdk-intl-venv  tencentcloud-sdk-python-intl-en (international models)
#   target/tccli-venv     tccli-intl-en (the command-line benchmark peer)
# Separate venvs, because every distribution ships the `tencentcloud` package.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
make_venv() {
  local dir=$1; shift
  local stamp="$dir/.installed-$(echo "$*" | sha256sum | cut -c1-16)"
  [ -f "$stamp" ] && return 0
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
  touch "$stamp"
}
make_venv "$root/target/sdk-venv" tencentcloud-sdk-python-common==3.1.195 tencentcloud-sdk-python-ccc==3.1.177
make_venv "$root/target/sdk-intl-venv" tencentcloud-sdk-python-intl-en==3.1.193
make_venv "$root/target/tccli-venv" tccli-intl-en==3.1.193.1
