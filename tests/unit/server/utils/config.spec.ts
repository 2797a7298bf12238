import { describe, expect, it } from 'vitest'
import { configFromEnv, resolveServerConfig, s3SettingsProblem } from '../../../../server/utils/config'

const s3Of = (env: Record<string, string>) => resolveServerConfig(configFromEnv(env), true).s3

describe('S3 settings', () => {
  it('are off unless an endpoint, a bucket or a key is set (a region or path style alone does not count)', () => {
    expect(s3Of({})).toBeUndefined()
    expect(s3Of({ NUXT_S3_REGION: 'auto', NUXT_S3_FORCE_PATH_STYLE: 'true' })).toBeUndefined()
    expect(s3Of({ NUXT_S3_BUCKET: 'pictures' })).toBeDefined()
  })

  it('read every NUXT_S3_* variable, with the region defaulting to us-east-1', () => {
    const s3 = s3Of({
      NUXT_S3_ENDPOINT: 'https://acc.r2.cloudflarestorage.com/',
      NUXT_S3_BUCKET: 'pictures',
      NUXT_S3_ACCESS_KEY_ID: 'id',
      NUXT_S3_SECRET_ACCESS_KEY: 'secret',
      NUXT_S3_FORCE_PATH_STYLE: '1',
    })
    expect(s3).toEqual({ endpoint: 'https://acc.r2.cloudflarestorage.com', bucket: 'pictures', accessKeyId: 'id', secretAccessKey: 'secret', region: 'us-east-1', forcePathStyle: true })
    expect(s3SettingsProblem(s3!)).toBeNull()
    expect(s3Of({ NUXT_S3_BUCKET: 'b', NUXT_S3_REGION: 'auto' })).toMatchObject({ region: 'auto', forcePathStyle: false })
  })

  it('name what is missing from a partial setting, and refuse an endpoint that is not a bare URL', () => {
    expect(s3SettingsProblem(s3Of({ NUXT_S3_BUCKET: 'b' })!)).toMatch(/NUXT_S3_ACCESS_KEY_ID, NUXT_S3_SECRET_ACCESS_KEY are missing/)
    expect(s3SettingsProblem(s3Of({ NUXT_S3_SECRET_ACCESS_KEY: 's' })!)).toMatch(/NUXT_S3_BUCKET, NUXT_S3_ACCESS_KEY_ID are missing/)
    const complete = { NUXT_S3_BUCKET: 'b', NUXT_S3_ACCESS_KEY_ID: 'k', NUXT_S3_SECRET_ACCESS_KEY: 's' }
    expect(s3SettingsProblem(s3Of(complete)!)).toBeNull()
    for (const endpoint of ['s3.example.com', 'https://s3.example.com/bucket', 'https://key:secret@s3.example.com', 'ftp://s3.example.com']) {
      const problem = s3SettingsProblem(s3Of({ ...complete, NUXT_S3_ENDPOINT: endpoint })!)
      expect(problem, endpoint).toMatch(/NUXT_S3_ENDPOINT must be/)
      expect(problem).not.toContain('secret@')
    }
  })
})
