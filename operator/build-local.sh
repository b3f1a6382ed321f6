#!/usr/bin/env bash
# Builds every image `make lab` runs, with buildah, on a machine that reaches no container
# registry, and exports each as an OCI archive for the nodes' containerd to import
# (docs/adr/0012-real-pods-lab.md). Nothing is pulled and nothing is pushed.
#
#   ours: metallb (operator + controller: operator/Containerfile) and speaker (+ FRR:
#         operator/speaker.Containerfile), unchanged Containerfiles; the bundle (what bundle/
#         holds, our images by digest: `metallb generate-bundle --image-digests`) and the catalog
#         (operator/catalog.Dockerfile); and the next patch release (its images relabelled, so
#         other digests; bundle + catalog with both bundles, `metallb generate-bundle --version`),
#         the upgrade the lab tests.
#   theirs, from binaries this repo builds from the Go module proxy (make controlplane, make
#         tools): pause (the pod sandbox), agnhost (seed 002's demo backend), CoreDNS, OLM, opm.
#
# BASE_IMAGE (docker.io/library/node:20-bookworm-slim) cannot be pulled either: a stand-in is made
# from Debian bookworm (debootstrap, from the Debian mirror) plus this machine's Node 20, and so is
# quay.io/operator-framework/opm (the opm build, plus grpc_health_probe as upstream's image has).
#
# Cached by content: each image carries a label with the hash of everything it is built from;
# when an image with that hash is in buildah's storage (machine-wide, so a fresh clone reuses it)
# it is not built again, and an archive whose stamp matches is not exported again. buildah's own
# layer cache (--layers) makes a rebuild after a src/ change rerun only tsc.
#
#   operator/build-local.sh            # root, buildah, debootstrap, busybox-static (make images)
#   operator/build-local.sh --check    # also run each image's own checks (slower)
#
# Output: $IMAGES_DIR (default .cache/images): archives/*.tar and index.tsv (ref, archive, manifest digest, aliases).
set -euo pipefail
cd "$(dirname "$(realpath "$0")")/.."
export STORAGE_DRIVER=overlay BUILDAH_ISOLATION=chroot
for t in buildah debootstrap node; do command -v $t >/dev/null || { echo "build-local: $t is missing (make apt-deps)" >&2; exit 1; }; done
[ -x /bin/busybox ] || { echo "build-local: /bin/busybox is missing (apt-get install busybox-static)" >&2; exit 1; }
work=$(realpath -m "${IMAGES_DIR:-.cache/images}")
mkdir -p "$work/archives"
exec 9>"$work/.lock"
flock 9
log=$work/build-local.log
: >"$log"
rootfs=$work/rootfs-bookworm
base=localhost/metallb-base:node20-bookworm
version=$(node -p 'require("./package.json").version')
next=$(node -p 'const v = require("./package.json").version.split("."); v[2] = String(Number(v[2]) + 1); v.join(".")')
cp_bin=.cache/controlplane/$(sed -n 's/^\s*k8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' hack/controlplane/go.mod)/bin
tool() { sed -n "s/^  \"$1 \S* \(v[0-9.]*\) .*/\1/p" hack/build-tools.sh; }
opm_version=$(tool opm); olm_version=$(tool olm); ghp_version=$(tool grpc_health_probe)
coredns_version=$(sed -n 's/^require github.com\/coredns\/coredns \(v[0-9.]*\)$/\1/p' hack/coredns/go.mod)
src=$(cd hack/controlplane && go list -m -f '{{.Dir}}' k8s.io/kubernetes)
agnhost_version=$(cat "$src/test/images/agnhost/VERSION")
pause_version=$(sed -n 's/^TAG ?= \(.*\)$/\1/p' "$src/build/pause/Makefile")
for b in "$cp_bin/pause" "$cp_bin/agnhost" ".cache/tools/opm-$opm_version/bin/opm" ".cache/tools/olm-$olm_version/bin/olm" \
  ".cache/tools/grpc_health_probe-$ghp_version/bin/grpc_health_probe" ".cache/tools/coredns-$coredns_version/bin/coredns"; do
  [ -x "$b" ] || { echo "build-local: $b is missing (make controlplane tools)" >&2; exit 1; }
done
LABEL=io.metallb-operator-ts.content

# The hash of files and folders (contents and names), with extra words mixed in.
hash_of() { # words... -- paths...
  local words=() paths=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do words+=("$1"); shift; done
  shift || true
  paths=("$@")
  { printf '%s\n' "${words[@]}"; find "${paths[@]}" -type f ! -name '*.test.ts' -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-20
}
have() { # image hash
  [ "$(buildah inspect --type image --format "{{index .OCIv1.Config.Labels \"$LABEL\"}}" "$1" 2>/dev/null)" = "$2" ]
}
bud() { # image hash context containerfile [build-args...]
  local image=$1 h=$2 ctx=$3 file=$4; shift 4
  if have "$image" "$h"; then echo "  $image is current ($h)"; return; fi
  local start=$(date +%s)
  buildah bud --layers --network host --label "$LABEL=$h" "$@" -f "$file" -t "$image" "$ctx" >>"$log" 2>&1 \
    || { echo "build-local: $file failed; see $log" >&2; tail -30 "$log" >&2; exit 1; }
  echo "  built $image in $(( $(date +%s) - start ))s"
}
# An image from scratch holding binaries: from_scratch image hash entrypoint-json user src:dst...
from_scratch() {
  local image=$1 h=$2 entry=$3 user=$4; shift 4
  if have "$image" "$h"; then echo "  $image is current ($h)"; return; fi
  local c; c=$(buildah from scratch)
  local m
  for m in "$@"; do buildah copy "$c" "${m%%:*}" "${m#*:}" >/dev/null; done
  buildah config --entrypoint "$entry" --user "$user" --label "$LABEL=$h" "$c"
  buildah commit -q "$c" "$image" >/dev/null
  buildah rm "$c" >/dev/null
  echo "  made $image"
}

# Exports an image as an OCI archive (containerd imports it keeping its manifest, so the digest
# buildah reports is the one the nodes know it by) unless the archive holds this image already;
# prints the manifest digest.
export_image() { # ref name
  local ref=$1 name=$2 id tar
  id=$(buildah inspect --type image --format '{{.FromImageID}}' "$ref")
  tar=$work/archives/$name.tar
  if [ ! -f "$tar" ] || [ ! -s "$tar.digest" ] || [ "$(cat "$tar.id" 2>/dev/null)" != "$id" ]; then
    rm -f "$tar" "$tar.digest"
    buildah push -q --digestfile "$tar.digest.tmp" "$ref" "oci-archive:$tar:$ref" >>"$log" 2>&1
    mv "$tar.digest.tmp" "$tar.digest"
    echo "$id" >"$tar.id"
    echo "  exported $ref ($(du -h "$tar" | cut -f1))" >&2
  fi
  cat "$tar.digest"
}

echo "== base images"
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
  # Node's headers where the real base keeps them (node-gyp builds the packet addon against them).
  rm -rf "$rootfs/usr/local/include/node" && mkdir -p "$rootfs/usr/local/include" && cp -a /usr/include/node "$rootfs/usr/local/include/node"
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
  echo "  local base $base: Debian $(cat "$rootfs/etc/debian_version"), node $("$rootfs/usr/local/bin/node" --version)"
fi
# The catalog image's base (catalog.Dockerfile, as `opm generate dockerfile` wrote it) and the opm
# image OLM's bundle-unpack Jobs run: opm, and grpc_health_probe for the catalog pods' probes.
opm_image=quay.io/operator-framework/opm:$opm_version
stage=$work/opm-root
rm -rf "$stage" && mkdir -p "$stage/bin" "$stage/tmp" && chmod 1777 "$stage/tmp"
cp ".cache/tools/opm-$opm_version/bin/opm" ".cache/tools/grpc_health_probe-$ghp_version/bin/grpc_health_probe" "$stage/bin/"
from_scratch "$opm_image" "$(hash_of opm-1001 -- "$stage")" '["/bin/opm"]' 1001 "$stage:/"

echo "== ours (v$version, and v$next for the upgrade)"
repo=quay.io/metallb-operator-ts
base_id=$(buildah inspect --type image --format '{{.FromImageID}}' "$base")
opm_id=$(buildah inspect --type image --format '{{.FromImageID}}' "$opm_image")
app_inputs=(package.json package-lock.json tsconfig.json tsconfig.build.json src templates)
bud "$repo/metallb:v$version" "$(hash_of "$base_id" -- operator/Containerfile "${app_inputs[@]}")" . operator/Containerfile --build-arg BASE_IMAGE="$base"
bud "$repo/speaker:v$version" "$(hash_of "$base_id" -- operator/speaker.Containerfile native/packet/packet.c native/packet/binding.gyp "${app_inputs[@]}")" . operator/speaker.Containerfile --build-arg BASE_IMAGE="$base"
# The next release's images: the same builds under their own version label, so they are other
# images with other digests (an upgrade that rolls to the image it already runs proves nothing).
relabel() { # from to version
  local from=$1 to=$2 v=$3 h c
  h=$(printf '%s %s\n' "$(buildah inspect --type image --format '{{.FromImageID}}' "$from")" "$v" | sha256sum | cut -c1-20)
  if have "$to" "$h"; then echo "  $to is current ($h)"; return; fi
  c=$(buildah from -q "$from")
  buildah config --label "$LABEL=$h" --label "org.opencontainers.image.version=$v" "$c"
  buildah commit -q "$c" "$to" >/dev/null
  buildah rm "$c" >/dev/null
  echo "  made $to"
}
relabel "$repo/metallb:v$version" "$repo/metallb:v$next" "$next"
relabel "$repo/speaker:v$version" "$repo/speaker:v$next" "$next"
# Each release's bundle names our images by digest (generate-bundle --image-digests), and its
# catalog pins the bundles by digest too, as release pipelines do (and OLM needs: it pulls an
# image named by tag with imagePullPolicy Always, which no registry here answers).
digests=$work/image-digests.tsv
: >"$digests"
for v in "$version" "$next"; do
  for n in metallb speaker; do printf '%s\t%s\n' "$repo/$n:v$v" "$(export_image "$repo/$n:v$v" "$n-v$v")" >>"$digests"; done
done
pin_bundles() { # catalog-dir versions...
  local dir=$1 v d; shift
  for v in "$@"; do
    d=$(export_image "$repo/metallb-operator-bundle:v$v" "bundle-v$v")
    find "$dir" -name '*.yaml' -exec sed -i "s#$repo/metallb-operator-bundle:v$v\b#$repo/metallb-operator-bundle@$d#g" {} +
  done
}
release_files() { # dir [generate-bundle release flags...]
  local dir=$1; shift
  rm -rf "$dir"
  node dist/src/cli.js generate-bundle "$@" --image-digests "$digests" --out "$dir" >/dev/null
  cp operator/catalog.Dockerfile "$dir/operator/"
}
current=$work/release-v$version
release_files "$current"
bud "$repo/metallb-operator-bundle:v$version" "$(hash_of -- "$current/bundle")" "$current/bundle" "$current/bundle/bundle.Dockerfile"
pin_bundles "$current/operator/catalog" "$version"
bud "$repo/metallb-operator-catalog:v$version" "$(hash_of "$opm_id" -- "$current/operator")" "$current/operator" "$current/operator/catalog.Dockerfile"
release=$work/release-v$next
release_files "$release" --version "$next" --replaces "metallb-operator.v$version"
bud "$repo/metallb-operator-bundle:v$next" "$(hash_of -- "$release/bundle")" "$release/bundle" "$release/bundle/bundle.Dockerfile"
pin_bundles "$release/operator/catalog" "$version" "$next"
bud "$repo/metallb-operator-catalog:v$next" "$(hash_of "$opm_id" -- "$release/operator")" "$release/operator" "$release/operator/catalog.Dockerfile"

echo "== theirs"
pause_image=registry.k8s.io/pause:$pause_version
from_scratch "$pause_image" "$(hash_of -- "$cp_bin/pause")" '["/pause"]' 65535:65535 "$cp_bin/pause:/pause"
agnhost_image=registry.k8s.io/e2e-test-images/agnhost:$agnhost_version
from_scratch "$agnhost_image" "$(hash_of -- "$cp_bin/agnhost")" '["/agnhost"]' 0 "$cp_bin/agnhost:/agnhost"
coredns_image=registry.k8s.io/coredns/coredns:$coredns_version
from_scratch "$coredns_image" "$(hash_of -- ".cache/tools/coredns-$coredns_version/bin")" '["/coredns"]' 0 ".cache/tools/coredns-$coredns_version/bin/coredns:/coredns"
# OLM's image holds its five binaries, and a cp at /bin/cp (its bundle-unpack Jobs copy cpb out of
# it with /bin/cp), as upstream's distroless:debug base gives it busybox's.
olm_image=quay.io/operator-framework/olm:$olm_version
olm_bin=.cache/tools/olm-$olm_version/bin
stage=$work/olm-root
rm -rf "$stage" && mkdir -p "$stage/bin" "$stage/busybox"
cp /bin/busybox "$stage/busybox/busybox"
cp "$olm_bin"/{olm,catalog,package-server,copy-content,cpb} "$stage/bin/"
ln -s /busybox/busybox "$stage/bin/cp"
from_scratch "$olm_image" "$(hash_of olm -- "$stage")" '["/bin/olm"]' 1001 "$stage:/"

echo "== archives"
# ref archive aliases(comma-separated refs that are the same image)
images=(
  "$repo/metallb:v$version metallb-v$version -"
  "$repo/speaker:v$version speaker-v$version -"
  "$repo/metallb:v$next metallb-v$next -"
  "$repo/speaker:v$next speaker-v$next -"
  "$repo/metallb-operator-bundle:v$version bundle-v$version -"
  "$repo/metallb-operator-catalog:v$version catalog-v$version -"
  "$repo/metallb-operator-bundle:v$next bundle-v$next -"
  "$repo/metallb-operator-catalog:v$next catalog-v$next -"
  "$opm_image opm -"
  "$olm_image olm -"
  "$pause_image pause -"
  "$agnhost_image agnhost k8s.gcr.io/e2e-test-images/agnhost:2.33"
  "$coredns_image coredns -"
)
index=$work/index.tsv.tmp
: >"$index"
for row in "${images[@]}"; do
  read -r ref name aliases <<<"$row"
  digest=$(export_image "$ref" "$name")
  printf '%s\t%s\t%s\t%s\n' "$ref" "$work/archives/$name.tar" "$digest" "$aliases" >>"$index"
done
mv "$index" "$work/index.tsv"
echo "images ready: $work/index.tsv ($(wc -l <"$work/index.tsv") images)"

[ "${1:-}" = --check ] || exit 0

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
echo "== metallb image: the operator renders the seed 002 CR; no test or bench code inside"
check "$repo/metallb:v$version" sh -c 'id -u; printf "apiVersion: metallb.io/v1beta1\nkind: MetalLB\nmetadata: {name: metallb, namespace: metallb-system}\nspec: {nodeSelector: {node-role.kubernetes.io/worker: \"\"}}\n" > /tmp/m.yaml && metallb render-manifests -f /tmp/m.yaml | grep -c "^kind:"; find /opt/metallb/dist -name "*.test.js" -o -path "*/dist/test*" -o -path "*/dist/bench*" | wc -l | sed "s/$/ test files/"'
echo "== speaker image: vtysh and the FRR daemons are Debian bookworm's 8.4"
check "$repo/speaker:v$version" sh -c 'vtysh -h | sed -n 3p; /usr/lib/frr/bgpd --version | head -1; dpkg-query -W frr; metallb speaker --help | head -1'
echo "== olm, opm, coredns, agnhost, pause answer"
check "$olm_image" /bin/olm --version 2>&1 | head -2 || true
check "$opm_image" /bin/opm version | head -1
check "$coredns_image" /coredns -plugins | tr '\n' ' '; echo
check "$agnhost_image" /agnhost --help | head -1
