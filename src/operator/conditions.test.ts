import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeConditions, sameConditions } from './conditions.js';
import { singletonProblem } from './singleton.js';

const NOW = '2026-01-01T00:00:00Z';
const LATER = '2026-01-01T00:05:00Z';
const byType = (cs: { type: string; status: string; reason: string; message: string }[], t: string) => cs.find((c) => c.type === t)!;

test('all available', () => {
  const cs = computeConditions(
    {
      generation: 2,
      applyErrors: [],
      deployment: { generation: 1, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 } },
      daemonSet: { generation: 1, status: { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 } },
    },
    undefined,
    NOW,
  );
  assert.equal(byType(cs, 'Available').status, 'True');
  assert.equal(byType(cs, 'Available').message, 'controller 1/1 available; speakers 3/3 available');
  assert.equal(byType(cs, 'Progressing').status, 'False');
  assert.equal(byType(cs, 'Degraded').status, 'False');
  assert.equal(byType(cs, 'Upgradeable').status, 'True');
  assert.ok(cs.every((c) => c.observedGeneration === 2));
});

test('no node matches the selector: Available=False says why', () => {
  const cs = computeConditions(
    { generation: 1, applyErrors: [], daemonSet: { generation: 1, status: { observedGeneration: 1, desiredNumberScheduled: 0 } } },
    undefined,
    NOW,
  );
  assert.equal(byType(cs, 'Available').reason, 'NoSpeakerNodes');
  assert.match(byType(cs, 'Available').message, /spec.nodeSelector/);
});

test('apply errors make it Degraded with the error text', () => {
  const cs = computeConditions({ generation: 1, applyErrors: ['apply DaemonSet x/speaker: forbidden'] }, undefined, NOW);
  assert.equal(byType(cs, 'Degraded').status, 'True');
  assert.match(byType(cs, 'Degraded').message, /forbidden/);
});

test('lastTransitionTime only moves when the status flips; sameConditions ignores times', () => {
  const a = computeConditions({ generation: 1, applyErrors: [] }, undefined, NOW);
  const b = computeConditions({ generation: 1, applyErrors: [] }, a, LATER);
  assert.ok(b.every((c) => c.lastTransitionTime === NOW));
  assert.ok(sameConditions(a, b));
  const c = computeConditions({ generation: 1, applyErrors: ['x'] }, b, LATER);
  assert.equal(byType(c as never, 'Degraded').status, 'True');
  assert.equal(c.find((x) => x.type === 'Degraded')!.lastTransitionTime, LATER);
  assert.ok(!sameConditions(b, c));
});

test('singleton: wrong name and wrong namespace say exactly what to change', () => {
  assert.equal(singletonProblem('metallb', 'metallb-system', 'metallb-system'), undefined);
  assert.match(singletonProblem('my-metallb', 'metallb-system', 'metallb-system')!, /rename it from "my-metallb" to "metallb"/);
  assert.match(singletonProblem('metallb', 'default', 'metallb-system')!, /create it in namespace "metallb-system" instead of "default"/);
});
