import { describe, expect, it } from 'vitest'
import { apiSharesRouteRules } from '../../../../server/utils/request'

describe('apiSharesRouteRules', () => {
  it('holds when no rule can tell one API path from another', () => {
    expect(apiSharesRouteRules([])).toBe(true)
    expect(apiSharesRouteRules(['/**', '/__nuxt_error', '/_nuxt/**', '/_nuxt/builds/meta/**', '/images/**', '/apiary/**', '/%ZZ/**'])).toBe(true)
  })

  it('fails for a rule that could match some API paths only', () => {
    for (const pattern of ['/api/**', '/api/gallery', '/API/health', '/%61pi/**', '/*/health', '/:section/**', '/api']) {
      expect(apiSharesRouteRules(['/**', pattern]), pattern).toBe(false)
    }
  })
})
