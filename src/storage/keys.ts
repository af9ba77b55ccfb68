/** R2 key of a room's logo. The id is random, so the public logo URL cannot be guessed. */
export function roomLogoKey(logoId: string): string {
  return `room-logos/${logoId}`;
}
