ALTER TABLE `creations` ADD `favorite` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `creations_user_favorite_idx` ON `creations` (`user_id`,`favorite`,`id`);