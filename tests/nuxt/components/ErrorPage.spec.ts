import { mountSuspended } from '@nuxt/test-utils/runtime'
import { createError } from '#app'
import { describe, expect, it } from 'vitest'
import ErrorPage from '~/error.vue'
import { useUserStore } from '~/stores/user'
import { user } from '../../support/nuxt'

describe('the error page', () => {
  it('says a page is missing and offers the studio, the gallery and, signed out, the home page', async () => {
    useUserStore().user = null
    const wrapper = await mountSuspended(ErrorPage, { props: { error: createError({ status: 404, statusText: 'Page not found: /nope' }) } })
    const page = wrapper.get('[data-testid="error-page"]')
    expect(page.get('[data-testid="error-status"]').text()).toBe('404')
    expect(page.get('h1').text()).toBe('找不到这个页面')
    expect(page.get('[data-testid="error-studio"]').attributes('href')).toBe('/studio')
    expect(page.get('[data-testid="error-gallery"]').attributes('href')).toBe('/gallery')
    expect(page.get('[data-testid="error-home"]').attributes('href')).toBe('/')
    expect(page.find('[data-testid="error-retry"]').exists()).toBe(false)
    // Inside the app's own layout: its header and footer.
    expect(wrapper.find('header.nb-header').exists()).toBe(true)
    expect(wrapper.find('footer.nb-footer').exists()).toBe(true)
  })

  it('tells a signed-in user without the role that the page is for admins', async () => {
    useUserStore().user = user()
    const wrapper = await mountSuspended(ErrorPage, { props: { error: createError({ status: 403, statusText: 'Forbidden' }) } })
    expect(wrapper.get('[data-testid="error-status"]').text()).toBe('403')
    expect(wrapper.get('h1').text()).toBe('你没有权限打开这个页面')
    expect(wrapper.text()).toContain('只对管理员开放')
    expect(wrapper.find('[data-testid="error-home"]').exists()).toBe(false)
  })

  it('offers to try again after a failure', async () => {
    const wrapper = await mountSuspended(ErrorPage, { props: { error: createError({ status: 500, statusText: 'Internal Server Error' }) } })
    expect(wrapper.get('[data-testid="error-status"]').text()).toBe('500')
    expect(wrapper.get('h1').text()).toBe('出了点问题')
    expect(wrapper.get('[data-testid="error-retry"]').text()).toBe('重试')
  })
})
