const LINK = /<link\b[^>]*>/g

/** The URL of a stylesheet link whose file is in `styles`, if it can be put inline. */
function inlinable(tag: string, styles: ReadonlyMap<string, string>): string | undefined {
  if (!/\srel="stylesheet"/.test(tag) || /\sdisabled[\s>=]/.test(tag)) return undefined
  const href = /\shref="([^"]*)"/.exec(tag)?.[1] ?? ''
  const css = styles.get(href)
  // A stylesheet that could end the element early stays a link.
  return css === undefined || /<\/style/i.test(css) ? undefined : href
}

/**
 * Puts the stylesheets a rendered page's head links, those whose files are in `styles` (by URL), inline:
 * each once, as a `<style>`, all of them where the first such link was, in the order of `styles` (the
 * order the browser would apply them in; Nuxt's links put a module's own stylesheet before those of
 * what it imports). The links stay, disabled: a disabled stylesheet is neither fetched nor applied,
 * and it tells Vite's loader, which looks for a chunk's stylesheets by their links before it runs the
 * chunk, that the file is already there.
 */
export function inlineStylesheets(head: readonly string[], styles: ReadonlyMap<string, string>): string[] {
  const linked = new Set(head.flatMap(chunk => [...chunk.matchAll(LINK)].flatMap(([tag]) => inlinable(tag, styles) ?? [])))
  let inline = [...styles].filter(([url]) => linked.has(url)).map(([, css]) => `<style>${css}</style>`).join('')
  return head.map(chunk => chunk.replace(LINK, (tag) => {
    if (inlinable(tag, styles) === undefined) return tag
    const before = inline
    inline = ''
    return `${before}${tag.replace(/\s*\/?>$/, ' disabled>')}`
  }))
}
