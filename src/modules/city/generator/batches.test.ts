import { describe, expect, it } from 'vitest';
import { BatchQueue, type Row } from './batches.ts';

const rows = (from: number, n: number): Row[] => Array.from({ length: n }, (_, i) => [from + i]);

async function drain(q: BatchQueue): Promise<Row[][]> {
  const out: Row[][] = [];
  for await (const batch of q) out.push(batch);
  return out;
}

describe('BatchQueue', () => {
  it('delivers every row in order, in batches of the batch size', async () => {
    const q = new BatchQueue(4);
    const consumed = drain(q);
    await q.push(rows(0, 6));
    await q.push(rows(6, 5));
    await q.close();
    const batches = await consumed;
    expect(batches.map((b) => b.length)).toEqual([4, 4, 3]);
    expect(batches.flat().map((r) => r[0])).toEqual(rows(0, 11).map((r) => r[0]));
  });

  it('makes the producer wait while the queue is full', async () => {
    const q = new BatchQueue(1, 2);
    let pushed = 0;
    const producing = (async () => {
      for (let i = 0; i < 10; i++) {
        await q.push(rows(i, 1));
        pushed++;
      }
      await q.close();
    })();
    await new Promise((r) => setTimeout(r, 20));
    // Two batches queued, the third push waits for the consumer.
    expect(pushed).toBe(2);
    const batches = await drain(q);
    await producing;
    expect(batches).toHaveLength(10);
  });

  it('fails both sides when told to', async () => {
    const q = new BatchQueue(1, 1);
    const consumer = drain(q);
    await q.push(rows(0, 1));
    const blocked = q.push(rows(1, 2));
    q.fail(new Error('COPY failed'));
    await expect(blocked).rejects.toThrow('COPY failed');
    await expect(consumer).rejects.toThrow('COPY failed');
  });
});
