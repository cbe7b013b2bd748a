-- Casting a ballot in one round trip (api/_councils/votes.ts castBallot). The function takes the
-- vote's SHARED advisory lock (the close takes it EXCLUSIVE), then reads the vote's status with a
-- fresh snapshot (each statement of a VOLATILE plpgsql function gets one in READ COMMITTED), so a
-- ballot can never land after the close has counted. One person, one ballot stays the UNIQUE
-- (vote_id, elector_id) constraint; a retry gets the ballot already cast.
-- Returns one row: the ballot (new or existing, NULL when none), whether it was inserted now, the
-- vote's status, and whether the user is on the frozen electorate.
CREATE OR REPLACE FUNCTION councils_cast_ballot(p_vote uuid, p_user uuid, p_option text, p_receipt text)
RETURNS TABLE (receipt text, option text, cast_at timestamptz, inserted boolean, vote_status text, is_elector boolean)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_elector uuid;
  v_status text;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(52210, hashtext(p_vote::text));
  SELECT v.status::text INTO v_status FROM votes v WHERE v.id = p_vote;
  SELECT e.id INTO v_elector FROM vote_electors e WHERE e.vote_id = p_vote AND e.user_id = p_user;
  IF v_elector IS NULL THEN
    RETURN QUERY SELECT NULL::text, NULL::text, NULL::timestamptz, false, v_status, false;
    RETURN;
  END IF;
  IF v_status = 'open' THEN
    RETURN QUERY
      INSERT INTO ballots AS b (vote_id, elector_id, option, receipt)
      VALUES (p_vote, v_elector, p_option, p_receipt)
      ON CONFLICT DO NOTHING
      RETURNING b.receipt, b.option, b.cast_at, true, v_status, true;
    IF FOUND THEN RETURN; END IF;
  END IF;
  RETURN QUERY
    SELECT b.receipt, b.option, b.cast_at, false, v_status, true
    FROM ballots b WHERE b.vote_id = p_vote AND b.elector_id = v_elector;
  IF NOT FOUND THEN
    RETURN QUERY SELECT NULL::text, NULL::text, NULL::timestamptz, false, v_status, true;
  END IF;
END
$$;
