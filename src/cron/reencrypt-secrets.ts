import { createDb } from "../db/client";
import { secretsKeyring } from "../env";
import { reencryptWebhookSecrets } from "../services/secret-reencryption";

/** Moves stored webhook secrets to SECRETS_KEY's current key (and encrypts any left in plaintext). */
export async function reencryptSecrets(env: Env, now: number) {
  return reencryptWebhookSecrets(createDb(env.DB), await secretsKeyring(env), now);
}
