import * as Duration from "@vercel-auth/cli/Duration"
import * as Either from "effect/Either"
import { describe, expect, it } from "vitest"

describe("Duration.parse", () => {
  it("reads a whole number and one unit", () => {
    expect(Duration.parse("--x", "45s")).toEqual(Either.right(45_000))
    expect(Duration.parse("--x", "30m")).toEqual(Either.right(1_800_000))
    expect(Duration.parse("--x", "12h")).toEqual(Either.right(43_200_000))
    expect(Duration.parse("--x", "90d")).toEqual(Either.right(90 * 86_400_000))
    expect(Duration.parse("--x", "2w")).toEqual(Either.right(14 * 86_400_000))
  })

  it("refuses anything else with one line naming the flag", () => {
    for (const input of ["", "90", "d", "1.5d", "-1d", "0d", "3 days", "1y", "90D", "1000000d", "1d2h"]) {
      const result = Duration.parse("--unused-for", input)
      expect(Either.isLeft(result), input).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left.message).toBe(
          `--unused-for: ${
            JSON.stringify(input)
          } is not a duration; use a positive whole number and one unit: 45s, 30m, 12h, 90d or 2w`
        )
      }
    }
  })
})
