import { sql, type AnyColumn } from 'drizzle-orm'

/** `column LIKE %text%`, with `%`, `_` and `\` in the text matched literally; nothing for empty text. */
export function contains(column: AnyColumn, text: string | undefined) {
  if (!text) return undefined
  return sql`${column} like ${`%${text.replace(/[\\%_]/g, c => `\\${c}`)}%`} escape '\\'`
}
