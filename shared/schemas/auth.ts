import { z } from './zod'

export const EmailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email())
export const PasswordSchema = z.string().min(8).max(128)

export const RegisterSchema = z.object({
  email: EmailSchema,
  password: PasswordSchema,
})
export type RegisterInput = z.infer<typeof RegisterSchema>

export const LoginSchema = z.object({
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: z.string().min(1).max(128),
  /** The browser's sign-in: the token goes into the HttpOnly session cookie only, not into the answer. */
  cookieOnly: z.boolean().optional(),
})
export type LoginInput = z.infer<typeof LoginSchema>
