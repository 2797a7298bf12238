import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { upstreamSize } from '../../../../server/services/providers/openai'
import { sniffImageType } from '../../../../server/services/uploads'

describe('sniffImageType', () => {
  it('knows PNG, JPEG and WebP by their bytes and nothing else', async () => {
    const base = sharp({ create: { width: 4, height: 4, channels: 3, background: '#123456' } })
    expect(sniffImageType(await base.clone().png().toBuffer())).toBe('image/png')
    expect(sniffImageType(await base.clone().jpeg().toBuffer())).toBe('image/jpeg')
    expect(sniffImageType(await base.clone().webp().toBuffer())).toBe('image/webp')
    expect(sniffImageType(await base.clone().gif().toBuffer())).toBeNull()
    expect(sniffImageType(Buffer.from('<svg/>'))).toBeNull()
    expect(sniffImageType(Buffer.from('RIFF0000WAVE'))).toBeNull()
    expect(sniffImageType(Buffer.alloc(0))).toBeNull()
  })
})

describe('upstreamSize', () => {
  it('writes ratios the way openai-hk takes them for nano-banana', () => {
    expect(upstreamSize('16:9')).toBe('16x9')
    expect(upstreamSize('1:1')).toBe('1x1')
  })
})
