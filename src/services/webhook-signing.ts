/** Standard Webhooks signing (https://www.standardwebhooks.com): `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`. */

import { bytesToBase64 } from "../lib/encoding";

const SECRET_PREFIX = "whsec_";
const encoder = new TextEncoder();

/** `whsec_` + base64 of 32 random bytes, as Standard Webhooks libraries expect. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + bytesToBase64(crypto.getRandomValues(new Uint8Array(32)));
}

async function signOne(secret: string, content: Uint8Array): Promise<string> {
  const raw = Uint8Array.from(atob(secret.slice(SECRET_PREFIX.length)), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return `v1,${bytesToBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, content)))}`;
}

/** The `webhook-signature` header value: one `v1,…` per secret, space-separated (two during a rotation). */
export async function signWebhook(
  secrets: string[],
  message: { id: string; timestampSeconds: number; body: string },
): Promise<string> {
  const content = encoder.encode(`${message.id}.${message.timestampSeconds}.${message.body}`);
  return (await Promise.all(secrets.map((secret) => signOne(secret, content)))).join(" ");
}
