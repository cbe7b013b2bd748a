ALTER TYPE "public"."media_purpose" ADD VALUE 'ledger_voucher';--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "disclosure_id" uuid;--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "voucher_published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_disclosure_id_disclosures_id_fk" FOREIGN KEY ("disclosure_id") REFERENCES "public"."disclosures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "media_disclosure_id_index" ON "media" USING btree ("disclosure_id");