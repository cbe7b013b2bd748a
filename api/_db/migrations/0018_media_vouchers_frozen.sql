-- A voucher photo listed by a published disclosure version is part of the public record: the hash
-- chain commits to its sha256, so what identifies its bytes (and the row itself) may not change.
-- Its content-check status may still be refreshed. Unpublished uploads stay free to change.
CREATE OR REPLACE FUNCTION media_voucher_refuse_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE'
     OR NEW.sha256 IS DISTINCT FROM OLD.sha256
     OR NEW.storage_key IS DISTINCT FROM OLD.storage_key
     OR NEW.mime IS DISTINCT FROM OLD.mime
     OR NEW.size IS DISTINCT FROM OLD.size
     OR NEW.village_id IS DISTINCT FROM OLD.village_id
     OR NEW.purpose IS DISTINCT FROM OLD.purpose
     OR NEW.disclosure_id IS DISTINCT FROM OLD.disclosure_id
     OR NEW.voucher_published_at IS DISTINCT FROM OLD.voucher_published_at THEN
    RAISE EXCEPTION 'published voucher % is immutable', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER media_published_voucher_frozen BEFORE UPDATE OR DELETE ON media
  FOR EACH ROW WHEN (OLD.voucher_published_at IS NOT NULL) EXECUTE FUNCTION media_voucher_refuse_change();
