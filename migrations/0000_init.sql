CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_idx` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_org_created_idx` ON `api_keys` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`created_at` integer NOT NULL,
	`enqueued_at` integer
);
--> statement-breakpoint
CREATE INDEX `events_org_created_idx` ON `events` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `events_org_type_created_idx` ON `events` (`org_id`,`type`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `events_created_idx` ON `events` (`created_at`);--> statement-breakpoint
CREATE INDEX `events_unqueued_idx` ON `events` (`created_at`) WHERE enqueued_at IS NULL;--> statement-breakpoint
CREATE TABLE `meetings` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`room_name` text NOT NULL,
	`start_date` integer NOT NULL,
	`end_date` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`is_locked` integer NOT NULL,
	`room_mode` text NOT NULL,
	`template_type` text,
	`recording` text NOT NULL,
	`metadata` text,
	`created_at` integer NOT NULL,
	`deleted_at` integer,
	`expiry_run` text
);
--> statement-breakpoint
CREATE INDEX `meetings_org_created_idx` ON `meetings` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `meetings_org_room_idx` ON `meetings` (`org_id`,`room_name`);--> statement-breakpoint
CREATE UNIQUE INDEX `meetings_live_room_idx` ON `meetings` (`room_name`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `meetings_expiry_idx` ON `meetings` (`expires_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `meetings_expiry_run_idx` ON `meetings` (`expiry_run`) WHERE expiry_run IS NOT NULL;--> statement-breakpoint
CREATE TABLE `organizations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`plan` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`limit_overrides` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`cancelled_at` integer
);
--> statement-breakpoint
CREATE INDEX `organizations_created_idx` ON `organizations` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `room_themes` (
	`org_id` text NOT NULL,
	`room_name` text NOT NULL,
	`tokens` text,
	`tokens_preset` text,
	`logo_id` text,
	`room_background` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `room_name`)
);
