#!/usr/bin/env bash
# Builds the two images with buildah from operator/Containerfile and operator/speaker.Containerfile,
# unchanged, on a machine that reaches no container registry: BASE_IMAGE
# (docker.io/library/node:20-bookworm-slim) cannot be pulled, so a stand-in is made locally from
# Debian bookworm packages (debootstrap, from the Debian mirror) plus this machine's Node 20
# (/usr/bin/node and npm, the same major version as the real base). Every RUN/COPY step of the
# Containerfiles then runs for real: npm ci from the npm registry, tsc, apt-get install frr from
# Debian bookworm. Images are tagged localhost/... and never pushed (no registry to push to).
#
#   operator/build-local.sh            # needs root, buildah and debootstrap (apt-get install)
#   operator/build-local.sh --check    # only the checks, on images built before
#
# Output: .cache/images/build-local.log; the images in buildah's local storage (vfs driver).
set -euo pipefail
cd "$(dirname "$(realpath "$0")")/.."
export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
for t in buildah debootstrap; do command -v $t >/dev/null || { echo "build-local: $t is missing (apt-get install $t)" >&2; exit 1; }; done
work=$(pwd)/.cache/images
rootfs=$work/rootfs-bookworm
base=localhost/metallb-base:node20-bookworm
version=$(node -p 'require("./package.json").version')
mkdir -p "$work"

if ! buildah inspect --type image "$base" >/dev/null 2>&1; then
  if [ ! -x "$rootfs/bin/sh" ]; then
    echo "debootstrap bookworm (minbase) into $rootfs"
    rm -rf "$rootfs"
    debootstrap --variant=minbase --include=ca-certificates,libstdc++6 bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log"
  fi
  # The apt sources the real base has (bookworm, its updates and security), so apt-get in the
  # speaker build resolves the same packages.
  cat > "$rootfs/etc/apt/sources.list" <<'EOF'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
  # This machine reaches the registries through a TLS proxy whose CAs it trusts; the stand-in
  # base trusts them too (only the local base: the Containerfiles and real images do not).
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null
  fi
  install -D -m 0755 /usr/bin/node "$rootfs/usr/local/bin/node"
  rm -rf "$rootfs/usr/local/lib/node_modules/npm" && mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -a /usr/lib/node_modules/npm "$rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  ctr=$(buildah from scratch)
  mnt=$(buildah mount "$ctr")
  cp -a "$rootfs/." "$mnt/"
  buildah umount "$ctr" >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt --cmd node "$ctr"
  buildah commit -q "$ctr" "$base" >/dev/null
  buildah rm "$ctr" >/dev/null
  echo "local base $base: Debian $(cat "$rootfs/etc/debian_version"), node $("$rootfs/usr/local/bin/node" --version)"
fi

build() { # containerfile tag
  local start=$(date +%s)
  buildah bud --layers=false --network host --build-arg BASE_IMAGE="$base" -f "$1" -t "$2" . >>"$work/build-local.log" 2>&1 \
    || { echo "build-local: $1 failed; see $work/build-local.log" >&2; tail -30 "$work/build-local.log" >&2; exit 1; }
  echo "built $2 from $1 in $(( $(date +%s) - start ))s"
}
# The catalog image's base, quay.io/operator-framework/opm, cannot be pulled either: a stand-in
# under that name, in local storage only, holds the opm that hack/build-tools.sh builds at the
# same version (static, CGO off), so catalog.Dockerfile (as `opm generate dockerfile` wrote it)
# builds unchanged.
opm_version=$(sed -n 's/^  "opm \S* \(v[0-9.]*\) .*/\1/p' hack/build-tools.sh)
opm_base=quay.io/operator-framework/opm:$opm_version
if ! buildah inspect --type image "$opm_base" >/dev/null 2>&1; then
  hack/build-tools.sh >/dev/null
  ctr=$(buildah from scratch)
  buildah copy "$ctr" ".cache/tools/opm-$opm_version/bin/opm" /bin/opm >/dev/null
  buildah config --entrypoint '["/bin/opm"]' "$ctr"
  buildah commit -q "$ctr" "$opm_base" >/dev/null
  buildah rm "$ctr" >/dev/null
fi

if [ "${1:-}" != --check ]; then
  : >"$work/build-local.log"
  build operator/Containerfile "localhost/metallb-operator-ts/metallb:v$version"
  build operator/speaker.Containerfile "localhost/metallb-operator-ts/speaker:v$version"
  (cd bundle && build bundle.Dockerfile "localhost/metallb-operator-ts/metallb-operator-bundle:v$version")
  (cd operator && build catalog.Dockerfile "localhost/metallb-operator-ts/metallb-operator-catalog:v$version")
fi

# What each image holds, run inside it.
check() { # image command...   ($RUN_OPTS: extra `buildah run` options)
  local image=$1; shift
  local c; c=$(buildah from -q "$image")
  # shellcheck disable=SC2086
  local rc=0
  buildah run ${RUN_OPTS:-} "$c" -- "$@" || rc=$?
  buildah rm "$c" >/dev/null
  return $rc
}
echo "== metallb image: the operator renders the seed 002 CR"
check "localhost/metallb-operator-ts/metallb:v$version" sh -c 'id -u; printf "apiVersion: metallb.io/v1beta1\nkind: MetalLB\nmetadata: {name: metallb, namespace: metallb-system}\nspec: {nodeSelector: {node-role.kubernetes.io/worker: \"\"}}\n" > /tmp/m.yaml && metallb render-manifests -f /tmp/m.yaml | grep -c "^kind:"'
echo "== speaker image: vtysh and the FRR daemons are Debian bookworm's 8.4"
check "localhost/metallb-operator-ts/speaker:v$version" sh -c 'vtysh -h | sed -n 3p; /usr/lib/frr/bgpd --version | head -1; /usr/lib/frr/bfdd --version | head -1; dpkg-query -W frr; metallb speaker --help | head -1'
echo "== speaker image as the frr sidecar: start.sh from the rendered frr-startup ConfigMap starts FRR,"
echo "   and vtysh reaches the daemons (in a new, empty network namespace: nothing leaves it)"
# The frr container's capabilities (templates/speaker.yaml), plus SYS_ADMIN for `unshare`.
RUN_OPTS="--cap-add CAP_NET_ADMIN,CAP_NET_RAW,CAP_NET_BIND_SERVICE,CAP_SYS_ADMIN,CAP_SETUID,CAP_SETGID,CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_KILL" \
check "localhost/metallb-operator-ts/speaker:v$version" unshare --net sh -c '
  set -e
  printf "apiVersion: metallb.io/v1beta1\nkind: MetalLB\nmetadata: {name: metallb, namespace: metallb-system}\n" > /tmp/m.yaml
  mkdir -p /etc/frr-startup /var/run/frr
  metallb render-manifests -f /tmp/m.yaml > /tmp/all.yaml
  node -e "
    const y = require(\"/opt/metallb/node_modules/js-yaml\");
    const cm = y.loadAll(require(\"fs\").readFileSync(\"/tmp/all.yaml\", \"utf8\")).find((o) => o && o.kind === \"ConfigMap\" && o.metadata.name === \"frr-startup\");
    for (const [k, v] of Object.entries(cm.data)) require(\"fs\").writeFileSync(\"/etc/frr-startup/\" + k, v);
  "
  ip link set lo up
  sh /etc/frr-startup/start.sh > /tmp/frr-start.log 2>&1 &
  # watchfrr answers first, the daemons a moment later: wait (at most 20 s) for all three
  for i in $(seq 1 100); do [ "$(vtysh -c "show watchfrr" 2>/dev/null | grep -cE "(zebra|bgpd|bfdd) +Up")" = 3 ] && break; sleep 0.2; done
  vtysh -c "show version" | head -1
  vtysh -c "show watchfrr" | grep -E "zebra|bgpd|bfdd"
  /usr/lib/frr/frrinit.sh stop >/dev/null 2>&1 || true
'
echo "== bundle and catalog images"
c=$(buildah from -q "localhost/metallb-operator-ts/metallb-operator-bundle:v$version"); m=$(buildah mount "$c")
(cd "$m" && find manifests metadata -type f | sort); buildah umount "$c" >/dev/null; buildah rm "$c" >/dev/null
buildah inspect --type image --format '{{index .OCIv1.Config.Labels "operators.operatorframework.io.bundle.package.v1"}} {{index .OCIv1.Config.Labels "operators.operatorframework.io.bundle.channels.v1"}}' "localhost/metallb-operator-ts/metallb-operator-bundle:v$version"; echo
c=$(buildah from -q "localhost/metallb-operator-ts/metallb-operator-catalog:v$version"); m=$(buildah mount "$c")
(cd "$m" && find configs -type f && find tmp/cache -type f | wc -l | sed 's/$/ files in the serve cache/'); buildah umount "$c" >/dev/null; buildah rm "$c" >/dev/null
buildah images --format '{{.Name}}:{{.Tag}} {{.Size}}' | grep metallb-operator-ts
