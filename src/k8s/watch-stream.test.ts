import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter } from './watch-stream.js';

const feed = (chunks: (string | Buffer)[]): string[] => {
  const s = new LineSplitter();
  return [...chunks.flatMap((c) => s.push(c)), ...s.end()];
};

test('whole lines in one chunk come out one by one; blank lines are dropped', () => {
  assert.deepEqual(feed(['{"a":1}\n{"b":2}\n\n{"c":3}\n']), ['{"a":1}', '{"b":2}', '{"c":3}']);
});

test('a line split over chunks is joined; a line ending at a chunk boundary is complete', () => {
  assert.deepEqual(feed(['{"a"', ':1', '}\n{"b":2}', '\n', '{"c"', ':3}\n']), ['{"a":1}', '{"b":2}', '{"c":3}']);
});

test('a last line without a newline is delivered at the end, and nothing else is', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('{"a":1}\n{"b":'), ['{"a":1}']);
  assert.deepEqual(s.push('2}'), []);
  assert.deepEqual(s.end(), ['{"b":2}']);
  assert.deepEqual(s.end(), []);
});

test('a multi-byte UTF-8 character split between chunks is decoded whole', () => {
  const bytes = Buffer.from('{"name":"café-ü"}\n{"x":"✓"}\n', 'utf8');
  // every split point, including the ones inside é, ü and ✓
  for (let i = 1; i < bytes.length; i++) {
    assert.deepEqual(feed([bytes.subarray(0, i), bytes.subarray(i)]), ['{"name":"café-ü"}', '{"x":"✓"}'], `split at byte ${i}`);
  }
  // and one byte at a time
  assert.deepEqual(feed([...bytes].map((b) => Buffer.from([b]))), ['{"name":"café-ü"}', '{"x":"✓"}']);
});

test('CRLF line ends are tolerated', () => {
  assert.deepEqual(feed(['{"a":1}\r\n{"b":2}\r\n']), ['{"a":1}', '{"b":2}']);
});
