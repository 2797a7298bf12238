import { describe, expect, it } from 'vitest'
import { MAX_INPUT_IMAGE_BYTES } from '../../../shared/constants/catalog'
import { checkImageFile, downloadName, ratioOf } from '../../../app/utils/images'

describe('image helpers', () => {
  it('reads an aspect ratio as width over height, and anything unreadable as square', () => {
    expect(ratioOf('16:9')).toBeCloseTo(16 / 9)
    expect(ratioOf('2:3')).toBeCloseTo(2 / 3)
    expect(ratioOf('wide')).toBe(1)
    expect(ratioOf('0:4')).toBe(1)
  })

  it('refuses a file by its declared type or its size before any work is done on it', () => {
    expect(checkImageFile(new File(['x'], 'a.png', { type: 'image/png' }))).toBeNull()
    expect(checkImageFile(new File(['x'], 'a.gif', { type: 'image/gif' }))).toBe('type')
    expect(checkImageFile(new File([new Uint8Array(MAX_INPUT_IMAGE_BYTES)], 'b.webp', { type: 'image/webp' }))).toBeNull()
    expect(checkImageFile(new File([new Uint8Array(MAX_INPUT_IMAGE_BYTES + 1)], 'b.webp', { type: 'image/webp' }))).toBe('size')
  })

  it('names a download after the creation, keeping the stored file\'s extension', () => {
    expect(downloadName({ id: 12, imageUrl: '/images/abc.webp' })).toBe('nano-banana-12.webp')
    expect(downloadName({ id: 3, imageUrl: '/images/abc.JPEG?v=2' })).toBe('nano-banana-3.jpeg')
    expect(downloadName({ id: 4, imageUrl: '/images/abc' })).toBe('nano-banana-4.png')
  })
})
