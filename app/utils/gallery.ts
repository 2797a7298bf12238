import { GENERATION_KINDS, type GenerationKind } from '#shared/constants/catalog'
import type { LocationQuery } from 'vue-router'

/** What the gallery is narrowed to; kept in the page's URL (`?q=&model=&kind=&favorite=1`) so a reload or a shared link keeps it. */
export interface GalleryFilters {
  /** Words in the prompt, searched by the server. */
  q: string
  model: string
  kind: GenerationKind | ''
  favorite: boolean
}

export const NO_FILTERS: Readonly<GalleryFilters> = { q: '', model: '', kind: '', favorite: false }

function text(value: LocationQuery[string] | undefined) {
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first.trim() : ''
}

/** The filters a URL's query names; anything unreadable counts as no filter. */
export function filtersFromQuery(query: LocationQuery): GalleryFilters {
  const kind = text(query.kind)
  return {
    q: text(query.q).slice(0, 200),
    model: text(query.model).slice(0, 64),
    kind: GENERATION_KINDS.find(k => k === kind) ?? '',
    favorite: text(query.favorite) === '1',
  }
}

/** The filters as a query for the page's URL and for `GET /api/gallery`: only those in use. */
export function filtersToQuery(filters: GalleryFilters): Record<string, string> {
  const query: Record<string, string> = {}
  if (filters.q.trim()) query.q = filters.q.trim()
  if (filters.model) query.model = filters.model
  if (filters.kind) query.kind = filters.kind
  if (filters.favorite) query.favorite = '1'
  return query
}

export function isFiltered(filters: GalleryFilters) {
  return Object.keys(filtersToQuery(filters)).length > 0
}

export function sameFilters(a: GalleryFilters, b: GalleryFilters) {
  return JSON.stringify(filtersToQuery(a)) === JSON.stringify(filtersToQuery(b))
}
