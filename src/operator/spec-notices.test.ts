import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specNotes, specProblem } from './spec-notices.js';
import { computeConditions } from './conditions.js';

test('another BGP backend and frrk8sConfig are named; frr and an empty spec are fine', () => {
  assert.equal(specProblem({}), undefined);
  assert.equal(specProblem({ bgpBackend: 'frr' }), undefined);
  assert.deepEqual(specProblem({ bgpBackend: 'frr-k8s' })?.reason, 'UnsupportedBGPBackend');
  const both = specProblem({ bgpBackend: 'frr-k8s-external', frrk8sConfig: { namespace: 'frr-k8s-system' } });
  assert.equal(both?.reason, 'UnsupportedBGPBackend');
  assert.match(both?.message ?? '', /bgpBackend "frr-k8s-external" is not supported.*; frrk8sConfig has no effect/);
  assert.equal(specProblem({ frrk8sConfig: {} })?.reason, 'UnsupportedField');
  assert.deepEqual(specNotes({ image: 'x' }).length, 1);
  assert.deepEqual(specNotes({}), []);
});

test('the problem is Degraded=True; apply errors still come first', () => {
  const base = { generation: 1, applyErrors: [] as string[], specProblem: { reason: 'UnsupportedField', message: 'm' } };
  const d = computeConditions(base, undefined, 't').find((c) => c.type === 'Degraded');
  assert.deepEqual([d?.status, d?.reason, d?.message], ['True', 'UnsupportedField', 'm']);
  const e = computeConditions({ ...base, applyErrors: ['boom'] }, undefined, 't').find((c) => c.type === 'Degraded');
  assert.equal(e?.reason, 'ApplyFailed');
});
