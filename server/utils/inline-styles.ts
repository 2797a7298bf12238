const LINK = /<link\b[^>]*>/g

/**
 * Puts each stylesheet link of a rendered page's head whose file is in `styles` (by its URL) inline,
 * as a `<style>` in the link's place, so the cascade stays as it was. The link stays too, disabled:
 * a disabled stylesheet is neither fetched nor applied, and it tells Vite's loader, which looks for
 * a chunk's stylesheets by their links before it runs the chunk, that the file is already there.
 */
export function inlineStylesheets(head: string, styles: ReadonlyMap<string, string>): string {
  return head.replace(LINK, (tag) => {
    if (!/\srel="stylesheet"/.test(tag) || /\sdisabled[\s>=]/.test(tag)) return tag
    const css = styles.get(/\shref="([^"]*)"/.exec(tag)?.[1] ?? '')
    // A stylesheet that could end the element early stays a link.
    if (css === undefined || /<\/style/i.test(css)) return tag
    return `<style>${css}</style>${tag.replace(/\s*\/?>$/, ' disabled>')}`
  })
}
