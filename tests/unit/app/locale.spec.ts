import { describe, expect, it } from 'vitest'
import { pickLocale } from '../../../app/utils/locale'

describe('the first language of a page', () => {
  it('is the one the visitor chose, whatever the browser says', () => {
    expect(pickLocale('en', 'zh-CN,zh;q=0.9')).toBe('en')
    expect(pickLocale('zh-CN', 'en-US,en;q=0.9')).toBe('zh-CN')
  })

  it('follows the browser\'s first preference otherwise: any Chinese is zh-CN, any other language English', () => {
    expect(pickLocale(undefined, 'zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN')
    expect(pickLocale(undefined, 'zh-TW')).toBe('zh-CN')
    expect(pickLocale(undefined, 'ZH-hant-HK, en;q=0.5')).toBe('zh-CN')
    expect(pickLocale(undefined, 'zh')).toBe('zh-CN')
    expect(pickLocale(undefined, 'en-US,en;q=0.9,zh-CN;q=0.8')).toBe('en')
    expect(pickLocale(undefined, 'fr-FR')).toBe('en')
    expect(pickLocale(undefined, 'de, zh;q=0.9')).toBe('en')
    // Not a prefix match on letters: "zha" (Zhuang) is not Chinese.
    expect(pickLocale(undefined, 'zha')).toBe('en')
  })

  it('ranks by quality, not by order, and skips what the browser refuses (q=0)', () => {
    expect(pickLocale(undefined, 'en;q=0.5, zh-CN;q=0.8')).toBe('zh-CN')
    expect(pickLocale(undefined, 'zh-CN;q=0, en')).toBe('en')
    expect(pickLocale(undefined, 'fr;q=0.7, zh;q=0.7')).toBe('en')
  })

  it('is Chinese when the browser states no preference, or a cookie names no language of the app', () => {
    expect(pickLocale(undefined, undefined)).toBe('zh-CN')
    expect(pickLocale(null, '')).toBe('zh-CN')
    expect(pickLocale(undefined, '*')).toBe('zh-CN')
    expect(pickLocale('fr', '*')).toBe('zh-CN')
    expect(pickLocale('klingon', 'en-GB')).toBe('en')
  })
})
