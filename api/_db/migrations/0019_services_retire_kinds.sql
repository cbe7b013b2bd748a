ALTER TYPE "public"."notify_kind" ADD VALUE 'booking_day_before';--> statement-breakpoint
ALTER TYPE "public"."notify_kind" ADD VALUE 'booking_cancelled';--> statement-breakpoint
ALTER TYPE "public"."notify_kind" ADD VALUE 'waitlist_offered';--> statement-breakpoint
ALTER TYPE "public"."notify_kind" ADD VALUE 'booking_rescheduled';--> statement-breakpoint
DROP INDEX "services_village_id_name_index";--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "retired_reason" text;--> statement-breakpoint
CREATE UNIQUE INDEX "services_village_id_name_index" ON "services" USING btree ("village_id","name") WHERE "services"."active";