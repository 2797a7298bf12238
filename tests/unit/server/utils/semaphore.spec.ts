import { describe, expect, it } from 'vitest'
import { Semaphore } from '../../../../server/utils/semaphore'

function busy(ms: number) {
  const until = performance.now() + ms
  while (performance.now() < until) { /* holding the main thread, as a SQLite statement does */ }
}

/**
 * Three holders queued behind a first, each busy 12 ms; when the event loop turned among them. It starts
 * on a fresh turn of the loop, and the margins around a 20 ms limit are wide (5–7 ms), so a busy machine
 * that pauses this process for a moment does not change the order.
 */
async function order(semaphore: Semaphore) {
  const seen: string[] = []
  await new Promise(resolve => setImmediate(resolve))
  await semaphore.take()
  const holders = ['a', 'b', 'c'].map(name => semaphore.run(async () => {
    busy(12)
    seen.push(name)
  }))
  setImmediate(() => seen.push('loop'))
  busy(1)
  semaphore.give()
  await Promise.all(holders)
  await new Promise(resolve => setImmediate(resolve))
  return seen
}

describe('Semaphore', () => {
  it('lets at most `size` hold at once, the others in the order they came', async () => {
    const semaphore = new Semaphore(2)
    let holding = 0
    let most = 0
    const done: number[] = []
    await Promise.all([1, 2, 3, 4, 5].map(n => semaphore.run(async () => {
      most = Math.max(most, ++holding)
      await new Promise(resolve => setTimeout(resolve, 5))
      holding--
      done.push(n)
    })))
    expect(most).toBe(2)
    expect(done).toEqual([1, 2, 3, 4, 5])
  })

  it('hands over within one run of microtasks by default: the event loop waits for the whole queue', async () => {
    expect(await order(new Semaphore(1))).toEqual(['a', 'b', 'c', 'loop'])
  })

  it('with breatheAfterMs, lets the event loop turn once the queue has held it that long', async () => {
    const seen = await order(new Semaphore(1, 20))
    expect(seen.indexOf('loop')).toBeGreaterThan(0)
    expect(seen.indexOf('loop')).toBeLessThan(3)
    expect(seen.filter(name => name !== 'loop')).toEqual(['a', 'b', 'c'])
  })
})
