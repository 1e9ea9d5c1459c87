/**
 * What the profile says and what would be cheap to change because of it. Written by hand after
 * reading the profile; it names functions, not numbers, so it stays true from run to run.
 */
export const profileNotes = "(findings pending)"
