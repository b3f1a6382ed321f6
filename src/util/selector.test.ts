import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSelector, matchesAny, matchesSelector } from './selector.js';
import type { LabelSelector } from './selector.js';

const labels = { app: 'web', tier: 'front', empty: '' };

test('matchesSelector: matchLabels and every operator, Kubernetes semantics', () => {
  const cases: [string, LabelSelector, boolean][] = [
    ['empty selector', {}, true],
    ['matchLabels hit', { matchLabels: { app: 'web' } }, true],
    ['matchLabels all must hold', { matchLabels: { app: 'web', tier: 'back' } }, false],
    ['matchLabels on a missing key', { matchLabels: { zone: 'a' } }, false],
    ['matchLabels empty value', { matchLabels: { empty: '' } }, true],
    ['matchLabels empty value vs absent key', { matchLabels: { absent: '' } }, false],
    ['In hit', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
    ['In miss', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] }, false],
    ['In on a missing key', { matchExpressions: [{ key: 'zone', operator: 'In', values: [''] }] }, false],
    ['NotIn hit', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['back'] }] }, true],
    ['NotIn miss', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
    ['NotIn holds for a missing key', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['Exists miss', { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
    ['DoesNotExist', { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
    ['DoesNotExist miss', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    ['labels and expressions together', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }, { key: 'zone', operator: 'DoesNotExist' }] }, true],
    ['unknown operator fails closed', { matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] }, false],
    ['inherited properties are not labels', { matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, false],
  ];
  for (const [name, sel, want] of cases) assert.equal(matchesSelector(sel, labels), want, name);
});

test('matchesAny: no selectors match everything, else any one', () => {
  assert.ok(matchesAny(undefined, {}));
  assert.ok(matchesAny([], {}));
  assert.ok(matchesAny([{ matchLabels: { app: 'db' } }, { matchLabels: { app: 'web' } }], labels));
  assert.ok(!matchesAny([{ matchLabels: { app: 'db' } }], labels));
});

test('formatSelector prints kubectl syntax', () => {
  assert.equal(formatSelector({}), '<everything>');
  assert.equal(
    formatSelector({ matchLabels: { tier: 'front', app: 'web' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['b', 'a'] }, { key: 'x', operator: 'NotIn', values: ['1'] }, { key: 'y', operator: 'Exists' }, { key: 'z', operator: 'DoesNotExist' }] }),
    'app=web,tier=front,zone in (a,b),x notin (1),y,!z',
  );
});
