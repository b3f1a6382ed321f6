//go:build tools

// Package tools records the one Kubernetes binary hack/build-apiserver-1.27.sh builds
// (kube-apiserver; etcd comes from hack/controlplane's build), so that `go mod tidy` keeps its
// dependencies in go.mod and go.sum; nothing here is compiled.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
