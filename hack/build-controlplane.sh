#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kube-controller-manager and kubectl from the Go module proxy, with
# the versions pinned in hack/controlplane/go.mod, into .cache/controlplane/<version>/bin.
# A warm run (binaries present, stamp matching go.mod/go.sum/this script) does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
mod=hack/controlplane
version=$(sed -n 's/^\s*k8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' $mod/go.mod | head -n1)
out=.cache/controlplane/$version/bin
stamp=$(cat $mod/go.mod $mod/go.sum "$0" | sha256sum | cut -c1-16)
bins=(etcd kube-apiserver kube-controller-manager kubectl)
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ] && for b in "${bins[@]}"; do [ -x "$out/$b" ] || exit 1; done; then
  echo "control plane $version is up to date in $out"
  exit 0
fi
command -v go >/dev/null || { echo "Go is required to build the control plane (apt-get install golang, or the toolchain on PATH)" >&2; exit 1; }
mkdir -p "$out"
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
# Version info for `kubectl version` and /version, as the release builds set it.
ldv="-X k8s.io/component-base/version.gitVersion=$version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$version" | cut -d. -f2) -X k8s.io/component-base/version.gitTreeState=clean"
declare -A pkgs=(
  [etcd]=go.etcd.io/etcd/server/v3
  [kube-apiserver]=k8s.io/kubernetes/cmd/kube-apiserver
  [kube-controller-manager]=k8s.io/kubernetes/cmd/kube-controller-manager
  [kubectl]=k8s.io/kubernetes/cmd/kubectl
)
for b in "${bins[@]}"; do
  start=$(date +%s)
  echo "building $b (${pkgs[$b]}) for control plane $version..."
  (cd $mod && go build -trimpath -ldflags="-s -w $ldv" -o "../../$out/$b" "${pkgs[$b]}")
  echo "  $b built in $(( $(date +%s) - start ))s"
done
echo "$stamp" > "$out/.stamp"
echo "control plane $version ready in $out"
