import type { Creation } from '#shared/types/api'

const MAX_WORDS = 6
const MAX_STEM = 48

/**
 * A file name for downloading a creation: the prompt's first words in letters and digits of any
 * script, joined by dashes, then the id and the stored file's extension (`red-fox-in-snow-32.png`).
 * Nothing a file system refuses survives, and two pictures of one prompt still get two names.
 */
export function downloadName(creation: Pick<Creation, 'id' | 'prompt' | 'imageUrl'>): string {
  const ext = /\.(png|jpe?g|webp)(?:$|\?)/i.exec(creation.imageUrl)?.[1]?.toLowerCase() ?? 'png'
  const words = creation.prompt.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, MAX_WORDS)
  let stem = ''
  for (const word of words) {
    const next = stem ? `${stem}-${word}` : word
    // Code points, not UTF-16 units: a long Chinese phrase is cut between characters, never inside one.
    if ([...next].length > MAX_STEM) {
      if (!stem) stem = [...word].slice(0, MAX_STEM).join('')
      break
    }
    stem = next
  }
  return `${stem || 'nano-banana'}-${creation.id}.${ext}`
}
