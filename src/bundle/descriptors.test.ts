import { test } from 'node:test';
import assert from 'node:assert/strict';
import { descriptorsOf, displayName, kindDisplayName } from './descriptors.js';

test('display names: acronyms stay whole', () => {
  assert.equal(displayName('avoidBuggyIPs'), 'Avoid Buggy IPs');
  assert.equal(displayName('myASN'), 'My ASN');
  assert.equal(displayName('bfdProfile'), 'BFD Profile');
  assert.equal(displayName('ipAddressPools'), 'IP Address Pools');
  assert.equal(displayName('ebgpMultiHop'), 'EBGP Multi Hop');
  assert.equal(kindDisplayName('BGPPeer'), 'BGP Peer');
  assert.equal(kindDisplayName('IPAddressPool'), 'IP Address Pool');
  assert.equal(kindDisplayName('MetalLB'), 'MetalLB');
});

test('descriptors: one per top-level field with the schema description and a fitting widget', () => {
  const d = descriptorsOf({ type: 'object', properties: {
    logLevel: { type: 'string', enum: ['info', 'debug'], description: 'Log level' },
    passiveMode: { type: 'boolean' },
    speakerTolerations: { type: 'array' },
    conditions: { type: 'array' },
    password: { type: 'string' },
  } });
  assert.deepEqual(d.map((x) => [x.path, x['x-descriptors']]), [
    ['logLevel', ['urn:alm:descriptor:com.tectonic.ui:select:info', 'urn:alm:descriptor:com.tectonic.ui:select:debug']],
    ['passiveMode', ['urn:alm:descriptor:com.tectonic.ui:booleanSwitch']],
    ['speakerTolerations', ['urn:alm:descriptor:io.kubernetes:Tolerations']],
    ['conditions', ['urn:alm:descriptor:io.kubernetes.conditions']],
    ['password', ['urn:alm:descriptor:com.tectonic.ui:password']],
  ]);
  assert.equal(d[0]!.description, 'Log level');
  assert.equal(descriptorsOf(undefined).length, 0);
});
