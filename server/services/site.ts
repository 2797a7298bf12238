import type { SiteInfo } from '#shared/types/api'
import { providerName } from '#server/services/providers'
import { useServerConfig } from '#server/utils/config'

/** What any visitor may know about this installation: for the home page and the header. */
export function site(): SiteInfo {
  const config = useServerConfig()
  return { signupCredits: config.signupCredits, provider: providerName(config), version: useRuntimeConfig().public.version }
}
