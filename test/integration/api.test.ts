// The metallb.io API on the shared test control plane (the pinned Kubernetes, 1.33): the suite in
// test/helpers/api-suite.ts. The IP rules only the webhook checks are tested in webhook.test.ts.
import { getTestCluster } from '../helpers/controlplane.js';
import { apiSuite } from '../helpers/api-suite.js';

apiSuite('1.33', getTestCluster);
