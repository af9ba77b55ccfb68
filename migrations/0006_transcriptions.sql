CREATE TABLE `transcript_segment_pages` (
	`transcription_id` text NOT NULL,
	`org_id` text NOT NULL,
	`page` integer NOT NULL,
	`first_index` integer NOT NULL,
	`segments` text NOT NULL,
	PRIMARY KEY(`transcription_id`, `page`)
);
--> statement-breakpoint
CREATE TABLE `transcriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`recording_id` text,
	`meeting_id` text,
	`room_name` text,
	`room_session_id` text,
	`type` text NOT NULL,
	`state` text NOT NULL,
	`language` text,
	`duration_seconds` real,
	`segment_count` integer DEFAULT 0 NOT NULL,
	`speaker_labels` text NOT NULL,
	`speaker_names` text NOT NULL,
	`error` text,
	`start_date` integer,
	`end_date` integer,
	`started_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `transcriptions_org_created_idx` ON `transcriptions` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `transcriptions_org_meeting_idx` ON `transcriptions` (`org_id`,`meeting_id`);--> statement-breakpoint
CREATE INDEX `transcriptions_org_room_idx` ON `transcriptions` (`org_id`,`room_name`);--> statement-breakpoint
CREATE INDEX `transcriptions_org_recording_idx` ON `transcriptions` (`org_id`,`recording_id`);