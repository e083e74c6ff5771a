#!/usr/bin/env bash
# Runs every FluxSharp test. Installs what the tests need first (idempotent, fast when present).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v git >/dev/null 2>&1 || need_apt+=(git)
# Git over SSH tests run a real OpenSSH server (sshd) and client on loopback.
[ -x /usr/sbin/sshd ] || need_apt+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need_apt+=(openssh-client)
command -v ssh-keygen >/dev/null 2>&1 || need_apt+=(openssh-client)
# The terminal-output test runs the CLI on a pseudo-terminal with script(1).
command -v script >/dev/null 2>&1 || need_apt+=(bsdutils)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# kubectl is on every machine; tests look for it in KUBECTL, then PATH.
command -v "${KUBECTL:-kubectl}" >/dev/null 2>&1 || { echo "kubectl not found (set KUBECTL)"; exit 1; }

log=$(mktemp)
set +e
dotnet test FluxSharp.slnx -c Release --nologo "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# One plain closing line over all test assemblies.
awk '/^(Passed|Failed)!/ { gsub(",", ""); for (i=1;i<=NF;i++) { if ($i=="Failed:") f+=$(i+1); if ($i=="Passed:") p+=$(i+1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
rm -f "$log"
exit "$rc"
