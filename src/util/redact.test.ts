import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import winston from 'winston';
import { redactSecrets } from './redact.js';
import { makeLogger } from './log.js';

test('redactSecrets: a password anywhere in a line, as FRR echoes a refused command', () => {
  assert.equal(redactSecrets('% Unknown command: neighbor 10.0.0.1 password s3cret'), '% Unknown command: neighbor 10.0.0.1 password <redacted>');
  assert.equal(redactSecrets('line 3: neighbor eth0 password x!y remote-as 1'), 'line 3: neighbor eth0 password <redacted> remote-as 1');
  assert.equal(redactSecrets(' no neighbor 1.1.1.1 password old\n'), ' no neighbor 1.1.1.1 password <redacted>\n');
});

test('the logger hides secrets in the message, in nested fields and arrays, and under secret keys at any depth', () => {
  let out = '';
  const sink = new Writable({ write: (chunk: Buffer, _e, cb) => { out += chunk.toString(); cb(); } });
  const log = makeLogger('test', 'info', new winston.transports.Stream({ stream: sink }));
  log.warn('vtysh said: % Unknown command: neighbor 10.0.0.1 password top1', {
    event: 'x', error: 'neighbor 10.0.0.1 password top2', lines: ['ok', ' neighbor 10.0.0.1 password top3'],
    peer: { name: 'p', Password: 'top4', spec: { passwordSecret: { name: 'top5' }, auth: { token: 'top6' } } }, err: new Error('neighbor a password top7'),
  });
  for (const s of ['top1', 'top2', 'top3', 'top4', 'top5', 'top6', 'top7']) assert.ok(!out.includes(s), `${s} leaked: ${out}`);
  const line = JSON.parse(out) as Record<string, unknown>;
  assert.equal(line['component'], 'test');
  assert.deepEqual((line['peer'] as { name: string }).name, 'p');
});
