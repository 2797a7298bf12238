import { describe, expect, it } from 'vitest'
import { downloadName } from '../../../app/utils/download'

const png = '/images/abcdefghijklmnopqrstu.png'

describe('download names', () => {
  it('start with the prompt\'s first words, lower case, joined by dashes, then the id', () => {
    expect(downloadName({ id: 32, prompt: 'Red fox in snow', imageUrl: png })).toBe('red-fox-in-snow-32.png')
    expect(downloadName({ id: 7, prompt: 'A cat astronaut floating above a banana planet, storybook style', imageUrl: png }))
      .toBe('a-cat-astronaut-floating-above-a-7.png')
  })

  it('keep letters of any script and drop everything a file system could refuse', () => {
    expect(downloadName({ id: 5, prompt: '秋天的银杏大道，航拍视角', imageUrl: png })).toBe('秋天的银杏大道-航拍视角-5.png')
    expect(downloadName({ id: 6, prompt: '  "what?" <b>bold</b> a/b\\c: *star* | pipe.  ', imageUrl: png })).toBe('what-b-bold-b-a-b-6.png')
    expect(downloadName({ id: 8, prompt: 'Ｆｕｌｌｗｉｄｔｈ Café', imageUrl: png })).toBe('fullwidth-café-8.png')
  })

  it('stay short however long the prompt, cutting between characters', () => {
    const long = downloadName({ id: 9, prompt: '一'.repeat(300), imageUrl: png })
    expect(long).toBe(`${'一'.repeat(48)}-9.png`)
    const words = downloadName({ id: 10, prompt: `${'x'.repeat(40)} ${'y'.repeat(20)}`, imageUrl: png })
    expect(words).toBe(`${'x'.repeat(40)}-10.png`)
  })

  it('fall back to the app\'s name when the prompt has no letters, and keep the stored extension', () => {
    expect(downloadName({ id: 11, prompt: '!!! ???', imageUrl: png })).toBe('nano-banana-11.png')
    expect(downloadName({ id: 12, prompt: 'sea', imageUrl: '/images/abc.webp' })).toBe('sea-12.webp')
    expect(downloadName({ id: 3, prompt: 'sea', imageUrl: '/images/abc.JPEG?v=2' })).toBe('sea-3.jpeg')
    expect(downloadName({ id: 4, prompt: 'sea', imageUrl: '/images/abc' })).toBe('sea-4.png')
  })
})
