/**
 * Every phase of the benchmark runs under a time limit, so a hung server or client fails the run
 * with a message instead of holding the machine.
 */

export const withTimeout = <A>(label: string, ms: number, run: () => Promise<A>): Promise<A> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: ${label} took longer than ${ms / 1000} s`)), ms)
  })
  return Promise.race([run(), timeout]).finally(() => clearTimeout(timer))
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
