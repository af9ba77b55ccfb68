-- SQLite cannot add a NOT NULL column to a table: rebuilt, org_id backfilled from the part's recording
-- (parts whose recording is gone are unreachable and are dropped).
CREATE TABLE `__new_recording_parts` (
	`recording_id` text NOT NULL,
	`org_id` text NOT NULL,
	`part_number` integer NOT NULL,
	`etag` text NOT NULL,
	`size` integer NOT NULL,
	PRIMARY KEY(`recording_id`, `part_number`)
);
--> statement-breakpoint
INSERT INTO `__new_recording_parts` (`recording_id`, `org_id`, `part_number`, `etag`, `size`)
SELECT p.`recording_id`, r.`org_id`, p.`part_number`, p.`etag`, p.`size`
FROM `recording_parts` p JOIN `recordings` r ON r.`id` = p.`recording_id`;
--> statement-breakpoint
DROP TABLE `recording_parts`;
--> statement-breakpoint
ALTER TABLE `__new_recording_parts` RENAME TO `recording_parts`;
