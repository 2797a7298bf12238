// When the event loop last turned, as far as any caller of `busyFor` can tell.
let turnedAt = 0
let watching = false

/**
 * How long the current run of work has gone without the event loop turning (ms): from the first call
 * since the loop last turned. Work chained through promises that need no I/O — SQLite's transactions
 * one after another — runs in a single run of microtasks, and no request is answered meanwhile.
 */
function busyFor(): number {
  const now = performance.now()
  if (!watching) {
    watching = true
    turnedAt = now
    setImmediate(() => (watching = false))
  }
  return now - turnedAt
}

/** At most `size` holders at once; the others wait, first come first served. */
export class Semaphore {
  private free: number
  private readonly waiting: (() => void)[] = []

  /**
   * `breatheAfterMs`: a place taken or handed over once the current run of work has lasted this long
   * is given on the event loop's next turn instead, so that requests in between are answered.
   */
  constructor(size: number, private readonly breatheAfterMs?: number) {
    this.free = size
  }

  private get mustBreathe() {
    return this.breatheAfterMs !== undefined && busyFor() >= this.breatheAfterMs
  }

  tryTake(): boolean {
    if (this.free <= 0) return false
    this.free -= 1
    return true
  }

  take(): Promise<void> {
    if (!this.tryTake()) return new Promise(resolve => this.waiting.push(resolve))
    return this.mustBreathe ? new Promise(resolve => setImmediate(resolve)) : Promise.resolve()
  }

  give() {
    const next = this.waiting.shift()
    if (!next) this.free += 1
    else if (this.mustBreathe) setImmediate(next)
    else next()
  }

  /** `work` while holding a place. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.take()
    try {
      return await work()
    }
    finally {
      this.give()
    }
  }
}
