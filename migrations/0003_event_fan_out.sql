DROP INDEX `events_unqueued_idx`;--> statement-breakpoint
ALTER TABLE `events` ADD `fanned_out_at` integer;--> statement-breakpoint
CREATE INDEX `events_unfanned_idx` ON `events` (`created_at`) WHERE fanned_out_at IS NULL;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_event_idx` ON `webhook_deliveries` (`event_id`,`round`);--> statement-breakpoint
-- Events published before this migration count as fanned out, so the outbox does not replay them.
UPDATE `events` SET `fanned_out_at` = `enqueued_at` WHERE `enqueued_at` IS NOT NULL;
