# Included by the Makefile: the OLM validation tools (operator-sdk, opm), built with Go from the
# module proxy at the versions pinned in hack/build-tools.sh, cached in .cache/tools. No-op when
# current.
.PHONY: tools bundle check-bundle
tools: apt-deps ## build operator-sdk and opm from the Go module proxy (cached)
	@hack/build-tools.sh

bundle: build controlplane ## regenerate bundle/ and operator/catalog/ from config/ (kubectl kustomize)
	node dist/src/cli.js generate-bundle

check-bundle: build controlplane
	node dist/src/cli.js generate-bundle --check
