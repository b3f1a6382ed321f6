# metallb-operator: `make lab` runs the whole system on this machine, `make test` runs every test.
# Both install what they need (npm packages, Debian's FRR, the Go-built control plane).
SHELL := /bin/bash
.DEFAULT_GOAL := help
# Test files share one control plane and FRR namespaces: run them one at a time.
NODE_TEST_FLAGS ?= --test-concurrency=1

-include hack/controlplane.mk
-include hack/tools.mk

.PHONY: help deps npm-deps apt-deps native build generate check-generated lint test unit lab lab-down bench clean images

help: ## list targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([^:]+):.*## (.*)/  \1\t\2/'

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

npm-deps: node_modules/.package-lock.json ## npm ci when package-lock changed

# Debian packages the FRR tests, the L2 tests and the lab use (FRR 8.4, arping, ndisc6, iproute2),
# what hack/build-tools.sh fetches and unpacks the tool sources with (curl, unzip), the lab's node
# runtime (containerd, runc, the CNI plugins, iptables and conntrack for kube-proxy; ADR 0012),
# what builds its images (buildah, debootstrap, busybox-static) and its certificates (openssl).
APT_PACKAGES := frr iputils-arping iproute2 python3 ndisc6 curl unzip \
  containerd runc containernetworking-plugins iptables conntrack buildah debootstrap busybox-static openssl
apt-deps: ## apt-get install FRR and friends when missing
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

deps: npm-deps apt-deps

# The layer 2 speaker's raw packet addon (docs/adr/0005): node-gyp from npm, Node's headers from
# the Node installation itself (Debian: /usr/include/node), so no header download is needed.
NODE_DIR ?= $(abspath $(dir $(shell command -v node))/..)
PACKET_ADDON := native/packet/build/Release/packet.node
$(PACKET_ADDON): native/packet/packet.c native/packet/binding.gyp node_modules/.package-lock.json
	npx node-gyp rebuild -C native/packet --nodedir=$(NODE_DIR) --loglevel=warn
native: $(PACKET_ADDON) ## build the native packet addon (AF_PACKET, for layer 2)

# dist/ is rebuilt from scratch so a deleted test can never run from a stale compiled copy.
build: npm-deps native ## compile TypeScript to dist/
	rm -rf dist
	npx tsc -p tsconfig.json

generate: build ## regenerate config/crd/bases, docs/reference/api.md and docs/reference/metrics.md from src/api and src/metrics
	node dist/src/cli.js generate-crds

check-generated: build
	node dist/src/cli.js generate-crds --check

# Type-aware lint (typescript-eslint, eslint.config.js) over src/, test/ and bench/: an error fails make test.
lint: npm-deps ## type-aware lint of every TypeScript file
	npx eslint --max-warnings 0 .

# One `node --test` run over every tier, inside one control plane started for the whole run.
test: deps build lint controlplane apiserver-1.27 tools images ## run all tests (lint, unit, golden, real apiserver, real FRR)
	node dist/test/helpers/with-controlplane.js -- node --test $(NODE_TEST_FLAGS) $$(find dist -name '*.test.js' | sort)

unit: build ## unit and golden tests only (no control plane, no FRR)
	node --test $(NODE_TEST_FLAGS) $$(find dist/src -name '*.test.js' | sort)

bench: deps build controlplane tools images ## run the benchmarks (JSON on stdout)
	@for b in dist/bench/*.bench.js; do echo "== $$b" >&2; node $$b; done

# A lab that is up runs from dist/: rebuilding (rm -rf dist) under it would break a restarted agent.
# Every image the lab's nodes run, built with buildah and exported for their containerd (no registry).
# It needs dist/ (generate-bundle) but does not rebuild it: `make lab` must not under a running lab.
images: deps controlplane tools ## build the images (ours, OLM's, CoreDNS, pause, agnhost) into .cache/images
	@[ -f dist/src/cli.js ] || $(MAKE) --no-print-directory build
	operator/build-local.sh

lab: deps controlplane tools ## the whole system locally: control plane, nodes running pods, OLM, FRR router, demo Service
	@if [ -f .cache/lab/state.json ] && [ -f dist/src/cli.js ]; then \
	  echo "a lab is up: dist/ is not rebuilt under it (make lab-down, then make lab, to rebuild)"; \
	else $(MAKE) --no-print-directory build; fi
	$(MAKE) --no-print-directory images
	node dist/src/cli.js lab up

lab-down: build ## remove everything the lab started
	node dist/src/cli.js lab down

clean:
	rm -rf dist native/packet/build
