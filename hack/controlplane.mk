# Included by the Makefile: the Go-built control plane for tests and the lab.
CONTROLPLANE_VERSION := $(shell sed -n 's/^\s*k8s.io\/kubernetes \(v[0-9.]*\)$$/\1/p' hack/controlplane/go.mod | head -n1)
CONTROLPLANE_BIN := .cache/controlplane/$(CONTROLPLANE_VERSION)/bin

.PHONY: controlplane
controlplane: ## build etcd, kube-apiserver, kube-controller-manager and kubectl from the Go module proxy (cached)
	@hack/build-controlplane.sh
