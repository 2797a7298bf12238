import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { dimensionsFor } from '#shared/constants/catalog'
import sharp from 'sharp'
import type { ImageProvider, UpstreamRequest, UpstreamResult } from '#server/services/providers/types'

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, c => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '\'': '&apos;', '"': '&quot;' })[c]!)

function shortPrompt(prompt: string) {
  const chars = Array.from(prompt.replace(/\s+/g, ' '))
  return chars.length > 36 ? `${chars.slice(0, 35).join('')}…` : chars.join('')
}

/** A banner that says plainly this is a placeholder, with the prompt it stands for. */
function label(width: number, height: number, prompt: string, kind: string) {
  const size = Math.round(Math.min(width, height) / 22)
  return `
    <rect x="0" y="${height - size * 3.4}" width="${width}" height="${size * 3.4}" fill="#000" fill-opacity="0.45"/>
    <text x="${size}" y="${height - size * 1.9}" font-family="sans-serif" font-size="${size}" font-weight="700" fill="#ffd84d">DEMO · ${kind}</text>
    <text x="${size}" y="${height - size * 0.7}" font-family="sans-serif" font-size="${Math.round(size * 0.8)}" fill="#fff">${escapeXml(shortPrompt(prompt))}</text>`
}

/** Deterministic abstract art from the prompt's hash: same prompt, same picture. */
function artwork(width: number, height: number, seed: Buffer) {
  const hue = (i: number) => Math.round((seed[i]! / 255) * 360)
  const shapes: string[] = []
  for (let i = 0; i < 7; i++) {
    const b = seed.subarray(4 + i * 4, 8 + i * 4)
    const cx = Math.round((b[0]! / 255) * width)
    const cy = Math.round((b[1]! / 255) * height)
    const r = Math.round(((b[2]! / 255) * 0.25 + 0.08) * Math.min(width, height))
    shapes.push(i % 2
      ? `<circle cx="${cx}" cy="${cy}" r="${r}" fill="hsl(${hue(4 + i)}, 75%, 60%)" fill-opacity="0.55"/>`
      : `<rect x="${cx - r}" y="${cy - r}" width="${r * 2}" height="${r * 2}" rx="${r / 4}" transform="rotate(${b[3]} ${cx} ${cy})" fill="hsl(${hue(5 + i)}, 70%, 55%)" fill-opacity="0.45"/>`)
  }
  return `
    <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${hue(0)}, 70%, 45%)"/><stop offset="1" stop-color="hsl(${hue(1)}, 70%, 25%)"/>
    </linearGradient></defs>
    <rect width="${width}" height="${height}" fill="url(#bg)"/>
    ${shapes.join('\n')}`
}

/**
 * The built-in provider for running without a key: no network, a real image drawn locally in the
 * requested aspect ratio, in about a second so the progress UI is exercised.
 */
export function createDemoProvider(delayMs = 1000): ImageProvider {
  return {
    name: 'demo',
    async generate(request: UpstreamRequest): Promise<UpstreamResult> {
      const started = Date.now()
      const { width, height } = dimensionsFor(request.size, 1024)
      const seed = createHash('sha256').update(`${request.upstreamModel}\n${request.prompt}`).digest()
      let image: Buffer
      if (request.images?.length) {
        // Image-to-image: the first input, reframed to the ratio, recoloured by the prompt, labelled.
        const overlay = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
          <rect x="6" y="6" width="${width - 12}" height="${height - 12}" fill="none" stroke="#ffd84d" stroke-width="12"/>
          ${label(width, height, request.prompt, 'image-to-image')}</svg>`)
        image = await sharp(request.images[0]!.data)
          .rotate()
          .resize(width, height, { fit: 'cover' })
          .modulate({ hue: Math.round((seed[0]! / 255) * 300) + 30, saturation: 1.3 })
          .composite([{ input: overlay }])
          .png()
          .toBuffer()
      }
      else {
        const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
          ${artwork(width, height, seed)}${label(width, height, request.prompt, 'text-to-image')}</svg>`
        image = await sharp(Buffer.from(svg)).png().toBuffer()
      }
      const left = delayMs - (Date.now() - started)
      if (left > 0) await sleep(left)
      return { image, mode: request.mode }
    },
  }
}
