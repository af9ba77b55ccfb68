CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`key_id` text,
	`member_id` text,
	`actor_type` text NOT NULL,
	`method` text NOT NULL,
	`route` text NOT NULL,
	`object_id` text,
	`status` integer NOT NULL,
	`request_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_org_created_idx` ON `audit_log` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_created_idx` ON `audit_log` (`created_at`);--> statement-breakpoint
CREATE TABLE `data_exports` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`state` text NOT NULL,
	`progress` text,
	`size_in_bytes` integer,
	`error` text,
	`created_at` integer NOT NULL,
	`completed_at` integer,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `data_exports_org_created_idx` ON `data_exports` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `data_exports_expires_idx` ON `data_exports` (`expires_at`);--> statement-breakpoint
CREATE TABLE `erasures` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`state` text NOT NULL,
	`subject_field` text NOT NULL,
	`subject_sha256` text NOT NULL,
	`subject_value` text,
	`counts` text NOT NULL,
	`progress` text,
	`created_at` integer NOT NULL,
	`completed_at` integer
);
--> statement-breakpoint
CREATE INDEX `erasures_org_created_idx` ON `erasures` (`org_id`,`created_at`,`id`);