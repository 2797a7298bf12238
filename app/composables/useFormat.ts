/** Dates and credit changes as the reader's language writes them. */
export function useFormat() {
  const { d } = useI18n()

  const dateTime = (iso: string) => d(new Date(iso), 'long')
  const signed = (n: number) => (n > 0 ? `+${n}` : String(n))

  return { dateTime, signed }
}
