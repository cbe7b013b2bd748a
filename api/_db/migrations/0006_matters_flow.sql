CREATE TYPE "public"."matter_decision_status" AS ENUM('pending', 'adopted', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."mediation_rung" AS ENUM('grid', 'village', 'town');--> statement-breakpoint
CREATE TYPE "public"."mediation_outcome" AS ENUM('agreed', 'partly_agreed', 'not_agreed', 'adjourned');--> statement-breakpoint
CREATE TABLE "matter_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"matter_id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"requested_by" uuid NOT NULL,
	"proposal_id" uuid,
	"status" "matter_decision_status" DEFAULT 'pending' NOT NULL,
	"summary" text,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "matter_duty" (
	"village_id" uuid NOT NULL,
	"weekday" smallint NOT NULL,
	"user_id" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "matter_duty_village_id_weekday_pk" PRIMARY KEY("village_id","weekday")
);
--> statement-breakpoint
CREATE TABLE "matter_followers" (
	"matter_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "matter_followers_matter_id_user_id_pk" PRIMARY KEY("matter_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "mediation_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"matter_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"rung" "mediation_rung" NOT NULL,
	"held_on" date NOT NULL,
	"place" text NOT NULL,
	"participants" jsonb NOT NULL,
	"said" text NOT NULL,
	"outcome" "mediation_outcome" NOT NULL,
	"recorded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "village_matter_settings" (
	"village_id" uuid PRIMARY KEY NOT NULL,
	"categories" jsonb,
	"time_limits" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "matters_author_user_id_index";--> statement-breakpoint
ALTER TABLE "matters" ADD COLUMN "due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "matters" ADD COLUMN "sweep_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "matters" ADD COLUMN "overdue_flagged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "matters" ADD COLUMN "merged_into_id" uuid;--> statement-breakpoint
ALTER TABLE "matter_decisions" ADD CONSTRAINT "matter_decisions_matter_id_matters_id_fk" FOREIGN KEY ("matter_id") REFERENCES "public"."matters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matter_decisions" ADD CONSTRAINT "matter_decisions_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matter_decisions" ADD CONSTRAINT "matter_decisions_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matter_duty" ADD CONSTRAINT "matter_duty_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matter_duty" ADD CONSTRAINT "matter_duty_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matter_followers" ADD CONSTRAINT "matter_followers_matter_id_matters_id_fk" FOREIGN KEY ("matter_id") REFERENCES "public"."matters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matter_followers" ADD CONSTRAINT "matter_followers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mediation_sessions" ADD CONSTRAINT "mediation_sessions_matter_id_matters_id_fk" FOREIGN KEY ("matter_id") REFERENCES "public"."matters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mediation_sessions" ADD CONSTRAINT "mediation_sessions_event_id_matter_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."matter_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mediation_sessions" ADD CONSTRAINT "mediation_sessions_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "village_matter_settings" ADD CONSTRAINT "village_matter_settings_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "village_matter_settings" ADD CONSTRAINT "village_matter_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "matter_decisions_pending_unique" ON "matter_decisions" USING btree ("matter_id") WHERE "matter_decisions"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "matter_decisions_proposal_id_index" ON "matter_decisions" USING btree ("proposal_id");--> statement-breakpoint
CREATE INDEX "matter_followers_user_id_index" ON "matter_followers" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "mediation_sessions_matter_id_created_at_index" ON "mediation_sessions" USING btree ("matter_id","created_at");--> statement-breakpoint
CREATE INDEX "matters_author_created_index" ON "matters" USING btree ("author_user_id","village_id","created_at","id");--> statement-breakpoint
CREATE INDEX "matters_open_due_index" ON "matters" USING btree ("village_id","due_at","id") WHERE "matters"."due_at" is not null;--> statement-breakpoint
CREATE INDEX "matters_town_due_index" ON "matters" USING btree ("due_at","id") WHERE "matters"."level" = 'town' and "matters"."due_at" is not null;--> statement-breakpoint
CREATE INDEX "matters_sweep_index" ON "matters" USING btree ("sweep_at") WHERE "matters"."sweep_at" is not null;--> statement-breakpoint
CREATE INDEX "matters_similar_scope_index" ON "matters" USING btree ("village_id","category") WHERE "matters"."is_public" and "matters"."due_at" is not null;