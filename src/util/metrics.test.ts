import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics } from './metrics.js';

test('exposition format', () => {
  const m = new Metrics();
  m.set('metallb_bgp_session_up', 'BGP session state (1 = Established)', 1, { peer: '192.168.133.1' });
  m.inc('metallb_frr_apply_errors_total', 'Failed FRR applies');
  m.inc('metallb_frr_apply_errors_total', 'Failed FRR applies');
  m.observe('metallb_frr_apply_duration_seconds', 'Apply duration', 0.25);
  m.observe('metallb_frr_apply_duration_seconds', 'Apply duration', 0.75);
  const t = m.text();
  assert.match(t, /^metallb_bgp_session_up\{peer="192.168.133.1"\} 1$/m);
  assert.match(t, /^metallb_frr_apply_errors_total 2$/m);
  assert.match(t, /^metallb_frr_apply_duration_seconds_sum 1$/m);
  assert.match(t, /^metallb_frr_apply_duration_seconds_count 2$/m);
  assert.match(t, /# TYPE metallb_frr_apply_duration_seconds summary/);
});
