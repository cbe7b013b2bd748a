CREATE TYPE "public"."booking_status" AS ENUM('booked', 'checked_in', 'done', 'no_show', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."service_exception_kind" AS ENUM('closed', 'extra');--> statement-breakpoint
CREATE TYPE "public"."service_icon" AS ENUM('id', 'doc', 'medical', 'law', 'farm', 'home', 'money', 'other');--> statement-breakpoint
CREATE TYPE "public"."waitlist_status" AS ENUM('waiting', 'offered', 'accepted', 'expired', 'left');--> statement-breakpoint
CREATE TABLE "service_bookings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"village_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"slot_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"code" text NOT NULL,
	"status" "booking_status" DEFAULT 'booked' NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"materials_checked" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"request_key" text,
	"reminded_day_at" timestamp with time zone,
	"reminded_near_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"cancelled_by" uuid,
	"cancel_reason" text,
	"checked_in_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"desk_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_exceptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"date" text NOT NULL,
	"kind" "service_exception_kind" NOT NULL,
	"start" text,
	"end" text,
	"capacity" integer,
	"reason" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_hours" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"weekday" smallint NOT NULL,
	"start" text NOT NULL,
	"end" text NOT NULL,
	"capacity" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_slots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"capacity" integer NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL,
	"held" integer DEFAULT 0 NOT NULL,
	"cancelled" boolean DEFAULT false NOT NULL,
	"cancel_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_slots_places" CHECK ("service_slots"."booked" >= 0 and "service_slots"."held" >= 0 and "service_slots"."booked" + "service_slots"."held" <= "service_slots"."capacity")
);
--> statement-breakpoint
CREATE TABLE "service_waitlist" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"village_id" uuid NOT NULL,
	"slot_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"status" "waitlist_status" DEFAULT 'waiting' NOT NULL,
	"offered_at" timestamp with time zone,
	"offer_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"village_id" uuid NOT NULL,
	"name" text NOT NULL,
	"icon" "service_icon" DEFAULT 'other' NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"materials" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"duration_minutes" integer DEFAULT 15 NOT NULL,
	"served_by" text DEFAULT '' NOT NULL,
	"bookable" boolean DEFAULT true NOT NULL,
	"errand" boolean DEFAULT false NOT NULL,
	"slot_minutes" integer DEFAULT 30 NOT NULL,
	"cutoff_minutes" integer DEFAULT 60 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "services_slot_minutes" CHECK ("services"."slot_minutes" > 0)
);
--> statement-breakpoint
ALTER TABLE "service_bookings" ADD CONSTRAINT "service_bookings_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_bookings" ADD CONSTRAINT "service_bookings_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_bookings" ADD CONSTRAINT "service_bookings_slot_id_service_slots_id_fk" FOREIGN KEY ("slot_id") REFERENCES "public"."service_slots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_bookings" ADD CONSTRAINT "service_bookings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_bookings" ADD CONSTRAINT "service_bookings_cancelled_by_users_id_fk" FOREIGN KEY ("cancelled_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_bookings" ADD CONSTRAINT "service_bookings_desk_user_id_users_id_fk" FOREIGN KEY ("desk_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_exceptions" ADD CONSTRAINT "service_exceptions_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_exceptions" ADD CONSTRAINT "service_exceptions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_hours" ADD CONSTRAINT "service_hours_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_slots" ADD CONSTRAINT "service_slots_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_slots" ADD CONSTRAINT "service_slots_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_waitlist" ADD CONSTRAINT "service_waitlist_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_waitlist" ADD CONSTRAINT "service_waitlist_slot_id_service_slots_id_fk" FOREIGN KEY ("slot_id") REFERENCES "public"."service_slots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_waitlist" ADD CONSTRAINT "service_waitlist_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "service_bookings_village_id_code_index" ON "service_bookings" USING btree ("village_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "service_bookings_user_id_request_key_index" ON "service_bookings" USING btree ("user_id","request_key");--> statement-breakpoint
CREATE INDEX "service_bookings_slot_id_index" ON "service_bookings" USING btree ("slot_id");--> statement-breakpoint
CREATE INDEX "service_bookings_user_id_starts_at_index" ON "service_bookings" USING btree ("user_id","starts_at");--> statement-breakpoint
CREATE INDEX "service_bookings_village_id_starts_at_index" ON "service_bookings" USING btree ("village_id","starts_at");--> statement-breakpoint
CREATE INDEX "service_exceptions_service_id_date_index" ON "service_exceptions" USING btree ("service_id","date");--> statement-breakpoint
CREATE INDEX "service_hours_service_id_index" ON "service_hours" USING btree ("service_id");--> statement-breakpoint
CREATE UNIQUE INDEX "service_slots_service_id_starts_at_index" ON "service_slots" USING btree ("service_id","starts_at");--> statement-breakpoint
CREATE INDEX "service_slots_village_id_starts_at_index" ON "service_slots" USING btree ("village_id","starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "service_waitlist_slot_id_user_id_index" ON "service_waitlist" USING btree ("slot_id","user_id") WHERE "service_waitlist"."status" in ('waiting', 'offered');--> statement-breakpoint
CREATE INDEX "service_waitlist_slot_id_created_at_index" ON "service_waitlist" USING btree ("slot_id","created_at");--> statement-breakpoint
CREATE INDEX "service_waitlist_status_offer_expires_at_index" ON "service_waitlist" USING btree ("status","offer_expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "services_village_id_name_index" ON "services" USING btree ("village_id","name");