-- Trigram similarity for "已有人反映过" (similar open matters while a villager types).
-- PGlite loads the pg_trgm contrib module in api/_db/client.ts; Debian's PostgreSQL ships it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
-- Matters raised before the clock existed get their deadline from the default limits
-- (shared/matters/time-limits.ts DEFAULT_TIME_LIMITS, in hours).
UPDATE "matters" SET "due_at" = "entered_at" + make_interval(hours => CASE "state"
    WHEN 'submitted' THEN 24 WHEN 'accepted' THEN 24 WHEN 'reopened' THEN 24
    WHEN 'in_progress' THEN 168 WHEN 'mediating' THEN 360 WHEN 'deciding' THEN 1440
    WHEN 'resolved' THEN 72 WHEN 'followed_up' THEN 168 WHEN 'declined' THEN 360
    WHEN 'appealed' THEN 360 END)
  WHERE "state" NOT IN ('closed', 'withdrawn', 'merged') AND "due_at" IS NULL;
--> statement-breakpoint
UPDATE "matters" SET "sweep_at" = "due_at" WHERE "due_at" IS NOT NULL AND "sweep_at" IS NULL;
