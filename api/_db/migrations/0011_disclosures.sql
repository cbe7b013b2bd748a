CREATE TYPE "public"."disclosure_kind" AS ENUM('finance', 'affairs', 'party', 'major', 'resolution', 'implementation');--> statement-breakpoint
CREATE TYPE "public"."power_group" AS ENUM('collective', 'service');--> statement-breakpoint
CREATE TYPE "public"."disclosure_review_decision" AS ENUM('approve', 'return');--> statement-breakpoint
CREATE TYPE "public"."disclosure_version_status" AS ENUM('draft', 'submitted', 'returned', 'published');--> statement-breakpoint
ALTER TYPE "public"."notify_kind" ADD VALUE 'disclosure_reminder';--> statement-breakpoint
CREATE TABLE "disclosure_heads" (
	"village_id" uuid PRIMARY KEY NOT NULL,
	"seq" integer NOT NULL,
	"hash" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disclosure_questions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"village_id" uuid NOT NULL,
	"disclosure_id" uuid NOT NULL,
	"version_no" integer NOT NULL,
	"line_no" integer NOT NULL,
	"matter_id" uuid NOT NULL,
	"asked_by" uuid NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disclosure_reads" (
	"disclosure_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"first_user_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "disclosure_reads_disclosure_id_household_id_pk" PRIMARY KEY("disclosure_id","household_id")
);
--> statement-breakpoint
CREATE TABLE "disclosure_reminders" (
	"village_id" uuid NOT NULL,
	"kind" "disclosure_kind" NOT NULL,
	"period" text NOT NULL,
	"state" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "disclosure_reminders_village_id_kind_period_state_pk" PRIMARY KEY("village_id","kind","period","state")
);
--> statement-breakpoint
CREATE TABLE "disclosure_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version_id" uuid NOT NULL,
	"reviewer_id" uuid NOT NULL,
	"decision" "disclosure_review_decision" NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disclosure_schedules" (
	"village_id" uuid PRIMARY KEY NOT NULL,
	"finance" text DEFAULT 'month' NOT NULL,
	"affairs" text DEFAULT 'quarter' NOT NULL,
	"party" text DEFAULT 'quarter' NOT NULL,
	"since" date NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disclosure_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"disclosure_id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"version_no" integer NOT NULL,
	"status" "disclosure_version_status" DEFAULT 'draft' NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"ledger" jsonb,
	"sections" jsonb,
	"reason" text,
	"drafted_by" uuid,
	"submitted_by" uuid,
	"submitted_at" timestamp with time zone,
	"cosigned_by" uuid,
	"cosigner_name" text,
	"published_at" timestamp with time zone,
	"seq" integer,
	"prev_hash" text,
	"hash" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disclosures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"village_id" uuid NOT NULL,
	"kind" "disclosure_kind" NOT NULL,
	"period" text,
	"period_start" date,
	"period_end" date,
	"proposal_id" text,
	"current_version_no" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "power_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"village_id" uuid NOT NULL,
	"key" text,
	"group" "power_group" NOT NULL,
	"title" text NOT NULL,
	"legal_basis" text NOT NULL,
	"responsible" text NOT NULL,
	"steps" jsonb NOT NULL,
	"materials" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "disclosure_heads" ADD CONSTRAINT "disclosure_heads_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_questions" ADD CONSTRAINT "disclosure_questions_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_questions" ADD CONSTRAINT "disclosure_questions_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "public"."disclosures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_questions" ADD CONSTRAINT "disclosure_questions_matter_id_matters_id_fk" FOREIGN KEY ("matter_id") REFERENCES "public"."matters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_questions" ADD CONSTRAINT "disclosure_questions_asked_by_users_id_fk" FOREIGN KEY ("asked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_reads" ADD CONSTRAINT "disclosure_reads_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "public"."disclosures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_reads" ADD CONSTRAINT "disclosure_reads_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_reads" ADD CONSTRAINT "disclosure_reads_first_user_id_users_id_fk" FOREIGN KEY ("first_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_reminders" ADD CONSTRAINT "disclosure_reminders_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_reviews" ADD CONSTRAINT "disclosure_reviews_version_id_disclosure_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."disclosure_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_reviews" ADD CONSTRAINT "disclosure_reviews_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_schedules" ADD CONSTRAINT "disclosure_schedules_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_versions" ADD CONSTRAINT "disclosure_versions_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "public"."disclosures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_versions" ADD CONSTRAINT "disclosure_versions_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_versions" ADD CONSTRAINT "disclosure_versions_drafted_by_users_id_fk" FOREIGN KEY ("drafted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_versions" ADD CONSTRAINT "disclosure_versions_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_versions" ADD CONSTRAINT "disclosure_versions_cosigned_by_users_id_fk" FOREIGN KEY ("cosigned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosures" ADD CONSTRAINT "disclosures_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosures" ADD CONSTRAINT "disclosures_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "power_items" ADD CONSTRAINT "power_items_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "power_items" ADD CONSTRAINT "power_items_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "disclosure_questions_disclosure_id_index" ON "disclosure_questions" USING btree ("disclosure_id");--> statement-breakpoint
CREATE INDEX "disclosure_reviews_version_id_index" ON "disclosure_reviews" USING btree ("version_id");--> statement-breakpoint
CREATE UNIQUE INDEX "disclosure_versions_disclosure_id_version_no_index" ON "disclosure_versions" USING btree ("disclosure_id","version_no");--> statement-breakpoint
CREATE UNIQUE INDEX "disclosure_versions_village_id_seq_index" ON "disclosure_versions" USING btree ("village_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "disclosure_versions_one_open" ON "disclosure_versions" USING btree ("disclosure_id") WHERE status <> 'published';--> statement-breakpoint
CREATE INDEX "disclosure_versions_village_id_status_index" ON "disclosure_versions" USING btree ("village_id","status");--> statement-breakpoint
CREATE INDEX "disclosures_village_id_kind_period_start_index" ON "disclosures" USING btree ("village_id","kind","period_start");--> statement-breakpoint
CREATE UNIQUE INDEX "power_items_village_id_key_index" ON "power_items" USING btree ("village_id","key");--> statement-breakpoint
CREATE INDEX "power_items_village_id_sort_order_index" ON "power_items" USING btree ("village_id","sort_order");