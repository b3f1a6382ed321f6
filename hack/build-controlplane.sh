#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kubectl (the control
# plane), kubelet and kube-proxy (what `make lab` runs on each node), agnhost (the demo's backend,
# as in seed 002) and the pause binary (kubernetes' build/pause/linux/pause.c, static) from the Go
# module proxy, at the versions pinned in hack/controlplane/go.mod, into
# .cache/controlplane/<version>/bin (git-ignored). Plain `go build` inside the wrapper module, so
# its `replace`s of the k8s.io staging modules apply (`go install pkg@version` refuses them).
#
# A warm run is a no-op: when every binary exists and .stamp holds the hash of go.mod, go.sum and
# this script, nothing is built. `--force` (or CONTROLPLANE_FORCE=1) rebuilds anyway; with an
# empty GOCACHE that measures a cold build.
set -euo pipefail
self=$(realpath "$0")
cd "$(dirname "$self")/.."
mod=hack/controlplane
version=$(sed -n 's/^\s*k8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' $mod/go.mod | head -n1)
[ -n "$version" ] || { echo "build-controlplane: $mod/go.mod does not require k8s.io/kubernetes" >&2; exit 1; }
out=.cache/controlplane/$version/bin
stamp=$(cat $mod/go.mod $mod/go.sum "$self" | sha256sum | cut -c1-16)
bins=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy agnhost)
declare -A pkgs=(
  [etcd]=go.etcd.io/etcd/server/v3
  [kube-apiserver]=k8s.io/kubernetes/cmd/kube-apiserver
  [kube-controller-manager]=k8s.io/kubernetes/cmd/kube-controller-manager
  [kube-scheduler]=k8s.io/kubernetes/cmd/kube-scheduler
  [kubectl]=k8s.io/kubernetes/cmd/kubectl
  [kubelet]=k8s.io/kubernetes/cmd/kubelet
  [kube-proxy]=k8s.io/kubernetes/cmd/kube-proxy
  [agnhost]=k8s.io/kubernetes/test/images/agnhost
)
force=${CONTROLPLANE_FORCE:-0}
[ "${1:-}" = "--force" ] && force=1

up_to_date() {
  [ "$force" = 1 ] && return 1
  [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ] || return 1
  local b
  for b in "${bins[@]}" pause; do [ -x "$out/$b" ] || return 1; done
}

if up_to_date; then
  echo "control plane $version is up to date in $out"
  exit 0
fi
command -v go >/dev/null || { echo "build-controlplane: Go is required (a Go >= 1.24 toolchain on PATH)" >&2; exit 1; }
mkdir -p "$out"
# One build at a time on this machine: a second `make controlplane` waits, then finds it done.
exec 9>".cache/controlplane/.lock"
if ! flock -n 9; then
  echo "another control plane build is running; waiting for it..."
  flock 9
  if up_to_date; then echo "control plane $version is up to date in $out"; exit 0; fi
fi

export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
# Version info for `kubectl version` and the apiserver's /version, as the release builds set it.
ldv=""
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldv+=" -X $p.gitVersion=$version -X $p.gitMajor=1 -X $p.gitMinor=$(echo "$version" | cut -d. -f2) -X $p.gitTreeState=clean"
done
rm -f "$out/.stamp"
echo "building control plane $version into $out (go $(go env GOVERSION), GOCACHE $(go env GOCACHE))"
total=$(date +%s)
for b in "${bins[@]}"; do
  start=$(date +%s)
  echo "building $b (${pkgs[$b]})..."
  (cd $mod && go build -trimpath -ldflags="-s -w$ldv" -o "../../$out/$b" "${pkgs[$b]}")
  echo "  $b built in $(( $(date +%s) - start ))s ($(du -h "$out/$b" | cut -f1))"
done
# The pod sandbox's process, built as kubernetes builds its pause image (static, -Os).
src=$(cd $mod && go list -m -f '{{.Dir}}' k8s.io/kubernetes)
pause_version=$(sed -n 's/^TAG ?= \(.*\)$/\1/p' "$src/build/pause/Makefile")
gcc -Os -Wall -Werror -static -DVERSION="v$pause_version-metallb-lab" -o "$out/pause" "$src/build/pause/linux/pause.c"
echo "  pause $pause_version built from $src/build/pause/linux/pause.c"
echo "$stamp" > "$out/.stamp"
echo "control plane $version ready in $out after $(( $(date +%s) - total ))s"
