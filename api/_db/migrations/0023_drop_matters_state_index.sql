-- The (state, entered_at) index from the first matters schema: no query uses it (the sweep has
-- matters_sweep_index; every query by state names the matter or its village first), and every
-- raise and move paid for it.
DROP INDEX "matters_state_entered_at_index";