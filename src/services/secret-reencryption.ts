import { sqlBatch } from "../db/batch";
import type { Database } from "../db/client";
import { findSecretsNotUnder, replaceSecretsStatement } from "../db/queries/system";
import type { SecretsKeyring } from "../lib/secrets-at-rest";
import { secretContext } from "./webhooks";

const PAGE = 50;

/**
 * Scheduled: rewrites webhook secrets stored in plaintext (from before encryption) or under a key other
 * than SECRETS_KEY's first, a bounded page per run, so an old key can be dropped once this finds nothing.
 * A previous secret past its overlap is dropped instead. A secret that does not decrypt is logged and
 * left as it is (it stays in the page, so the log repeats until an operator restores the key).
 */
export async function reencryptWebhookSecrets(
  db: Database,
  keyring: SecretsKeyring,
  now: number,
): Promise<{ reencrypted: number; failed: number }> {
  const rows = await findSecretsNotUnder(db, keyring.currentPrefix, PAGE);
  const updates = [];
  let failed = 0;
  for (const row of rows) {
    const context = secretContext(row.id);
    const current = (stored: string) =>
      keyring.isCurrent(stored)
        ? stored
        : keyring.decrypt(stored, context).then((plain) => keyring.encrypt(plain, context));
    try {
      const expired = (row.previousSecretExpiresAt ?? 0) <= now;
      const secret = await current(row.secret);
      const previousSecret = row.previousSecret && !expired ? await current(row.previousSecret) : null;
      updates.push(replaceSecretsStatement(row, { secret, previousSecret }));
    } catch (error) {
      failed++;
      console.error(
        JSON.stringify({ level: "error", job: "reencrypt-webhook-secrets", webhookId: row.id, error: String(error) }),
      );
    }
  }
  if (updates.length > 0) await sqlBatch(db, updates);
  return { reencrypted: updates.length, failed };
}
