CREATE TABLE `room_events` (
	`org_id` text NOT NULL,
	`dedup_key` text NOT NULL,
	`client_id` text,
	`room_name` text NOT NULL,
	`type` text NOT NULL,
	`participant_id` text NOT NULL,
	`display_name` text,
	`external_id` text,
	`role_name` text,
	`occurred_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `dedup_key`)
);
--> statement-breakpoint
CREATE INDEX `room_events_org_room_idx` ON `room_events` (`org_id`,`room_name`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `room_participants` (
	`org_id` text NOT NULL,
	`id` text NOT NULL,
	`room_name` text NOT NULL,
	`room_session_id` text,
	`participant_id` text NOT NULL,
	`display_name` text,
	`external_id` text,
	`role_name` text,
	`joined_at` integer NOT NULL,
	`left_at` integer,
	PRIMARY KEY(`org_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `room_participants_org_room_idx` ON `room_participants` (`org_id`,`room_name`);--> statement-breakpoint
CREATE INDEX `room_participants_org_session_idx` ON `room_participants` (`org_id`,`room_session_id`,`joined_at`);--> statement-breakpoint
CREATE INDEX `room_participants_org_external_idx` ON `room_participants` (`org_id`,`external_id`,`joined_at`);--> statement-breakpoint
CREATE TABLE `room_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`room_name` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`below_since` integer,
	`closed_ms` integer NOT NULL,
	`open_count` integer NOT NULL,
	`open_since_sum` integer NOT NULL,
	`unique_participants` integer NOT NULL,
	`start_notified` integer NOT NULL,
	`end_notified` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `room_sessions_org_room_idx` ON `room_sessions` (`org_id`,`room_name`,`started_at`);--> statement-breakpoint
CREATE INDEX `room_sessions_pending_end_idx` ON `room_sessions` (`below_since`) WHERE ended_at IS NULL;--> statement-breakpoint
CREATE INDEX `room_sessions_unannounced_idx` ON `room_sessions` (`org_id`,`room_name`) WHERE start_notified = 0 OR (ended_at IS NOT NULL AND end_notified = 0);--> statement-breakpoint
CREATE TABLE `room_states` (
	`org_id` text NOT NULL,
	`room_name` text NOT NULL,
	`created_at` integer NOT NULL,
	`end_at` integer,
	`version` integer NOT NULL,
	`last_received_at` integer NOT NULL,
	`writer` text NOT NULL,
	`total_sessions` integer NOT NULL,
	`first_session_started_at` integer,
	`last_session_started_at` integer,
	`closed_ms` integer NOT NULL,
	`open_count` integer NOT NULL,
	`open_since_sum` integer NOT NULL,
	`unique_participants` integer NOT NULL,
	`role_stats` text NOT NULL,
	PRIMARY KEY(`org_id`, `room_name`)
);
--> statement-breakpoint
CREATE INDEX `room_states_org_created_idx` ON `room_states` (`org_id`,`created_at`,`room_name`);--> statement-breakpoint
CREATE INDEX `room_states_writer_idx` ON `room_states` (`writer`);