# Included by the Makefile: the control plane the tests and the lab run (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl), built with Go from the module proxy at the
# versions pinned in hack/controlplane/go.mod. The script is a no-op when the build is current.
CONTROLPLANE_VERSION := $(shell sed -n 's/^\s*k8s.io\/kubernetes \(v[0-9.]*\)$$/\1/p' hack/controlplane/go.mod | head -n1)
CONTROLPLANE_BIN := $(abspath .cache/controlplane/$(CONTROLPLANE_VERSION)/bin)

.PHONY: controlplane
controlplane: ## build etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kubectl from the Go module proxy (cached)
	@hack/build-controlplane.sh
