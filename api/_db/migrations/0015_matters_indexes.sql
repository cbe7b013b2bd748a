DROP INDEX "matters_author_created_index";--> statement-breakpoint
CREATE INDEX "matters_town_due_index" ON "matters" USING btree ("due_at","id") WHERE "matters"."level" = 'town' and "matters"."due_at" is not null;--> statement-breakpoint
CREATE INDEX "matters_author_created_index" ON "matters" USING btree ("author_user_id","village_id","created_at","id");