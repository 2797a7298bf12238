let ready: Promise<void> = Promise.resolve()

/** Start-up work (migrations, recovery) that requests must wait for. */
export function setStartup(work: Promise<void>) {
  ready = work
}

export function whenReady() {
  return ready
}
