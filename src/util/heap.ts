// How far V8 lets the heap grow past what the last full GC kept alive: the GOGC of a Node daemon.
// V8's own factor goes up to 4× when collection is cheap, so a speaker that re-plans 10,000 Services
// per burst (45-80 MB live, most of each plan garbage within a second) grew its old space to
// ≈ 250 MB between full GCs (bench/speaker.bench.ts: RSS 224 MB with V8's factor, 154 MB with 50 %,
// the same CPU time). A lower factor means more frequent full GCs (≈ 10-30 ms each at that size)
// and no hard cap: the limit follows the live size, so a bigger cluster gets more memory instead
// of an out-of-memory crash, as --max-old-space-size would. docs/adr/0011-speaker-memory.md
import v8 from 'node:v8';

/** `percent`: a whole number (the speaker's flag parser checks it). */
export function setHeapGrowthPercent(percent: number): void {
  // V8 reads the flag at every full GC when it computes the next limit, so setting it after start
  // takes effect (NODE_OPTIONS does not accept it). 0 leaves V8's adaptive factor.
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
