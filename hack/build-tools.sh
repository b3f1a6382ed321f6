#!/usr/bin/env bash
# Builds the OLM tools from their Go module zips at pinned versions into
# .cache/tools/<name>-<version>/bin (git-ignored), the way build-controlplane.sh builds the control
# plane: the validation tools operator-sdk and opm (opm also serves our catalog image), and OLM
# itself (olm, catalog, package-server, copy-content and cpb: what its image holds), which
# `make lab` runs as pods.
#
# Why zips and not `go install pkg@version`: the module proxy reachable here serves
# operator-sdk v1.42.0's .zip but answers 403 for its .mod, so the go command cannot resolve it as
# a dependency. Each zip is fetched from the proxy, checked against the sha256 pinned below, and
# built as the main module with its own go.mod/go.sum (-mod=readonly, so every dependency is
# verified against that go.sum).
#
# CGO is off, as upstream builds operator-sdk: both tools link github.com/mattn/go-sqlite3, which
# then builds as a stub (only the deprecated sqlite index commands need it; `bundle validate` and
# `opm validate` on a file-based catalog do not), and the containers_image_openpgp tag replaces
# gpgme (cgo) with pure-Go signature code, as both upstream Makefiles do.
#
# A warm run is a no-op (binary present and .stamp = hash of this script). `--force` rebuilds;
# with TOOLS_GOCACHE=<empty dir> that measures a cold build.
set -euo pipefail
self=$(realpath "$0")
cd "$(dirname "$self")/.."

# name module version sha256-of-zip packages (comma-separated; each binary is named after its
# folder, "." after the tool). grpc_health_probe goes into the catalog image beside opm, as in
# upstream's opm image: the catalog pods OLM creates probe themselves with it.
TOOLS=(
  "operator-sdk github.com/operator-framework/operator-sdk v1.42.0 037803c2605486a8649a857242d97874bb9eb36c4a5549996af16dbd545aff47 ./cmd/operator-sdk"
  "opm github.com/operator-framework/operator-registry v1.59.0 312aef174260be4d69ae58a93565597da1d6fc689412c7a1f31fa3beb0d326bf ./cmd/opm"
  "grpc_health_probe github.com/grpc-ecosystem/grpc-health-probe v0.4.63 6f35bfb8aa9b77734f25a813bc29154fe29b2d534297e522f79e9d914a5aea89 ."
  "olm github.com/operator-framework/operator-lifecycle-manager v0.38.0 08dbc9f29765c367fe87b6fa92922e9d668ad0dca4fee0645df9e29aff7d34de ./cmd/olm,./cmd/catalog,./cmd/package-server,./cmd/copy-content,./util/cpb"
)
force=${TOOLS_FORCE:-0}
[ "${1:-}" = "--force" ] && force=1
stamp=$(sha256sum "$self" | cut -c1-16)
proxy=$(go env GOPROXY | tr ',|' '\n\n' | grep -m1 '^http')
[ -n "$proxy" ] || { echo "build-tools: GOPROXY names no proxy URL" >&2; exit 1; }
export CGO_ENABLED=0 GOFLAGS="-buildvcs=false -mod=readonly"
[ -n "${TOOLS_GOCACHE:-}" ] && export GOCACHE=$(realpath "$TOOLS_GOCACHE")
mkdir -p .cache/tools
exec 9>".cache/tools/.lock"
flock 9

ldflags_for() { # name version
  case $1 in
    operator-sdk) echo "-X github.com/operator-framework/operator-sdk/internal/version.Version=$2 -X github.com/operator-framework/operator-sdk/internal/version.GitVersion=$2" ;;
    opm) echo "-X github.com/operator-framework/operator-registry/cmd/opm/version.opmVersion=$2" ;;
    olm) echo "-X github.com/operator-framework/operator-lifecycle-manager/pkg/version.OLMVersion=$2" ;;
  esac
}

for t in "${TOOLS[@]}"; do
  read -r name module version sum pkg <<<"$t"
  dir=.cache/tools/$name-$version
  bin=$dir/bin/$name
  if [ "$force" != 1 ] && [ -x "$bin" ] && [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$name $version is up to date in $dir"
    continue
  fi
  start=$(date +%s)
  mkdir -p "$dir/bin"
  zip=$dir/src.zip
  if [ ! -f "$zip" ] || [ "$(sha256sum "$zip" | cut -d' ' -f1)" != "$sum" ]; then
    echo "fetching $module@$version from $proxy"
    curl -fsSL -o "$zip.tmp" "$proxy/$module/@v/$version.zip"
    got=$(sha256sum "$zip.tmp" | cut -d' ' -f1)
    [ "$got" = "$sum" ] || { echo "build-tools: $module@$version zip sha256 $got, expected $sum" >&2; rm -f "$zip.tmp"; exit 1; }
    mv "$zip.tmp" "$zip"
  fi
  rm -rf "$dir/src" && mkdir -p "$dir/src"
  (cd "$dir/src" && unzip -q ../src.zip)
  src=$dir/src/$module@$version
  chmod -R u+w "$dir/src"
  echo "building $name $version (go $(go env GOVERSION), GOCACHE $(go env GOCACHE))..."
  # OLM also keeps its install manifests beside the binaries: the deployments from
  # deploy/upstream/quickstart/olm.yaml, and the CRDs from deploy/chart/crds, because the
  # quickstart's crds.yaml is older than the release (no grpcPodConfig, no OLMConfig).
  if [ -d "$src/deploy/chart/crds" ]; then
    rm -rf "$dir/deploy" && mkdir -p "$dir/deploy"
    cp "$src/deploy/upstream/quickstart/olm.yaml" "$dir/deploy/olm.yaml"
    for f in "$src"/deploy/chart/crds/*.yaml; do echo "---"; cat "$f"; done > "$dir/deploy/crds.yaml"
  fi
  for p in ${pkg//,/ }; do
    out=$(realpath "$dir/bin")/$([ "$p" = . ] && echo "$name" || basename "$p")
    (cd "$src" && go build -trimpath -tags=containers_image_openpgp,json1 -ldflags="-s -w $(ldflags_for "$name" "$version")" -o "$out" "$p")
  done
  rm -rf "$dir/src"
  echo "$stamp" > "$dir/.stamp"
  echo "  $name $version built in $(( $(date +%s) - start ))s ($(du -h "$bin" | cut -f1))"
done

# CoreDNS, the lab cluster's DNS (OLM's catalog-operator dials `<catalog>.<ns>.svc:50051`): our
# own main in hack/coredns picks its plugins (see main.go); its go.mod/go.sum pin CoreDNS.
coredns_version=$(sed -n 's/^require github.com\/coredns\/coredns \(v[0-9.]*\)$/\1/p' hack/coredns/go.mod)
dir=.cache/tools/coredns-$coredns_version
cstamp=$(cat "$self" hack/coredns/go.mod hack/coredns/go.sum hack/coredns/main.go | sha256sum | cut -c1-16)
if [ "$force" != 1 ] && [ -x "$dir/bin/coredns" ] && [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$cstamp" ]; then
  echo "coredns $coredns_version is up to date in $dir"
else
  start=$(date +%s)
  mkdir -p "$dir/bin"
  echo "building coredns $coredns_version (go $(go env GOVERSION))..."
  (cd hack/coredns && go build -trimpath -ldflags="-s -w -X github.com/coredns/coredns/coremain.GitCommit=metallb-lab" -o "$(realpath "../../$dir/bin")/coredns" .)
  echo "$cstamp" > "$dir/.stamp"
  echo "  coredns $coredns_version built in $(( $(date +%s) - start ))s ($(du -h "$dir/bin/coredns" | cut -f1))"
fi
