// Command coredns is CoreDNS v1.15 with only the plugins the lab's cluster DNS uses, built by
// hack/build-tools.sh (CoreDNS's documented way to choose plugins at compile time: set
// dnsserver.Directives and import the plugins). The full binary would link every cloud DNS
// provider's SDK for nothing; the lab resolves Service names (`<svc>.<ns>.svc`, what OLM's
// catalog-operator dials) and nothing outside the cluster, so there is no `forward`.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

// The order CoreDNS's plugin.cfg gives these plugins: it is the order they handle a query in.
var directives = []string{"ready", "health", "errors", "log", "loadbalance", "cache", "kubernetes"}

func init() {
	dnsserver.Directives = directives
}

func main() {
	coremain.Run()
}
