import { test } from 'node:test';
import assert from 'node:assert/strict';
import { establishedSummary } from './peer-summary.js';

test('established summary counts Established entries over all nodes', () => {
  assert.equal(establishedSummary(undefined), '0/0');
  assert.equal(establishedSummary([{ state: 'Established' }, { state: 'Active' }, {}]), '1/3');
  assert.equal(establishedSummary([{ state: 'Established' }, { state: 'Established' }]), '2/2');
});
