/**
 * The durations of `--unused-for`, `--older-than` and `--expires-in`: a whole number and one unit,
 * `45s`, `30m`, `12h`, `90d`, `2w`. Nothing else is guessed at: `90` (which unit?), `1.5d` or
 * `3 days` are refused, since a filter that silently means something else selects the wrong tokens.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import { UsageError } from "./CliError.js"

const unitMillis: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000
}

// Six digits are enough for any real duration (999999w is 19 000 years) and keep the product exact.
const shape = /^([0-9]{1,6})([smhdw])$/

/**
 * Milliseconds of `input`, or the `UsageError` that names `flag` and shows what is accepted.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (flag: string, input: string): Either.Either<number, UsageError> => {
  const match = shape.exec(input.trim())
  const amount = match === null ? 0 : Number(match[1])
  if (match === null || amount === 0) {
    return Either.left(
      new UsageError({
        message: `${flag}: ${
          JSON.stringify(input)
        } is not a duration; use a positive whole number and one unit: 45s, 30m, 12h, 90d or 2w`
      })
    )
  }
  return Either.right(amount * unitMillis[match[2]!]!)
}
