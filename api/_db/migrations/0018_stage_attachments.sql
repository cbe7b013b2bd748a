ALTER TYPE "public"."media_purpose" ADD VALUE 'stage_attachment';--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "proposal_stage_id" uuid;--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "file_name" text;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_proposal_stage_id_proposal_stages_id_fk" FOREIGN KEY ("proposal_stage_id") REFERENCES "public"."proposal_stages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "media_proposal_stage_id_index" ON "media" USING btree ("proposal_stage_id");--> statement-breakpoint
ALTER TABLE "proposal_stages" DROP COLUMN "attachments";