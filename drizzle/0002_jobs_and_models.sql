CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_id` integer,
	`action` text NOT NULL,
	`target` text NOT NULL,
	`details` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `audit_log_created_idx` ON `audit_log` (`created_at`);--> statement-breakpoint
CREATE TABLE `generation_inputs` (
	`job_id` integer NOT NULL,
	`position` integer NOT NULL,
	`mime` text NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`job_id`, `position`),
	FOREIGN KEY (`job_id`) REFERENCES `generation_jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `models` (
	`id` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`upstream_model` text NOT NULL,
	`cost` integer NOT NULL,
	`mode` text DEFAULT 'images' NOT NULL,
	`max_input_images` integer DEFAULT 3 NOT NULL,
	`sizes` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "models_cost_positive" CHECK("models"."cost" >= 1),
	CONSTRAINT "models_max_input_images" CHECK("models"."max_input_images" between 0 and 14),
	CONSTRAINT "models_mode_valid" CHECK("models"."mode" in ('images', 'images-generations', 'chat'))
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_generation_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`model` text NOT NULL,
	`size` text NOT NULL,
	`prompt` text DEFAULT '' NOT NULL,
	`n` integer DEFAULT 1 NOT NULL,
	`cost` integer NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`error_code` text,
	`error_message` text,
	`failures` text DEFAULT '[]' NOT NULL,
	`creation_id` integer,
	`provider` text NOT NULL,
	`worker` text,
	`lease_expires_at` integer,
	`latency_ms` integer,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`creation_id`) REFERENCES `creations`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `__new_generation_jobs`("id", "user_id", "kind", "model", "size", "prompt", "n", "cost", "status", "error_code", "error_message", "failures", "creation_id", "provider", "worker", "lease_expires_at", "latency_ms", "created_at", "started_at", "finished_at") SELECT "id", "user_id", "kind", "model", "size", '', 1, "cost", CASE "status" WHEN 'pending' THEN 'running' ELSE "status" END, "error_code", NULL, '[]', "creation_id", "provider", NULL, NULL, "latency_ms", "created_at", NULL, "finished_at" FROM `generation_jobs`;--> statement-breakpoint
DROP TABLE `generation_jobs`;--> statement-breakpoint
ALTER TABLE `__new_generation_jobs` RENAME TO `generation_jobs`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `generation_jobs_status_idx` ON `generation_jobs` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `generation_jobs_created_idx` ON `generation_jobs` (`created_at`);--> statement-breakpoint
CREATE INDEX `generation_jobs_user_idx` ON `generation_jobs` (`user_id`,`status`);--> statement-breakpoint
ALTER TABLE `creations` ADD `job_id` integer;--> statement-breakpoint
ALTER TABLE `creations` ADD `upstream_model` text;--> statement-breakpoint
CREATE INDEX `creations_job_idx` ON `creations` (`job_id`);