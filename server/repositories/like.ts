import { sql, type AnyColumn } from 'drizzle-orm'
import { useDialect } from '#server/db'

/**
 * `column LIKE %text%`, with `%`, `_` and `\` in the text matched literally; nothing for empty text.
 * Case-insensitive on both databases (SQLite's LIKE is for ASCII letters; PostgreSQL's ILIKE).
 */
export function contains(column: AnyColumn, text: string | undefined) {
  if (!text) return undefined
  const like = sql.raw(useDialect() === 'postgres' ? 'ilike' : 'like')
  return sql`${column} ${like} ${`%${text.replace(/[\\%_]/g, c => `\\${c}`)}%`} escape '\\'`
}
