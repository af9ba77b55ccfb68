/**
 * R2 keys. Every object lives under one of its organization's prefixes (`orgStoragePrefixes`), so a
 * tenant's objects can be listed, exported and purged.
 */

/** The organization's prefixes, one per kind of object. */
export function orgStoragePrefixes(orgId: string): string[] {
  return [`recordings/${orgId}/`, `room-logos/${orgId}/`, `exports/${orgId}/`];
}

/**
 * A new room logo's public id: its organization and a random file id (`org_….upl_…`), so the public
 * URL `/files/room-logos/{logoId}` finds the object under the organization's prefix without a lookup.
 * The file id is random, so the URL cannot be guessed.
 */
export function newRoomLogoId(orgId: string, fileId: string): string {
  return `${orgId}.${fileId}`;
}

/**
 * R2 key of a room's logo. Logo ids from before logos moved under the organization have no `.`: their
 * objects keep their old key `room-logos/<logoId>`.
 */
export function roomLogoKey(logoId: string): string {
  const dot = logoId.indexOf(".");
  return dot === -1 ? `room-logos/${logoId}` : `room-logos/${logoId.slice(0, dot)}/${logoId.slice(dot + 1)}`;
}

/** R2 key of a recording's bytes, under its organization so a tenant's objects can be listed and purged. */
export function recordingKey(orgId: string, recordingId: string): string {
  return `recordings/${orgId}/${recordingId}`;
}

/** R2 key of a data export's JSON document. */
export function exportKey(orgId: string, exportId: string): string {
  return `exports/${orgId}/${exportId}.json`;
}
