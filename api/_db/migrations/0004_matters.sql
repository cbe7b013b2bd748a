CREATE TYPE "public"."matter_kind" AS ENUM('complaint', 'suggestion', 'dispute', 'errand');--> statement-breakpoint
CREATE TYPE "public"."matter_level" AS ENUM('grid', 'village', 'town');--> statement-breakpoint
CREATE TYPE "public"."matter_state" AS ENUM('submitted', 'accepted', 'in_progress', 'mediating', 'deciding', 'declined', 'appealed', 'resolved', 'followed_up', 'reopened', 'closed', 'withdrawn', 'merged');--> statement-breakpoint
CREATE TABLE "matter_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"matter_id" uuid NOT NULL,
	"actor_user_id" uuid,
	"action" text NOT NULL,
	"from_state" "matter_state",
	"to_state" "matter_state" NOT NULL,
	"from_level" "matter_level",
	"to_level" "matter_level" NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "matters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"village_id" uuid NOT NULL,
	"author_user_id" uuid NOT NULL,
	"on_behalf_by" uuid,
	"consent" jsonb,
	"kind" "matter_kind" NOT NULL,
	"category" text NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"voice" jsonb,
	"photo_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"location" jsonb,
	"about_cadre" boolean DEFAULT false NOT NULL,
	"is_public" boolean DEFAULT false NOT NULL,
	"state" "matter_state" DEFAULT 'submitted' NOT NULL,
	"level" "matter_level" NOT NULL,
	"grid_id" uuid,
	"assigned_user_id" uuid,
	"first_responder_user_id" uuid,
	"entered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "matter_events" ADD CONSTRAINT "matter_events_matter_id_matters_id_fk" FOREIGN KEY ("matter_id") REFERENCES "public"."matters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matter_events" ADD CONSTRAINT "matter_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matters" ADD CONSTRAINT "matters_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matters" ADD CONSTRAINT "matters_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matters" ADD CONSTRAINT "matters_on_behalf_by_users_id_fk" FOREIGN KEY ("on_behalf_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matters" ADD CONSTRAINT "matters_grid_id_grids_id_fk" FOREIGN KEY ("grid_id") REFERENCES "public"."grids"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matters" ADD CONSTRAINT "matters_assigned_user_id_users_id_fk" FOREIGN KEY ("assigned_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matters" ADD CONSTRAINT "matters_first_responder_user_id_users_id_fk" FOREIGN KEY ("first_responder_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "matter_events_matter_id_created_at_index" ON "matter_events" USING btree ("matter_id","created_at");--> statement-breakpoint
CREATE INDEX "matters_village_id_created_at_index" ON "matters" USING btree ("village_id","created_at");--> statement-breakpoint
CREATE INDEX "matters_author_user_id_index" ON "matters" USING btree ("author_user_id");--> statement-breakpoint
CREATE INDEX "matters_state_entered_at_index" ON "matters" USING btree ("state","entered_at");