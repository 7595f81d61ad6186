// The picker's time: ranges (src/extension/searchQuery.ts): each form of bound, the span a bound written to the
// minute or second covers, a capture across midnight, and the queries it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inRange, parseSearchQuery } from '../../../src/extension/searchQuery';

const start = Date.UTC(2026, 10, 25, 23, 59, 50) / 1000 + 0.25; // 23:59:50.250 UTC

test('time: bounds: offsets, times of day, UTC date-times, open ends', () => {
  assert.deepEqual(parseSearchQuery('time:+3..+10', start).range, { from: start + 3, to: start + 10 });
  assert.deepEqual(parseSearchQuery('time:+3-+10.5', start).range, { from: start + 3, to: start + 10.5 });
  const day = Date.UTC(2026, 10, 25) / 1000;
  // To the second: the whole second; to the minute: the whole minute.
  const second = parseSearchQuery('time:23:59:55', start).range!;
  assert.equal(second.from, day + 86_395);
  assert.ok(Math.abs(second.to - (day + 86_396)) < 1e-6);
  const minute = parseSearchQuery('time:23:59..', start).range!;
  assert.equal(minute.from, day + 86_340);
  assert.equal(minute.to, Infinity);
  assert.deepEqual(parseSearchQuery('time:..23:59:55.5', start).range, { from: -Infinity, to: day + 86_395.5 });
  // After midnight: a time of day earlier than the trace start is the next day's.
  assert.equal(parseSearchQuery('time:00:00:05..', start).range!.from, day + 86_400 + 5);
  assert.equal(parseSearchQuery('time:2026-11-26T00:00:05Z..', start).range!.from, day + 86_400 + 5);
  assert.equal(parseSearchQuery('time:2026-11-25T23:59Z', start).range!.from, day + 86_340);
});

test('words stay words; one range; what it cannot read it says', () => {
  const q = parseSearchQuery('INVITE  time:+1..+2 Bob@Example', start);
  assert.deepEqual(q.words, ['invite', 'bob@example']);
  assert.equal(q.problem, null);
  assert.match(parseSearchQuery('time:+1..+2 time:+3..', start).problem!, /one time: range/);
  for (const bad of ['time:', 'time:25:00', 'time:12:61', 'time:yesterday', 'time:+1..+2..+3', 'time:2026-13-01T00:00Z']) {
    assert.notEqual(parseSearchQuery(bad, start).problem, null, bad);
  }
  // Offsets and times of day need the trace's times; a text trace without timestamps has none.
  assert.notEqual(parseSearchQuery('time:+1..', null).problem, null);
});

test('inRange: overlap of the entry\'s first and last message with the range', () => {
  const q = parseSearchQuery('time:+10..+20', start);
  assert.equal(inRange(q, start + 5, start + 10), true);
  assert.equal(inRange(q, start + 20, start + 30), true);
  assert.equal(inRange(q, start + 21, start + 30), false);
  assert.equal(inRange(q, start + 1, start + 9.99), false);
  assert.equal(inRange(q, null, null), false);
  assert.equal(inRange(parseSearchQuery('x', start), null, null), true);
});
