import { describe, expect, it } from 'vitest'
import { inlineStylesheets } from '../../../../server/utils/inline-styles'

const styles = new Map([
  ['/_nuxt/entry.abc.css', 'body{margin:0}'],
  ['/_nuxt/el-input.def.css', '.el-input{display:inline-flex}'],
])

describe('stylesheets put inline', () => {
  it('become a style in the link\'s place, the link kept disabled with its other attributes', () => {
    const head = '<style>.a{color:red}</style><link rel="stylesheet" href="/_nuxt/entry.abc.css" crossorigin><style>.b{}</style>'
    expect(inlineStylesheets(head, styles)).toBe(
      '<style>.a{color:red}</style><style>body{margin:0}</style><link rel="stylesheet" href="/_nuxt/entry.abc.css" crossorigin disabled><style>.b{}</style>',
    )
  })

  it('each in its own place, in the order of the links', () => {
    const head = '<link rel="stylesheet" href="/_nuxt/el-input.def.css"><meta charset="utf-8"><link rel="stylesheet" href="/_nuxt/entry.abc.css" />'
    expect(inlineStylesheets(head, styles)).toBe(
      '<style>.el-input{display:inline-flex}</style><link rel="stylesheet" href="/_nuxt/el-input.def.css" disabled><meta charset="utf-8"><style>body{margin:0}</style><link rel="stylesheet" href="/_nuxt/entry.abc.css" disabled>',
    )
  })

  it('leave alone what is not a known stylesheet: another file, a preload, a disabled link', () => {
    const head = [
      '<link rel="stylesheet" href="/_nuxt/other.css">',
      '<link rel="preload" as="style" href="/_nuxt/entry.abc.css">',
      '<link rel="modulepreload" href="/_nuxt/entry.js">',
      '<link rel="stylesheet" href="/_nuxt/entry.abc.css" disabled>',
      '<link rel="stylesheet" href="https://elsewhere.example/_nuxt/entry.abc.css">',
    ].join('')
    expect(inlineStylesheets(head, styles)).toBe(head)
  })

  it('keep a stylesheet that would end its style element early as a link', () => {
    const head = '<link rel="stylesheet" href="/_nuxt/odd.css">'
    expect(inlineStylesheets(head, new Map([['/_nuxt/odd.css', '.x::after{content:"</STYLE><script>"}']]))).toBe(head)
  })
})
