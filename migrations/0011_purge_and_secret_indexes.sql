ALTER TABLE `organizations` ADD `purge_claimed_at` integer;--> statement-breakpoint
CREATE INDEX `organizations_cancelled_idx` ON `organizations` (`cancelled_at`) WHERE status = 'cancelled';--> statement-breakpoint
CREATE INDEX `webhook_endpoints_secret_idx` ON `webhook_endpoints` (`secret`);--> statement-breakpoint
CREATE INDEX `webhook_endpoints_previous_secret_idx` ON `webhook_endpoints` (`previous_secret`) WHERE previous_secret IS NOT NULL;