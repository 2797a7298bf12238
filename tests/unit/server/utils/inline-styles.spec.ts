import { describe, expect, it } from 'vitest'
import { inlineStylesheets } from '../../../../server/utils/inline-styles'

// In the order the browser applies them: the entry's, then Element Plus's input, then a page's own.
const styles = new Map([
  ['/_nuxt/entry.abc.css', 'body{margin:0}'],
  ['/_nuxt/el-input.def.css', '.el-input{display:inline-flex}'],
  ['/_nuxt/page.ghi.css', '.page .el-input{display:flex}'],
])

describe('stylesheets put inline', () => {
  it('become a style where the link was, the link kept disabled with its other attributes', () => {
    const head = ['<meta charset="utf-8"><link rel="stylesheet" href="/_nuxt/entry.abc.css" crossorigin><script src="/x.js"></script>']
    expect(inlineStylesheets(head, styles)).toEqual([
      '<meta charset="utf-8"><style>body{margin:0}</style><link rel="stylesheet" href="/_nuxt/entry.abc.css" crossorigin disabled><script src="/x.js"></script>',
    ])
  })

  it('all of them where the first link was, in the order the browser applies them, whatever the links\' order', () => {
    // Nuxt links a page's own stylesheet before those of what it imports.
    const head = [
      '<link rel="stylesheet" href="/_nuxt/entry.abc.css"><link rel="stylesheet" href="/_nuxt/page.ghi.css" />',
      '<meta name="a"><link rel="stylesheet" href="/_nuxt/el-input.def.css">',
    ]
    expect(inlineStylesheets(head, styles)).toEqual([
      '<style>body{margin:0}</style><style>.el-input{display:inline-flex}</style><style>.page .el-input{display:flex}</style>'
      + '<link rel="stylesheet" href="/_nuxt/entry.abc.css" disabled><link rel="stylesheet" href="/_nuxt/page.ghi.css" disabled>',
      '<meta name="a"><link rel="stylesheet" href="/_nuxt/el-input.def.css" disabled>',
    ])
  })

  it('each once, however often it is linked, and only those linked', () => {
    const head = ['<link rel="stylesheet" href="/_nuxt/page.ghi.css"><link rel="stylesheet" href="/_nuxt/page.ghi.css">']
    expect(inlineStylesheets(head, styles)).toEqual([
      '<style>.page .el-input{display:flex}</style><link rel="stylesheet" href="/_nuxt/page.ghi.css" disabled><link rel="stylesheet" href="/_nuxt/page.ghi.css" disabled>',
    ])
  })

  it('leave alone what is not a known stylesheet: another file, a preload, a disabled link', () => {
    const head = [
      '<link rel="stylesheet" href="/_nuxt/other.css">',
      '<link rel="preload" as="style" href="/_nuxt/entry.abc.css">',
      '<link rel="modulepreload" href="/_nuxt/entry.js">',
      '<link rel="stylesheet" href="/_nuxt/entry.abc.css" disabled>',
      '<link rel="stylesheet" href="https://elsewhere.example/_nuxt/entry.abc.css">',
    ]
    expect(inlineStylesheets(head, styles)).toEqual(head)
  })

  it('keep a stylesheet that would end its style element early as a link', () => {
    const head = ['<link rel="stylesheet" href="/_nuxt/odd.css">']
    expect(inlineStylesheets(head, new Map([['/_nuxt/odd.css', '.x::after{content:"</STYLE><script>"}']]))).toEqual(head)
  })
})
