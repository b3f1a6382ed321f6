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
#
# Output: .cache/images/build-local.log; the images in buildah's local storage (vfs driver).
set -euo pipefail
cd "$(dirname "$(realpath "$0")")/.."
export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
for t in buildah debootstrap; do command -v $t >/dev/null || { echo "build-local: $t is missing (apt-get install $t)" >&2; exit 1; }; done
work=.cache/images
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
  install -D -m 0755 /usr/bin/node "$rootfs/usr/local/bin/node"
  rm -rf "$rootfs/usr/local/lib/node_modules/npm" && mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -a /usr/lib/node_modules/npm "$rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  ctr=$(buildah from scratch)
  mnt=$(buildah mount "$ctr")
  cp -a "$rootfs/." "$mnt/"
  buildah umount "$ctr" >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd node "$ctr"
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
: >"$work/build-local.log"
build operator/Containerfile "localhost/metallb-operator-ts/metallb:v$version"
build operator/speaker.Containerfile "localhost/metallb-operator-ts/speaker:v$version"

# What each image holds, run inside it.
check() { # image command...
  local image=$1; shift
  local c; c=$(buildah from -q "$image")
  buildah run "$c" -- "$@"
  buildah rm "$c" >/dev/null
}
echo "== metallb image: the operator renders the seed 002 CR"
check "localhost/metallb-operator-ts/metallb:v$version" sh -c 'id -u; printf "apiVersion: metallb.io/v1beta1\nkind: MetalLB\nmetadata: {name: metallb, namespace: metallb-system}\nspec: {nodeSelector: {node-role.kubernetes.io/worker: \"\"}}\n" > /tmp/m.yaml && metallb render-manifests -f /tmp/m.yaml | grep -c "^kind:"'
echo "== speaker image: vtysh and the FRR daemons are Debian bookworm's 8.4"
check "localhost/metallb-operator-ts/speaker:v$version" sh -c 'vtysh -h | sed -n 3p; /usr/lib/frr/bgpd --version | head -1; /usr/lib/frr/bfdd --version | head -1; dpkg-query -W frr; metallb speaker --help | head -1'
buildah images --format '{{.Name}}:{{.Tag}} {{.Size}}' | grep metallb-operator-ts
