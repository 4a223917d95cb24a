import assert from "node:assert/strict";
import {
  isSnowflake,
  parseSnowflake,
  SNOWFLAKE_EPOCH_MS,
  SnowflakeGenerator,
} from "./snowflake.ts";

Deno.test("SnowflakeGenerator - ids carry time, worker and sequence", () => {
  const at = SNOWFLAKE_EPOCH_MS + 123_456;
  const ids = new SnowflakeGenerator(7, () => at);
  const first = parseSnowflake(ids.next());
  const second = parseSnowflake(ids.next());
  assert.deepEqual(first, { ms: at, workerId: 7, sequence: 0 });
  assert.deepEqual(second, { ms: at, workerId: 7, sequence: 1 });
});

Deno.test("SnowflakeGenerator - a clock stepping backwards never repeats or reorders ids", () => {
  let clock = SNOWFLAKE_EPOCH_MS + 10_000;
  const ids = new SnowflakeGenerator(1, () => clock);
  const issued: bigint[] = [];
  for (let i = 0; i < 3000; i++) {
    if (i === 1000) clock -= 5_000; // NTP step back
    if (i === 2000) clock += 1;
    issued.push(BigInt(ids.next()));
  }
  assert.equal(new Set(issued).size, issued.length);
  for (let i = 1; i < issued.length; i++) assert.ok(issued[i] > issued[i - 1]);
});

Deno.test("SnowflakeGenerator - more than 4096 ids in one millisecond borrow the next millisecond", () => {
  const ids = new SnowflakeGenerator(3, () => SNOWFLAKE_EPOCH_MS + 1);
  const issued = Array.from({ length: 10_000 }, () => ids.next());
  assert.equal(new Set(issued).size, 10_000);
  assert.equal(parseSnowflake(issued.at(-1)!).ms, SNOWFLAKE_EPOCH_MS + 3);
});

Deno.test("SnowflakeGenerator - two workers at the same instant never collide", () => {
  const a = new SnowflakeGenerator(1, () => SNOWFLAKE_EPOCH_MS);
  const b = new SnowflakeGenerator(2, () => SNOWFLAKE_EPOCH_MS);
  const all = new Set([...Array(100)].flatMap(() => [a.next(), b.next()]));
  assert.equal(all.size, 200);
});

Deno.test("SnowflakeGenerator - refuses worker ids outside 10 bits", () => {
  assert.throws(() => new SnowflakeGenerator(1024), RangeError);
  assert.throws(() => new SnowflakeGenerator(-1), RangeError);
});

Deno.test("isSnowflake - accepts canonical decimal ids only", () => {
  assert.ok(isSnowflake("123456789012345678"));
  assert.ok(!isSnowflake("0123"));
  assert.ok(!isSnowflake("-5"));
  assert.ok(!isSnowflake("1e5"));
  assert.ok(!isSnowflake("9223372036854775808"));
  assert.ok(!isSnowflake("abc"));
});
