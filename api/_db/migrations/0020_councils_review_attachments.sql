ALTER TYPE "public"."media_purpose" ADD VALUE 'stage_attachment';--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "proposal_stage_id" uuid;--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "file_name" text;--> statement-breakpoint
ALTER TABLE "comment_reports" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "comment_reports" ADD COLUMN "resolved_by" uuid;--> statement-breakpoint
ALTER TABLE "comment_reports" ADD COLUMN "resolution" text;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_proposal_stage_id_proposal_stages_id_fk" FOREIGN KEY ("proposal_stage_id") REFERENCES "public"."proposal_stages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comment_reports" ADD CONSTRAINT "comment_reports_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "media_proposal_stage_id_index" ON "media" USING btree ("proposal_stage_id");--> statement-breakpoint
CREATE INDEX "comment_reports_comment_id_index" ON "comment_reports" USING btree ("comment_id") WHERE "comment_reports"."resolved_at" is null;--> statement-breakpoint
ALTER TABLE "proposal_stages" DROP COLUMN "attachments";