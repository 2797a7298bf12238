/**
 * The page's one paste listener: image files pasted anywhere go to `take`, which answers whether it
 * used them (then the browser does nothing more with the paste); pasted text is left alone.
 */
export function usePastedImages(take: (files: File[]) => boolean) {
  function onPaste(event: ClipboardEvent) {
    const files = [...(event.clipboardData?.files ?? [])].filter(f => f.type.startsWith('image/'))
    if (files.length && take(files)) event.preventDefault()
  }
  onMounted(() => document.addEventListener('paste', onPaste))
  onBeforeUnmount(() => document.removeEventListener('paste', onPaste))
}
