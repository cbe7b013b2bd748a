CREATE TYPE "public"."consent_kind" AS ENUM('one_time', 'long_term');--> statement-breakpoint
CREATE TYPE "public"."content_status" AS ENUM('pending', 'pass', 'review', 'risky');--> statement-breakpoint
CREATE TYPE "public"."notice_audience" AS ENUM('village', 'grid', 'role');--> statement-breakpoint
CREATE TYPE "public"."notify_kind" AS ENUM('notice_published', 'matter_moved', 'vote_opened', 'vote_closing', 'result_out', 'booking_near', 'disclosure_published');--> statement-breakpoint
CREATE TYPE "public"."outbox_status" AS ENUM('pending', 'sent', 'skipped', 'failed', 'digested');--> statement-breakpoint
CREATE TABLE "content_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"village_id" uuid NOT NULL,
	"author_user_id" uuid NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"media_type" text NOT NULL,
	"text" text,
	"media_url" text,
	"trace_id" text,
	"status" "content_status" DEFAULT 'pending' NOT NULL,
	"label" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"reviewed_by" uuid,
	"review_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "inbox_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"village_id" uuid,
	"kind" "notify_kind" NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"object_type" text NOT NULL,
	"object_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notice_reads" (
	"notice_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"read_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"village_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"audience" "notice_audience" NOT NULL,
	"grid_id" uuid,
	"role" "role",
	"pinned" boolean DEFAULT false NOT NULL,
	"expires_at" timestamp with time zone,
	"published_by" uuid NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notify_settings" (
	"user_id" uuid NOT NULL,
	"kind" "notify_kind" NOT NULL,
	"push" boolean DEFAULT true NOT NULL,
	"digest" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" "notify_kind" NOT NULL,
	"collapse_key" text NOT NULL,
	"data" jsonb NOT NULL,
	"page" text NOT NULL,
	"urgent" boolean DEFAULT false NOT NULL,
	"status" "outbox_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscribe_consents" (
	"user_id" uuid NOT NULL,
	"template_id" text NOT NULL,
	"kind" "consent_kind" NOT NULL,
	"remaining" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "quiet_hours" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "content_checks" ADD CONSTRAINT "content_checks_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_checks" ADD CONSTRAINT "content_checks_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_checks" ADD CONSTRAINT "content_checks_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_entries" ADD CONSTRAINT "inbox_entries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_entries" ADD CONSTRAINT "inbox_entries_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_reads" ADD CONSTRAINT "notice_reads_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_reads" ADD CONSTRAINT "notice_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notify_settings" ADD CONSTRAINT "notify_settings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscribe_consents" ADD CONSTRAINT "subscribe_consents_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "content_checks_village_id_status_index" ON "content_checks" USING btree ("village_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "content_checks_trace_id_index" ON "content_checks" USING btree ("trace_id");--> statement-breakpoint
CREATE INDEX "content_checks_target_type_target_id_index" ON "content_checks" USING btree ("target_type","target_id");--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_entries_event_id_user_id_index" ON "inbox_entries" USING btree ("event_id","user_id");--> statement-breakpoint
CREATE INDEX "inbox_entries_user_id_created_at_index" ON "inbox_entries" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notice_reads_notice_id_user_id_index" ON "notice_reads" USING btree ("notice_id","user_id");--> statement-breakpoint
CREATE INDEX "notices_village_id_published_at_index" ON "notices" USING btree ("village_id","published_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notify_settings_user_id_kind_index" ON "notify_settings" USING btree ("user_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_event_id_user_id_index" ON "outbox" USING btree ("event_id","user_id");--> statement-breakpoint
CREATE INDEX "outbox_next_attempt_at_index" ON "outbox" USING btree ("next_attempt_at") WHERE "outbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_user_id_collapse_key_sent_at_index" ON "outbox" USING btree ("user_id","collapse_key","sent_at");--> statement-breakpoint
CREATE UNIQUE INDEX "subscribe_consents_user_id_template_id_index" ON "subscribe_consents" USING btree ("user_id","template_id");