import { describe, expect, it } from 'vitest'
import { emailParts } from '../../../app/utils/email'

describe('email line breaks', () => {
  it('allow a break before the @ and after dots, dashes, underscores and plus signs, nowhere else', () => {
    expect(emailParts('ann@example.com')).toEqual(['ann', '@example.', 'com'])
    expect(emailParts('e2e-1234-1761000000000-1@example.com')).toEqual(['e2e-', '1234-', '1761000000000-', '1', '@example.', 'com'])
    expect(emailParts('first.last+tag_x@mail.co.uk')).toEqual(['first.', 'last+', 'tag_', 'x', '@mail.', 'co.', 'uk'])
  })

  it('keep every character, in order', () => {
    for (const email of ['a@b', 'plain', '@', 'x..y@@z', 'a.b-c_d+e@f.g']) expect(emailParts(email).join('')).toBe(email)
  })
})
