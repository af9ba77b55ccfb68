ALTER TABLE `recordings` ADD `completing_at` integer;--> statement-breakpoint
ALTER TABLE `recordings` ADD `parts_digest` text;--> statement-breakpoint
CREATE INDEX `recordings_completing_idx` ON `recordings` (`completing_at`) WHERE completing_at IS NOT NULL;--> statement-breakpoint
-- Uploads claimed by a complete (or abort) that never finished had upload_id cleared: they become completion
-- claims (part list unknown), which the sweeper finishes if R2 holds the object and undoes otherwise.
UPDATE `recordings` SET `completing_at` = `created_at`, `parts_digest` = '' WHERE `status` = 'uploading' AND `upload_id` IS NULL AND `r2_upload_id` IS NOT NULL;
