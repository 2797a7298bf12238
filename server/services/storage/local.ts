import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ImageStore } from '#server/services/storage/types'

/** Files in one folder (the data folder's images/). */
export function createLocalImageStore(dir: string): ImageStore {
  let ready: Promise<unknown> | undefined
  return {
    async put(name, data) {
      // Once: the folder is there from then on (start-up makes it too).
      ready ??= mkdir(dir, { recursive: true })
      await ready
      // Written under a temporary name and renamed, so a crash never leaves half a file under the real name.
      const temp = join(dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`)
      await writeFile(temp, data)
      await rename(temp, join(dir, name))
    },
    async remove(name) {
      await rm(join(dir, name), { force: true })
    },
    async open(name) {
      try {
        const info = await stat(join(dir, name))
        if (!info.isFile()) return null
        return { stream: createReadStream(join(dir, name)), size: info.size }
      }
      catch {
        return null
      }
    },
    async exists(name) {
      return stat(join(dir, name)).then(info => info.isFile(), () => false)
    },
    async list({ modifiedBefore } = {}) {
      let names: string[]
      try {
        names = await readdir(dir)
      }
      catch {
        return []
      }
      if (!modifiedBefore) return names
      const old = await Promise.all(names.map(name => stat(join(dir, name)).then(info => info.mtime < modifiedBefore, () => false)))
      return names.filter((_, index) => old[index])
    },
    async sizes() {
      const names = await readdir(dir).catch(() => [] as string[])
      const infos = await Promise.all(names.map(name => stat(join(dir, name)).catch(() => undefined)))
      return new Map(names.flatMap((name, index) => infos[index]?.isFile() ? [[name, infos[index].size] as const] : []))
    },
  }
}
