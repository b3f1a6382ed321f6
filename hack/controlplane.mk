# Included by the Makefile: the control plane the tests and the lab run (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl), built with Go from the module proxy at the
# versions pinned in hack/controlplane/go.mod. The script is a no-op when the build is current.
CONTROLPLANE_VERSION := $(shell sed -n 's/^\s*k8s.io\/kubernetes \(v[0-9.]*\)$$/\1/p' hack/controlplane/go.mod | head -n1)
CONTROLPLANE_BIN := $(abspath .cache/controlplane/$(CONTROLPLANE_VERSION)/bin)

.PHONY: controlplane
controlplane: ## build etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kubectl from the Go module proxy (cached)
	@hack/build-controlplane.sh

# The oldest Kubernetes we support (OpenShift 4.14), only for the API tests: its kube-apiserver
# alone (test/integration/api-1.27.test.ts runs it on the etcd above). Pinned in hack/apiserver-1.27/go.mod.
OLD_APISERVER_VERSION := $(shell sed -n 's/^\s*\(require \)\?k8s.io\/kubernetes \(v[0-9.]*\)$$/\2/p' hack/apiserver-1.27/go.mod | head -n1)

.PHONY: apiserver-1.27
apiserver-1.27: ## build kube-apiserver 1.27 (the oldest supported) from the Go module proxy, for the API tests (cached)
	@hack/build-apiserver-1.27.sh
