CREATE TYPE "public"."ballot_mode" AS ENUM('open', 'secret');--> statement-breakpoint
CREATE TYPE "public"."ballot_source" AS ENUM('online', 'paper');--> statement-breakpoint
CREATE TYPE "public"."ballot_status" AS ENUM('counted', 'pending_cosign');--> statement-breakpoint
CREATE TYPE "public"."meeting_type" AS ENUM('villagers_assembly', 'representatives_meeting', 'party_members_meeting', 'two_committees_meeting', 'deliberation_council');--> statement-breakpoint
CREATE TYPE "public"."petition_kind" AS ENUM('assembly_by_villagers', 'assembly_by_representatives', 'representatives_meeting');--> statement-breakpoint
CREATE TYPE "public"."proposal_stage" AS ENUM('propose', 'deliberate', 'review', 'resolve', 'publish_resolution', 'publish_result');--> statement-breakpoint
CREATE TYPE "public"."proposal_status" AS ENUM('active', 'adopted', 'rejected', 'done');--> statement-breakpoint
CREATE TYPE "public"."proposal_rating" AS ENUM('satisfied', 'basic', 'unsatisfied');--> statement-breakpoint
CREATE TYPE "public"."vote_status" AS ENUM('scheduled', 'open', 'closed');--> statement-breakpoint
ALTER TYPE "public"."notify_kind" ADD VALUE 'petition_reached';--> statement-breakpoint
ALTER TYPE "public"."notify_kind" ADD VALUE 'petition_overdue';--> statement-breakpoint
CREATE TABLE "ballots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"vote_id" uuid NOT NULL,
	"elector_id" uuid NOT NULL,
	"option" text NOT NULL,
	"receipt" text NOT NULL,
	"source" "ballot_source" DEFAULT 'online' NOT NULL,
	"status" "ballot_status" DEFAULT 'counted' NOT NULL,
	"entered_by" uuid,
	"cosigned_by" uuid,
	"cosigned_at" timestamp with time zone,
	"cast_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "comment_reports" (
	"comment_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meetings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"village_id" uuid NOT NULL,
	"type" "meeting_type" NOT NULL,
	"title" text NOT NULL,
	"held_at" timestamp with time zone NOT NULL,
	"place" text,
	"proposal_id" uuid,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "petition_backings" (
	"petition_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "petitions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"proposal_id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"kind" "petition_kind" NOT NULL,
	"reached_at" timestamp with time zone,
	"deadline_at" timestamp with time zone,
	"convened_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "petitions_proposalId_unique" UNIQUE("proposal_id")
);
--> statement-breakpoint
CREATE TABLE "proposal_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"proposal_id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"author_user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"answers_id" uuid,
	"text" text NOT NULL,
	"hidden_at" timestamp with time zone,
	"hidden_by" uuid,
	"hidden_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "proposal_ratings" (
	"proposal_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"rating" "proposal_rating" NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "proposal_stages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"proposal_id" uuid NOT NULL,
	"stage" "proposal_stage" NOT NULL,
	"held_on" date NOT NULL,
	"participants" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"attendance" integer,
	"minutes" text DEFAULT '' NOT NULL,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"outcome" text NOT NULL,
	"outcome_note" text,
	"vote_id" uuid,
	"published_at" timestamp with time zone,
	"publication" jsonb,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "proposals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"village_id" uuid NOT NULL,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"source" text NOT NULL,
	"matter_id" uuid,
	"created_by" uuid NOT NULL,
	"done_stages" integer DEFAULT 0 NOT NULL,
	"status" "proposal_status" DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vote_electors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"vote_id" uuid NOT NULL,
	"user_id" uuid,
	"resident_id" uuid,
	"household_id" uuid,
	"is_household_rep" boolean DEFAULT false NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "votes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"village_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"proposal_id" uuid,
	"question" text NOT NULL,
	"kind" text NOT NULL,
	"options" jsonb NOT NULL,
	"ballot_mode" "ballot_mode" NOT NULL,
	"live_tally" boolean DEFAULT true NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"status" "vote_status" DEFAULT 'scheduled' NOT NULL,
	"opened_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"closing_notified_at" timestamp with time zone,
	"electors" integer,
	"households" integer,
	"result" jsonb,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_vote_id_votes_id_fk" FOREIGN KEY ("vote_id") REFERENCES "public"."votes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_elector_id_vote_electors_id_fk" FOREIGN KEY ("elector_id") REFERENCES "public"."vote_electors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_entered_by_users_id_fk" FOREIGN KEY ("entered_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_cosigned_by_users_id_fk" FOREIGN KEY ("cosigned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comment_reports" ADD CONSTRAINT "comment_reports_comment_id_proposal_comments_id_fk" FOREIGN KEY ("comment_id") REFERENCES "public"."proposal_comments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comment_reports" ADD CONSTRAINT "comment_reports_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "petition_backings" ADD CONSTRAINT "petition_backings_petition_id_petitions_id_fk" FOREIGN KEY ("petition_id") REFERENCES "public"."petitions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "petition_backings" ADD CONSTRAINT "petition_backings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "petitions" ADD CONSTRAINT "petitions_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "petitions" ADD CONSTRAINT "petitions_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_comments" ADD CONSTRAINT "proposal_comments_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_comments" ADD CONSTRAINT "proposal_comments_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_comments" ADD CONSTRAINT "proposal_comments_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_comments" ADD CONSTRAINT "proposal_comments_hidden_by_users_id_fk" FOREIGN KEY ("hidden_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_ratings" ADD CONSTRAINT "proposal_ratings_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_ratings" ADD CONSTRAINT "proposal_ratings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_stages" ADD CONSTRAINT "proposal_stages_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposal_stages" ADD CONSTRAINT "proposal_stages_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_matter_id_matters_id_fk" FOREIGN KEY ("matter_id") REFERENCES "public"."matters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_electors" ADD CONSTRAINT "vote_electors_vote_id_votes_id_fk" FOREIGN KEY ("vote_id") REFERENCES "public"."votes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_electors" ADD CONSTRAINT "vote_electors_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_electors" ADD CONSTRAINT "vote_electors_resident_id_residents_id_fk" FOREIGN KEY ("resident_id") REFERENCES "public"."residents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_electors" ADD CONSTRAINT "vote_electors_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ballots_vote_id_elector_id_index" ON "ballots" USING btree ("vote_id","elector_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ballots_vote_id_receipt_index" ON "ballots" USING btree ("vote_id","receipt");--> statement-breakpoint
CREATE UNIQUE INDEX "comment_reports_comment_id_user_id_index" ON "comment_reports" USING btree ("comment_id","user_id");--> statement-breakpoint
CREATE INDEX "meetings_village_id_held_at_index" ON "meetings" USING btree ("village_id","held_at");--> statement-breakpoint
CREATE UNIQUE INDEX "petition_backings_petition_id_user_id_index" ON "petition_backings" USING btree ("petition_id","user_id");--> statement-breakpoint
CREATE INDEX "petitions_deadline_at_index" ON "petitions" USING btree ("deadline_at") WHERE "petitions"."convened_at" is null and "petitions"."escalated_at" is null;--> statement-breakpoint
CREATE INDEX "proposal_comments_proposal_id_created_at_index" ON "proposal_comments" USING btree ("proposal_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "proposal_ratings_proposal_id_user_id_index" ON "proposal_ratings" USING btree ("proposal_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "proposal_stages_proposal_id_stage_index" ON "proposal_stages" USING btree ("proposal_id","stage");--> statement-breakpoint
CREATE INDEX "proposals_village_id_created_at_index" ON "proposals" USING btree ("village_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "proposals_matter_id_index" ON "proposals" USING btree ("matter_id") WHERE "proposals"."matter_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "vote_electors_vote_id_user_id_index" ON "vote_electors" USING btree ("vote_id","user_id") WHERE "vote_electors"."user_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "vote_electors_vote_id_resident_id_index" ON "vote_electors" USING btree ("vote_id","resident_id") WHERE "vote_electors"."resident_id" is not null;--> statement-breakpoint
CREATE INDEX "votes_village_id_created_at_index" ON "votes" USING btree ("village_id","created_at");--> statement-breakpoint
CREATE INDEX "votes_status_closes_at_index" ON "votes" USING btree ("status","closes_at");--> statement-breakpoint
CREATE INDEX "votes_status_opens_at_index" ON "votes" USING btree ("status","opens_at");