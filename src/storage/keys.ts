/** R2 key of a room's logo. The id is random, so the public logo URL cannot be guessed. */
export function roomLogoKey(logoId: string): string {
  return `room-logos/${logoId}`;
}

/** R2 key of a recording's bytes, under its organization so a tenant's objects can be listed and purged. */
export function recordingKey(orgId: string, recordingId: string): string {
  return `recordings/${orgId}/${recordingId}`;
}
