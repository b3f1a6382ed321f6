import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics } from './registry.js';
import { ALL_METRICS, M } from './catalog.js';

test('exposition: upstream names and labels, unlabelled families present from the start', async () => {
  const m = new Metrics('speaker');
  let t = await m.text();
  assert.match(t, /^metallb_k8s_client_config_loaded_bool 0$/m);
  assert.match(t, /^metallb_k8s_client_updates_total 0$/m);
  assert.match(t, /# TYPE metallb_bgp_session_up gauge/);
  m.set(M.configLoaded, 1);
  m.inc(M.frrApplyErrors);
  m.inc(M.frrApplyErrors);
  m.observe(M.frrApplyDuration, 0.25);
  m.observe(M.frrApplyDuration, 0.75);
  m.setSeries(M.bgpSessionUp, 'frr', [{ labels: { peer: '192.168.133.1', vrf: 'default' }, value: 1 }]);
  t = await m.text();
  assert.match(t, /^metallb_k8s_client_config_loaded_bool 1$/m);
  assert.match(t, /^metallb_bgp_session_up\{peer="192.168.133.1",vrf="default"\} 1$/m);
  assert.match(t, /^metallb_frr_apply_errors_total 2$/m);
  assert.match(t, /^metallb_frr_apply_duration_seconds_sum 1$/m);
  assert.match(t, /^metallb_frr_apply_duration_seconds_count 2$/m);
  assert.match(t, /# TYPE metallb_frr_apply_duration_seconds summary/);
  assert.equal(await m.get(M.frrApplyDuration), 2);
  assert.equal(await m.get(M.bgpSessionUp, { peer: '192.168.133.1', vrf: 'default' }), 1);
  assert.equal(await m.get(M.bgpSessionUp, { peer: '192.168.133.9', vrf: 'default' }), undefined);
});

test('setSeries replaces only its owner\'s series; a counter mirrored from FRR takes its value', async () => {
  const m = new Metrics('speaker');
  const a = (ip: string, protocol: string) => ({ labels: { ip, node: 'n1', protocol, service: 'default/web' }, value: 1 });
  m.setSeries(M.speakerAnnounced, 'bgp', [a('192.0.2.1', 'bgp'), a('192.0.2.2', 'bgp')]);
  m.setSeries(M.speakerAnnounced, 'layer2', [a('192.0.2.9', 'layer2')]);
  m.setSeries(M.speakerAnnounced, 'bgp', [a('192.0.2.2', 'bgp')]);
  const t = await m.text();
  assert.doesNotMatch(t, /ip="192\.0\.2\.1"/);
  assert.match(t, /metallb_speaker_announced\{ip="192\.0\.2\.2",node="n1",protocol="bgp",service="default\/web"\} 1/);
  assert.match(t, /metallb_speaker_announced\{ip="192\.0\.2\.9",node="n1",protocol="layer2",service="default\/web"\} 1/);
  m.setSeries(M.bgpUpdatesSent, 'frr', [{ labels: { peer: '10.0.0.1', vrf: 'default' }, value: 7 }]);
  m.setSeries(M.bgpUpdatesSent, 'frr', [{ labels: { peer: '10.0.0.1', vrf: 'default' }, value: 9 }]);
  assert.equal(await m.get(M.bgpUpdatesSent, { peer: '10.0.0.1', vrf: 'default' }), 9);
  assert.match(await m.text(), /# TYPE metallb_bgp_updates_total counter/);
});

test('a program registers only its own families; writing another program\'s is a bug caught at once', async () => {
  const c = new Metrics('controller');
  const t = await c.text();
  for (const d of ALL_METRICS) {
    const mine = d.programs.includes('controller');
    assert.equal(new RegExp(`^# HELP ${d.name} `, 'm').test(t), mine, d.name);
  }
  assert.throws(() => c.set(M.bgpSessionUp, 1, { peer: 'x', vrf: 'default' }), /not a gauge of the controller/);
});

test('catalog: unique names, upstream prefixes, label names Prometheus accepts', () => {
  const names = ALL_METRICS.map((d) => d.name);
  assert.equal(new Set(names).size, names.length);
  for (const d of ALL_METRICS) {
    assert.match(d.name, /^metallb_[a-z0-9_]+$/);
    for (const l of d.labels) assert.match(l, /^[a-z_][a-z0-9_]*$/);
  }
});
