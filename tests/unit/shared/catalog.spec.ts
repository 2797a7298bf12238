import { describe, expect, it } from 'vitest'
import { dimensionsFor, SEED_MODELS, SIZES } from '../../../shared/constants/catalog'
import { GenerationFieldsSchema } from '../../../shared/schemas/generation'

describe('catalogue', () => {
  it('gives each ratio its shape with the long side fixed', () => {
    expect(dimensionsFor('1:1')).toEqual({ width: 1024, height: 1024 })
    expect(dimensionsFor('16:9')).toEqual({ width: 1024, height: 576 })
    expect(dimensionsFor('9:16')).toEqual({ width: 576, height: 1024 })
    expect(dimensionsFor('2:3', 512)).toEqual({ width: 341, height: 512 })
    for (const size of SIZES) {
      const { width, height } = dimensionsFor(size)
      expect(Math.max(width, height)).toBe(1024)
    }
  })

  it('knows the ten ratios Google documents', () => {
    expect(SIZES).toEqual(['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'])
    expect(dimensionsFor('21:9')).toEqual({ width: 1024, height: 439 })
  })

  it('seeds nano-banana (1 credit) and HD (2) enabled, 2 (3) and Pro (5) disabled until an admin enables them', () => {
    expect(SEED_MODELS.map(m => [m.id, m.cost, m.enabled])).toEqual([
      ['nano-banana', 1, true],
      ['nano-banana-hd', 2, true],
      ['nano-banana-2', 3, false],
      ['nano-banana-pro', 5, false],
    ])
  })

  it('reads a generation request: one picture by default, up to four, from JSON or form text', () => {
    expect(GenerationFieldsSchema.parse({ prompt: ' hi ' })).toEqual({ prompt: 'hi', n: 1 })
    expect(GenerationFieldsSchema.parse({ prompt: 'x', n: 4 }).n).toBe(4)
    expect(GenerationFieldsSchema.parse({ prompt: 'x', n: '3' }).n).toBe(3)
    for (const n of [0, 5, 1.5, '', 'two', null]) expect(GenerationFieldsSchema.safeParse({ prompt: 'x', n }).success, String(n)).toBe(false)
  })
})
