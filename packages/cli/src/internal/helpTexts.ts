/**
 * The help and version texts of `vercel-auth`, rendered by `@effect/cli` itself at build time. In the
 * sources this is empty, so that every request goes to the full program; `scripts/bundle.mjs`
 * replaces this module in the bundle with the texts it captured from a first build of that program.
 * Keys are the command path (`""`, `"tokens"`, `"tokens revoke"` …) or `"--version"`; texts keep
 * their ANSI styling, which `bin.ts` strips when stdout is not a terminal.
 */
export const helpTexts: Readonly<Record<string, string>> = {}
