// A deployer who follows @sidebase/nuxt-auth's old advice and sets AUTH_ORIGIN to the site's origin
// (issue 10): sign-in still posts to this app's /api/login on the page's own origin and works.
import { describe, expect, it } from 'vitest'
import { hydrated } from '../support/browser'
import { submitAuthForm, useBrowserServer } from '../support/e2e'
import { signUp } from '../support/server'

const web = useBrowserServer({ env: { AUTH_ORIGIN: 'https://example.com', NUXT_AUTH_ORIGIN: 'https://example.com/api/auth' } })

describe('AUTH_ORIGIN set in production', () => {
  it('changes nothing: the form signs in through /api/login on the page\'s origin', async () => {
    const account = await signUp(web.server)
    const page = await web.browser.newPage()
    const posts: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url())
    })
    await page.goto(`${web.server.url}/login`)
    await hydrated(page)
    await submitAuthForm(page, account)
    await page.waitForURL(url => url.pathname !== '/login')
    expect(await page.getByTestId('user-email').textContent()).toBe(account.email)
    expect(posts).toEqual([`${web.server.url}/api/login`])
    await page.close()
  })
})
