import { describe, expect, it } from 'vitest'
import { dimensionsFor, MODELS, SIZES } from '../../../shared/constants/catalog'
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

  it('has the standard model as the default at 1 credit and HD at 2', () => {
    expect(MODELS.map(m => [m.id, m.cost])).toEqual([['nano-banana', 1], ['nano-banana-hd', 2]])
    expect(GenerationFieldsSchema.parse({ prompt: ' hi ' })).toEqual({ prompt: 'hi', model: 'nano-banana', size: '1:1' })
  })
})
