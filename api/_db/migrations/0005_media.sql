CREATE TYPE "public"."media_purpose" AS ENUM('matter_photo', 'matter_voice');--> statement-breakpoint
CREATE TYPE "public"."media_status" AS ENUM('pending_check', 'ok', 'risky');--> statement-breakpoint
CREATE TABLE "media" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"village_id" uuid NOT NULL,
	"uploader_user_id" uuid NOT NULL,
	"purpose" "media_purpose" NOT NULL,
	"mime" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"status" "media_status" DEFAULT 'pending_check' NOT NULL,
	"idempotency_key" text,
	"matter_id" uuid,
	"matter_event_id" uuid,
	"attached_at" timestamp with time zone,
	"position" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_uploader_user_id_users_id_fk" FOREIGN KEY ("uploader_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_matter_id_matters_id_fk" FOREIGN KEY ("matter_id") REFERENCES "public"."matters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_matter_event_id_matter_events_id_fk" FOREIGN KEY ("matter_event_id") REFERENCES "public"."matter_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "media_uploader_user_id_idempotency_key_index" ON "media" USING btree ("uploader_user_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "media_storage_key_index" ON "media" USING btree ("storage_key");--> statement-breakpoint
CREATE INDEX "media_matter_id_index" ON "media" USING btree ("matter_id");--> statement-breakpoint
CREATE INDEX "media_village_id_created_at_index" ON "media" USING btree ("village_id","created_at");