export const USER_ROLES = ['user', 'admin'] as const
type UserRole = (typeof USER_ROLES)[number]

/** The account as every API response shows it: never a password or hash. */
export interface User {
  id: number
  email: string
  credits: number
  role: UserRole
  createdAt: string
}

export const API_ERROR_CODES = [
  'VALIDATION_ERROR',
  'UNAUTHORIZED',
  'INVALID_CREDENTIALS',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'INSUFFICIENT_CREDITS',
  'EMAIL_TAKEN',
  'CODE_ALREADY_REDEEMED',
  'CODE_USED_UP',
  'CODE_EXPIRED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'CONTENT_REJECTED',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'UPSTREAM_ERROR',
  'SERVICE_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
] as const
export type ApiErrorCode = (typeof API_ERROR_CODES)[number]

export interface ApiErrorBody {
  error: {
    code: ApiErrorCode
    message: string
    details?: Record<string, unknown>
    timestamp: string
    requestId: string
  }
}

export interface Creation {
  id: number
  userId: number
  prompt: string
  imageUrl: string
  thumbnailUrl: string
  modelUsed: string
  size: string
  kind: 'text-to-image' | 'image-to-image'
  width: number
  height: number
  createdAt: string
}

export interface GenerateResponse {
  creation: Creation
  /** The balance after this generation. */
  credits: number
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/** A model people can pick, as the API lists it. */
export interface ModelInfo {
  id: string
  label: string
  /** Credits one picture costs. */
  cost: number
  supportsImageInput: boolean
}

export interface ModelsResponse {
  models: ModelInfo[]
  sizes: string[]
  provider: 'openai' | 'demo'
}
