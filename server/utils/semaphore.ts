/** At most `size` holders at once; the others wait, first come first served. */
export class Semaphore {
  private free: number
  private readonly waiting: (() => void)[] = []

  constructor(size: number) {
    this.free = size
  }

  tryTake(): boolean {
    if (this.free <= 0) return false
    this.free -= 1
    return true
  }

  take(): Promise<void> {
    if (this.tryTake()) return Promise.resolve()
    return new Promise(resolve => this.waiting.push(resolve))
  }

  give() {
    const next = this.waiting.shift()
    if (next) next()
    else this.free += 1
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
