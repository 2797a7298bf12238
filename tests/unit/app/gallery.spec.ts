import { describe, expect, it } from 'vitest'
import { filtersFromQuery, filtersToQuery, isFiltered, NO_FILTERS, sameFilters } from '../../../app/utils/gallery'

describe('gallery filters in the URL', () => {
  it('read what the query names, trimmed, and ignore what is not a filter the gallery has', () => {
    expect(filtersFromQuery({ q: '  red fox ', model: 'nano-banana', kind: 'image-to-image', favorite: '1', page: '3' }))
      .toEqual({ q: 'red fox', model: 'nano-banana', kind: 'image-to-image', favorite: true })
    expect(filtersFromQuery({ kind: 'video', favorite: 'yes' })).toEqual(NO_FILTERS)
    expect(filtersFromQuery({})).toEqual(NO_FILTERS)
  })

  it('take the first of repeated values and bound their length as the server does', () => {
    expect(filtersFromQuery({ q: ['cat', 'dog'], model: [null, 'x'] })).toEqual({ ...NO_FILTERS, q: 'cat' })
    expect(filtersFromQuery({ q: 'a'.repeat(300) }).q).toHaveLength(200)
  })

  it('write only the filters in use, and round-trip', () => {
    const filters = { q: ' fox ', model: '', kind: 'text-to-image' as const, favorite: true }
    expect(filtersToQuery(filters)).toEqual({ q: 'fox', kind: 'text-to-image', favorite: '1' })
    expect(filtersFromQuery(filtersToQuery(filters))).toEqual({ ...filters, q: 'fox' })
    expect(filtersToQuery(NO_FILTERS)).toEqual({})
  })

  it('tell whether anything narrows the list, and whether two filters ask for the same list', () => {
    expect(isFiltered(NO_FILTERS)).toBe(false)
    expect(isFiltered({ ...NO_FILTERS, q: '   ' })).toBe(false)
    expect(isFiltered({ ...NO_FILTERS, favorite: true })).toBe(true)
    expect(sameFilters({ ...NO_FILTERS, q: 'fox ' }, { ...NO_FILTERS, q: 'fox' })).toBe(true)
    expect(sameFilters({ ...NO_FILTERS, q: 'fox' }, { ...NO_FILTERS, q: 'fox', favorite: true })).toBe(false)
  })
})
