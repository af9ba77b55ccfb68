CREATE TABLE `ai_results` (
	`transcription_id` text NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`params_hash` text NOT NULL,
	`result` text NOT NULL,
	`model` text NOT NULL,
	`generated_at` integer NOT NULL,
	PRIMARY KEY(`transcription_id`, `kind`, `params_hash`)
);
--> statement-breakpoint
CREATE TABLE `summaries` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`transcription_id` text NOT NULL,
	`room_name` text,
	`state` text NOT NULL,
	`template` text NOT NULL,
	`language` text,
	`result` text,
	`model` text,
	`error` text,
	`created_at` integer NOT NULL,
	`modified_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `summaries_org_transcription_idx` ON `summaries` (`org_id`,`transcription_id`);--> statement-breakpoint
CREATE INDEX `summaries_org_created_idx` ON `summaries` (`org_id`,`created_at`,`id`);