/**
 * An email address cut where a line may break: before the `@` and after each `.`, `-`, `_` or `+`,
 * so a long address wraps as `very.long.name` / `@example.com`, never inside a word.
 */
export function emailParts(email: string): string[] {
  return email.split(/(?=@)|(?<=[.\-_+])/).filter(Boolean)
}
