import { mountSuspended, registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody, setResponseStatus } from 'h3'
import { describe, expect, it } from 'vitest'
import AuthForm from '~/components/AuthForm.vue'
import { apiError } from '../../support/nuxt'

// Sign-up refuses one address as taken and one password as too common, the way the server does.
const sent: unknown[] = []
registerEndpoint('/api/register', {
  method: 'POST',
  handler: async (event) => {
    const body = await readBody<{ email: string, password: string }>(event)
    sent.push(body)
    if (body.email.trim().toLowerCase() === 'taken@example.com') {
      setResponseStatus(event, 409)
      return apiError('EMAIL_TAKEN')
    }
    setResponseStatus(event, 400)
    return { error: { ...apiError('VALIDATION_ERROR').error, details: { fields: { password: ['This password is too common.'] }, reason: 'COMMON_PASSWORD' } } }
  },
})

async function fill(wrapper: Awaited<ReturnType<typeof mountSuspended>>, email: string, password: string) {
  await wrapper.get('#auth-email').setValue(email)
  await wrapper.get('#auth-password').setValue(password)
  await wrapper.get('form').trigger('submit')
}

describe('sign-up and sign-in form', () => {
  it('leaves validation to the app (novalidate) and states the password rule before anything is typed', async () => {
    const wrapper = await mountSuspended(AuthForm, { props: { mode: 'register' } })
    expect(wrapper.get('form').attributes('novalidate')).toBeDefined()
    const hint = wrapper.get('#auth-password-hint')
    expect(hint.text()).toBe('8–128 个字符，不能是常见密码（如 12345678、password）。')
    expect(wrapper.get('#auth-password').attributes('aria-describedby')).toBe('auth-password-hint')

    const login = await mountSuspended(AuthForm, { props: { mode: 'login' } })
    expect(login.find('#auth-password-hint').exists()).toBe(false)
  })

  it('offers to sign in instead when the email is taken, with the email carried over', async () => {
    const wrapper = await mountSuspended(AuthForm, { props: { mode: 'register' }, route: '/register?redirect=/gallery' })
    await fill(wrapper, 'Taken@example.com ', 'a-fine-password')
    await expect.poll(() => wrapper.find('[data-testid="auth-error"]').exists(), { timeout: 5000 }).toBe(true)
    expect(wrapper.get('[data-testid="auth-error"]').text()).toContain('该邮箱已注册')
    const link = wrapper.get('[data-testid="auth-sign-in-instead"]')
    expect(link.text()).toBe('用这个邮箱登录')
    expect(link.attributes('href')).toBe('/login?redirect=/gallery&email=Taken@example.com')
  })

  it('shows the server\'s "too common" under the password field, not as a vague alert', async () => {
    const wrapper = await mountSuspended(AuthForm, { props: { mode: 'register' } })
    await fill(wrapper, 'new@example.com', 'password1')
    await expect.poll(() => wrapper.find('.el-form-item.is-error .el-form-item__error').text(), { timeout: 5000 }).toBe('这个密码太常见，容易被猜到，请换一个。')
    expect(wrapper.get('.el-form-item.is-error').find('#auth-password').exists()).toBe(true)
    expect(wrapper.find('[data-testid="auth-error"]').exists()).toBe(false)
    expect(sent.at(-1)).toEqual({ email: 'new@example.com', password: 'password1' })
  })

  it('fills in the email the sign-in link carries', async () => {
    const wrapper = await mountSuspended(AuthForm, { props: { mode: 'login' }, route: '/login?email=ann%40example.com' })
    expect(wrapper.get<HTMLInputElement>('#auth-email').element.value).toBe('ann@example.com')
    expect(wrapper.get<HTMLInputElement>('#auth-password').element.value).toBe('')
  })
})
