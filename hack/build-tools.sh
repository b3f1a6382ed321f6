#!/usr/bin/env bash
# Builds the OLM validation tools, operator-sdk and opm, from their Go module zips at pinned
# versions into .cache/tools/<name>-<version>/bin (git-ignored), the way build-controlplane.sh
# builds the control plane.
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

# name module version sha256-of-zip package
TOOLS=(
  "operator-sdk github.com/operator-framework/operator-sdk v1.42.0 037803c2605486a8649a857242d97874bb9eb36c4a5549996af16dbd545aff47 ./cmd/operator-sdk"
  "opm github.com/operator-framework/operator-registry v1.59.0 312aef174260be4d69ae58a93565597da1d6fc689412c7a1f31fa3beb0d326bf ./cmd/opm"
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
  out=$(realpath "$dir/bin")/$name
  (cd "$src" && go build -trimpath -tags=containers_image_openpgp -ldflags="-s -w $(ldflags_for "$name" "$version")" -o "$out" "$pkg")
  rm -rf "$dir/src"
  echo "$stamp" > "$dir/.stamp"
  echo "  $name $version built in $(( $(date +%s) - start ))s ($(du -h "$bin" | cut -f1))"
done
