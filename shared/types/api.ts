import type { GenerationKind, JobStatus, Size, UpstreamMode } from '../constants/catalog'

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
  kind: GenerationKind
  width: number
  height: number
  /** Marked by its owner, for the gallery's favourites filter. */
  favorite: boolean
  createdAt: string
}

export interface GenerateResponse {
  creation: Creation
  /** The balance after this generation. */
  credits: number
}

/** A failed picture of a batch, or a failed job: why, in the API's error terms (`INTERRUPTED`: cut short by a server stop). */
export interface GenerationFailure {
  code: ApiErrorCode | 'INTERRUPTED'
  message: string
}

/** A synchronous batch (n > 1) with at least one picture made; `creation` is the first. */
export interface BatchResponse extends GenerateResponse {
  creations: Creation[]
  failed: GenerationFailure[]
}

/** A generation as a job: made by its owner, `queued → running → succeeded | failed`. */
export interface Job {
  id: number
  status: JobStatus
  kind: GenerationKind
  model: string
  size: string
  prompt: string
  /** Pictures asked for. */
  n: number
  /** Credits reserved for the whole job (n × the model's cost at the time). */
  cost: number
  /** The pictures made so far, in order. */
  creations: Creation[]
  /** The pictures that failed (each refunded). */
  failed: GenerationFailure[]
  /** Why the job failed, when no picture was made. */
  error: GenerationFailure | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
}

/** `POST /api/generate/…` with `Prefer: respond-async`: 202 with the job and the balance after the reservation. */
export interface JobAccepted {
  job: Job
  credits: number
}

/** A page of a list walked by cursor (newest first). */
export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/** A page of a list walked by page number, with the count of all. */
export interface PagedList<T> {
  items: T[]
  total: number
}

/** A model people can pick, as the API lists it. */
export interface ModelInfo {
  id: string
  label: string
  /** Credits one picture costs. */
  cost: number
  supportsImageInput: boolean
  /** Reference images it takes at most (0: text-to-image only). */
  maxInputImages: number
  /** The aspect ratios it can make. */
  sizes: Size[]
}

/** A model as the admin runs it: also how it is reached upstream, and whether people can pick it. */
export interface AdminModel extends ModelInfo {
  upstreamModel: string
  mode: UpstreamMode
  enabled: boolean
  sortOrder: number
  updatedAt: string
}

/** `GET /api/site`: what any visitor may know about this installation. */
export interface SiteInfo {
  /** Credits a new account starts with. */
  signupCredits: number
  provider: 'openai' | 'demo'
  version: string
}

export interface ModelsResponse {
  models: ModelInfo[]
  sizes: string[]
  provider: 'openai' | 'demo'
}
