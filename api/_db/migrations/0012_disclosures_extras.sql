-- A published disclosure version is final: nobody, not even the app, may change or delete it.
-- A correction is a new version with a reason. Drafts, submitted and returned versions stay editable.
CREATE OR REPLACE FUNCTION disclosure_version_refuse_change() RETURNS trigger AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    RAISE EXCEPTION 'disclosure_versions cannot be truncated' USING ERRCODE = 'check_violation';
  END IF;
  RAISE EXCEPTION 'published disclosure version % is immutable', OLD.id USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER disclosure_versions_published_frozen BEFORE UPDATE OR DELETE ON disclosure_versions
  FOR EACH ROW WHEN (OLD.status = 'published') EXECUTE FUNCTION disclosure_version_refuse_change();
--> statement-breakpoint
CREATE TRIGGER disclosure_versions_no_truncate BEFORE TRUNCATE ON disclosure_versions
  FOR EACH STATEMENT EXECUTE FUNCTION disclosure_version_refuse_change();
--> statement-breakpoint
-- Co-signatures and returns are a record too: append-only.
CREATE OR REPLACE FUNCTION disclosure_review_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'disclosure_reviews is append-only';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER disclosure_reviews_append_only BEFORE UPDATE OR DELETE ON disclosure_reviews
  FOR EACH ROW EXECUTE FUNCTION disclosure_review_refuse_change();
