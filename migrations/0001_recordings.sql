CREATE TABLE `recording_parts` (
	`recording_id` text NOT NULL,
	`part_number` integer NOT NULL,
	`etag` text NOT NULL,
	`size` integer NOT NULL,
	PRIMARY KEY(`recording_id`, `part_number`)
);
--> statement-breakpoint
CREATE TABLE `recordings` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`meeting_id` text,
	`room_name` text,
	`room_session_id` text,
	`filename` text NOT NULL,
	`content_type` text NOT NULL,
	`size_bytes` integer DEFAULT 0 NOT NULL,
	`sha256` text,
	`start_date` integer,
	`end_date` integer,
	`status` text NOT NULL,
	`r2_key` text NOT NULL,
	`upload_id` text,
	`r2_upload_id` text,
	`part_size` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `recordings_org_created_idx` ON `recordings` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `recordings_org_meeting_idx` ON `recordings` (`org_id`,`meeting_id`);--> statement-breakpoint
CREATE INDEX `recordings_org_room_idx` ON `recordings` (`org_id`,`room_name`);--> statement-breakpoint
CREATE INDEX `recordings_upload_idx` ON `recordings` (`upload_id`) WHERE upload_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `recordings_uploading_idx` ON `recordings` (`created_at`) WHERE status = 'uploading';