#!/usr/bin/env bash
# Builds an older kube-apiserver (v1.27, pinned in hack/apiserver-1.27/go.mod) from the Go module
# proxy into .cache/controlplane/<version>/bin (git-ignored), to check what the operator's CRDs
# and manifests need of an older apiserver. Only kube-apiserver: it runs against the etcd of
# hack/build-controlplane.sh (.cache/controlplane/v1.33.x/bin/etcd), and kubectl v1.33 talks to
# it fine. Plain `go build` inside the wrapper module, so its `replace`s of the k8s.io staging
# modules (to v0.27.N) apply, as in hack/build-controlplane.sh.
#
# A warm run is a no-op: when the binary exists and .stamp holds the hash of go.mod, go.sum and
# this script, nothing is built. `--force` (or CONTROLPLANE_FORCE=1) rebuilds anyway.
set -euo pipefail
self=$(realpath "$0")
cd "$(dirname "$self")/.."
mod=hack/apiserver-1.27
version=$(sed -n 's/^\s*\(require \)\?k8s.io\/kubernetes \(v[0-9.]*\)$/\2/p' $mod/go.mod | head -n1)
[ -n "$version" ] || { echo "build-apiserver-1.27: $mod/go.mod does not require k8s.io/kubernetes" >&2; exit 1; }
out=.cache/controlplane/$version/bin
stamp=$(cat $mod/go.mod $mod/go.sum "$self" | sha256sum | cut -c1-16)
force=${CONTROLPLANE_FORCE:-0}
[ "${1:-}" = "--force" ] && force=1

up_to_date() {
  [ "$force" = 1 ] && return 1
  [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ] && [ -x "$out/kube-apiserver" ]
}

if up_to_date; then
  echo "kube-apiserver $version is up to date in $out"
  exit 0
fi
command -v go >/dev/null || { echo "build-apiserver-1.27: Go is required (a Go >= 1.24 toolchain on PATH)" >&2; exit 1; }
mkdir -p "$out"
# The same lock as hack/build-controlplane.sh: one Kubernetes build at a time on this machine.
exec 9>".cache/controlplane/.lock"
if ! flock -n 9; then
  echo "another control plane build is running; waiting for it..."
  flock 9
  if up_to_date; then echo "kube-apiserver $version is up to date in $out"; exit 0; fi
fi

export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
# Version info for the apiserver's /version, as the release builds set it.
ldv=""
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldv+=" -X $p.gitVersion=$version -X $p.gitMajor=1 -X $p.gitMinor=$(echo "$version" | cut -d. -f2) -X $p.gitTreeState=clean"
done
# Go 1.26 and this 2024 tree: no fix is needed. Since Go 1.23 the linker refuses //go:linkname
# pulls of the standard library's internals unless the library marks them (-checklinkname), but
# the ones 1.27's dependencies use (github.com/modern-go/reflect2's reflect/runtime hooks, ...)
# are among those the Go team marked as still allowed, so the build links as is; should a bump
# of go.mod hit one that is not, -ldflags=-checklinkname=0 is the known workaround. `go build`
# runs no vet, and go.sum is complete (`go mod tidy`). The binary's GODEBUG defaults follow
# go.mod's `go 1.20` (see there), as far as go1.26 still has them.
rm -f "$out/.stamp"
echo "building kube-apiserver $version into $out (go $(go env GOVERSION), GOCACHE $(go env GOCACHE))"
start=$(date +%s)
(cd $mod && go build -trimpath -ldflags="-s -w$ldv" -o "../../$out/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
echo "$stamp" > "$out/.stamp"
echo "kube-apiserver $version ready in $out after $(( $(date +%s) - start ))s ($(du -h "$out/kube-apiserver" | cut -f1))"
