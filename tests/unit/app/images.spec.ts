import { describe, expect, it } from 'vitest'
import { SIZES } from '../../../shared/constants/catalog'
import { checkImageFile, downloadName, MAX_PICKED_IMAGE_BYTES, nearestSize, ratioOf } from '../../../app/utils/images'

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

  it('names a download after the prompt\'s first words in safe characters, then the id, keeping the stored file\'s extension', () => {
    expect(downloadName({ id: 32, prompt: 'Red fox in snow', imageUrl: '/images/abc.png' })).toBe('red-fox-in-snow-32.png')
    expect(downloadName({ id: 12, prompt: '  A "cat"/dog: on\\the roof?! <now> at dawn, with mist and rain ', imageUrl: '/images/abc.webp' })).toBe('a-cat-dog-on-the-roof-12.webp')
    expect(downloadName({ id: 3, prompt: '一只戴着草帽的柴犬，夏日午后', imageUrl: '/images/abc.JPEG?v=2' })).toBe('一只戴着草帽的柴犬-夏日午后-3.jpeg')
    expect(downloadName({ id: 4, prompt: 'é'.repeat(60), imageUrl: '/images/abc' })).toBe(`${'é'.repeat(40)}-4.png`)
    expect(downloadName({ id: 5, prompt: '!!! ...', imageUrl: '/images/abc.png' })).toBe('nano-banana-5.png')
  })
})
