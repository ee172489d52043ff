/** A NIK as typed or pasted from a KTP photo or a message ("6471 0657 0890 0123", "6471.0657…"):
 * its digits run together, so the field never cuts a pasted NIK short and loketd gets 16 digits. */
export function nikTyped(value: string): string {
  return value.replace(/[\s.-]+/g, "");
}

/** The input's maxLength for a NIK: room for a pasted NIK with separators, which nikTyped drops. */
export const NIK_INPUT_MAX = 24;
