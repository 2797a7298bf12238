import type { Ref } from 'vue'

// While dragging, browsers name only the kind ('Files'); the files themselves come with the drop.
const carriesFiles = ({ dataTransfer }: DragEvent) => !!dataTransfer && (dataTransfer.types.includes('Files') || dataTransfer.files.length > 0)

/**
 * The page's drop handling: image files dropped anywhere inside `area` go to `take`; a drop anywhere
 * else on the page is caught, so the browser never opens the file in place of the app. `dragging`
 * says while files are being dragged over the area.
 */
export function useImageDrop(area: Ref<HTMLElement | null | undefined>, take: (files: File[]) => void) {
  const dragging = ref(false)
  const inArea = (event: Event) => event.target instanceof Node && (area.value?.contains(event.target) ?? false)

  function onDragOver(event: DragEvent) {
    if (!carriesFiles(event)) return
    event.preventDefault()
    const inside = inArea(event)
    if (event.dataTransfer) event.dataTransfer.dropEffect = inside ? 'copy' : 'none'
    dragging.value = inside
  }
  function onDragLeave(event: DragEvent) {
    // Leaving the window, or a drag cancelled: relatedTarget is null.
    if (!event.relatedTarget) dragging.value = false
  }
  function onDrop(event: DragEvent) {
    if (!carriesFiles(event)) return
    event.preventDefault()
    dragging.value = false
    const files = [...(event.dataTransfer?.files ?? [])]
    if (inArea(event) && files.length) take(files)
  }

  onMounted(() => {
    window.addEventListener('dragover', onDragOver)
    window.addEventListener('dragleave', onDragLeave)
    window.addEventListener('drop', onDrop)
  })
  onBeforeUnmount(() => {
    window.removeEventListener('dragover', onDragOver)
    window.removeEventListener('dragleave', onDragLeave)
    window.removeEventListener('drop', onDrop)
  })

  return { dragging }
}
