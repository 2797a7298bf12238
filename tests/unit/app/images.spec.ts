import { describe, expect, it } from 'vitest'
import { SIZES } from '../../../shared/constants/catalog'
import { checkImageFile, MAX_PICKED_IMAGE_BYTES, nearestSize, ratioOf } from '../../../app/utils/images'

describe('image helpers', () => {
  it('reads an aspect ratio as width over height, and anything unreadable as square', () => {
    expect(ratioOf('16:9')).toBeCloseTo(16 / 9)
    expect(ratioOf('2:3')).toBeCloseTo(2 / 3)
    expect(ratioOf('wide')).toBe(1)
    expect(ratioOf('0:4')).toBe(1)
  })

  it('finds the offered ratio closest in shape to a picture', () => {
    expect(nearestSize(SIZES, 640, 480)).toBe('4:3')
    expect(nearestSize(SIZES, 3000, 2000)).toBe('3:2')
    expect(nearestSize(SIZES, 1080, 1920)).toBe('9:16')
    expect(nearestSize(SIZES, 3000, 1000)).toBe('21:9')
    expect(nearestSize(['1:1', '16:9'], 4, 3)).toBe('1:1')
    expect(nearestSize(['9:16', '16:9'], 1, 1)).toBe('9:16')
    expect(nearestSize([], 4, 3)).toBeUndefined()
  })

  it('refuses a picked file by its declared type, or over 50 MB, before any work is done on it', () => {
    expect(checkImageFile(new File(['x'], 'a.png', { type: 'image/png' }))).toBeNull()
    expect(checkImageFile(new File(['x'], 'a.gif', { type: 'image/gif' }))).toBe('type')
    expect(checkImageFile(new File([new Uint8Array(MAX_PICKED_IMAGE_BYTES)], 'b.webp', { type: 'image/webp' }))).toBeNull()
    expect(checkImageFile(new File([new Uint8Array(MAX_PICKED_IMAGE_BYTES + 1)], 'b.webp', { type: 'image/webp' }))).toBe('size')
  })
})
