-- Issue 22 D3, S3 and S6: numbers the team's figures can trust, and a profile's author
-- the database sets.
--
-- Every figure of a summary gets the physical range the app reads stored sessions with
-- (src/session/ranges.rs, which says where each bound comes from) as a CHECK constraint:
-- NaN and ±Infinity lie outside every range (PostgreSQL sorts NaN above all numbers), so
-- a row sent by an older or a forged client with 1e300 or 'Infinity' in it is refused
-- instead of blanking the team's period level. The app checks the same ranges before it
-- sends (team::summary::CallSummary::check) and sets a call aside rather than send it.
--
-- Rows already stored are repaired first, the way the app reads a damaged session: an
-- optional figure outside its range becomes NULL, a length or a count becomes 0.

UPDATE speech_coach.summaries SET
    duration_s = CASE WHEN duration_s BETWEEN 0 AND 604800 THEN duration_s ELSE 0 END,
    speech_s = CASE WHEN speech_s BETWEEN 0 AND 604800 THEN speech_s ELSE 0 END,
    turn_s = CASE WHEN turn_s BETWEEN 0 AND 604800 THEN turn_s ELSE 0 END,
    longest_pause_s = CASE WHEN longest_pause_s BETWEEN 0 AND 604800 THEN longest_pause_s ELSE 0 END,
    overlap_s = CASE WHEN overlap_s BETWEEN 0 AND 604800 THEN overlap_s ELSE NULL END,
    response_gap_median_s = CASE WHEN response_gap_median_s BETWEEN 0 AND 604800 THEN response_gap_median_s ELSE NULL END,
    longest_dead_air_s = CASE WHEN longest_dead_air_s BETWEEN 0 AND 604800 THEN longest_dead_air_s ELSE NULL END,
    longest_hold_s = CASE WHEN longest_hold_s BETWEEN 0 AND 604800 THEN longest_hold_s ELSE NULL END,
    longest_agent_monologue_s = CASE WHEN longest_agent_monologue_s BETWEEN 0 AND 604800 THEN longest_agent_monologue_s ELSE NULL END,
    pace_per_min = CASE WHEN pace_per_min BETWEEN 0 AND 2000 THEN pace_per_min ELSE NULL END,
    level_active_dbfs = CASE WHEN level_active_dbfs BETWEEN -200 AND 3.02 THEN level_active_dbfs ELSE NULL END,
    volume_relative_db = CASE WHEN volume_relative_db BETWEEN -204 AND 204 THEN volume_relative_db ELSE NULL END,
    pitch_median_hz = CASE WHEN pitch_median_hz BETWEEN 20 AND 2000 THEN pitch_median_hz ELSE NULL END,
    pitch_spread_st = CASE WHEN pitch_spread_st BETWEEN 0 AND 48 THEN pitch_spread_st ELSE NULL END,
    spread_floor_st = CASE WHEN spread_floor_st BETWEEN 0 AND 48 THEN spread_floor_st ELSE NULL END,
    agent_talk_share = CASE WHEN agent_talk_share BETWEEN 0 AND 1 THEN agent_talk_share ELSE NULL END,
    pauses = CASE WHEN pauses >= 0 THEN pauses ELSE 0 END,
    clipped_samples = CASE WHEN clipped_samples >= 0 THEN clipped_samples ELSE 0 END,
    agent_interruptions = CASE WHEN agent_interruptions >= 0 THEN agent_interruptions ELSE NULL END,
    caller_interruptions = CASE WHEN caller_interruptions >= 0 THEN caller_interruptions ELSE NULL END,
    dead_air_count = CASE WHEN dead_air_count >= 0 THEN dead_air_count ELSE NULL END,
    holds = CASE WHEN holds >= 0 THEN holds ELSE NULL END,
    holds_over_30s = CASE WHEN holds_over_30s >= 0 THEN holds_over_30s ELSE NULL END,
    cues_total = CASE WHEN cues_total >= 0 THEN cues_total ELSE 0 END
WHERE NOT (
    coalesce(duration_s BETWEEN 0 AND 604800, true)
    AND coalesce(speech_s BETWEEN 0 AND 604800, true)
    AND coalesce(turn_s BETWEEN 0 AND 604800, true)
    AND coalesce(longest_pause_s BETWEEN 0 AND 604800, true)
    AND coalesce(overlap_s BETWEEN 0 AND 604800, true)
    AND coalesce(response_gap_median_s BETWEEN 0 AND 604800, true)
    AND coalesce(longest_dead_air_s BETWEEN 0 AND 604800, true)
    AND coalesce(longest_hold_s BETWEEN 0 AND 604800, true)
    AND coalesce(longest_agent_monologue_s BETWEEN 0 AND 604800, true)
    AND coalesce(pace_per_min BETWEEN 0 AND 2000, true)
    AND coalesce(level_active_dbfs BETWEEN -200 AND 3.02, true)
    AND coalesce(volume_relative_db BETWEEN -204 AND 204, true)
    AND coalesce(pitch_median_hz BETWEEN 20 AND 2000, true)
    AND coalesce(pitch_spread_st BETWEEN 0 AND 48, true)
    AND coalesce(spread_floor_st BETWEEN 0 AND 48, true)
    AND coalesce(agent_talk_share BETWEEN 0 AND 1, true)
    AND coalesce(pauses >= 0, true)
    AND coalesce(clipped_samples >= 0, true)
    AND coalesce(agent_interruptions >= 0, true)
    AND coalesce(caller_interruptions >= 0, true)
    AND coalesce(dead_air_count >= 0, true)
    AND coalesce(holds >= 0, true)
    AND coalesce(holds_over_30s >= 0, true)
    AND coalesce(cues_total >= 0, true)
);

-- Lengths inside a session: at most a week (SESSION_S_MAX).
ALTER TABLE speech_coach.summaries
    ADD CONSTRAINT summaries_duration_s_range CHECK (duration_s BETWEEN 0 AND 604800),
    ADD CONSTRAINT summaries_speech_s_range CHECK (speech_s BETWEEN 0 AND 604800),
    ADD CONSTRAINT summaries_turn_s_range CHECK (turn_s BETWEEN 0 AND 604800),
    ADD CONSTRAINT summaries_longest_pause_s_range CHECK (longest_pause_s BETWEEN 0 AND 604800),
    ADD CONSTRAINT summaries_overlap_s_range CHECK (overlap_s BETWEEN 0 AND 604800),
    ADD CONSTRAINT summaries_response_gap_median_s_range CHECK (response_gap_median_s BETWEEN 0 AND 604800),
    ADD CONSTRAINT summaries_longest_dead_air_s_range CHECK (longest_dead_air_s BETWEEN 0 AND 604800),
    ADD CONSTRAINT summaries_longest_hold_s_range CHECK (longest_hold_s BETWEEN 0 AND 604800),
    ADD CONSTRAINT summaries_longest_agent_monologue_s_range CHECK (longest_agent_monologue_s BETWEEN 0 AND 604800),
    ADD CONSTRAINT summaries_pace_per_min_range CHECK (pace_per_min BETWEEN 0 AND 2000),
    ADD CONSTRAINT summaries_level_active_dbfs_range CHECK (level_active_dbfs BETWEEN -200 AND 3.02),
    ADD CONSTRAINT summaries_volume_relative_db_range CHECK (volume_relative_db BETWEEN -204 AND 204),
    ADD CONSTRAINT summaries_pitch_median_hz_range CHECK (pitch_median_hz BETWEEN 20 AND 2000),
    ADD CONSTRAINT summaries_pitch_spread_st_range CHECK (pitch_spread_st BETWEEN 0 AND 48),
    ADD CONSTRAINT summaries_spread_floor_st_range CHECK (spread_floor_st BETWEEN 0 AND 48),
    ADD CONSTRAINT summaries_agent_talk_share_range CHECK (agent_talk_share BETWEEN 0 AND 1),
    ADD CONSTRAINT summaries_pauses_range CHECK (pauses >= 0),
    ADD CONSTRAINT summaries_clipped_samples_range CHECK (clipped_samples >= 0),
    ADD CONSTRAINT summaries_agent_interruptions_range CHECK (agent_interruptions >= 0),
    ADD CONSTRAINT summaries_caller_interruptions_range CHECK (caller_interruptions >= 0),
    ADD CONSTRAINT summaries_dead_air_count_range CHECK (dead_air_count >= 0),
    ADD CONSTRAINT summaries_holds_range CHECK (holds >= 0),
    ADD CONSTRAINT summaries_holds_over_30s_range CHECK (holds_over_30s >= 0),
    ADD CONSTRAINT summaries_cues_total_range CHECK (cues_total >= 0);

-- When a call happened: no call was made with this app before 2000, a clock that says
-- 2200 is wrong, and a call ends within a week of its start (STARTED_UNIX_S in
-- team/summary.rs). NOT VALID: a stored row with a wrong time keeps its figures; every
-- row sent from now on is checked.
ALTER TABLE speech_coach.summaries
    ADD CONSTRAINT summaries_started_at_range
        CHECK (started_at BETWEEN '2000-01-01 00:00:00+00' AND '2200-01-01 00:00:00+00') NOT VALID,
    ADD CONSTRAINT summaries_ended_at_range
        CHECK (ended_at BETWEEN started_at AND started_at + interval '7 days') NOT VALID,
    ADD CONSTRAINT summaries_day_range
        CHECK (day BETWEEN '1999-12-31' AND '2200-01-01') NOT VALID;

-- A profile's updated_at and updated_by are the database's, on INSERT as on UPDATE: a
-- lead inserting a team's first profile could otherwise write any author and any time
-- into them (the trigger ran only on UPDATE).
DROP TRIGGER profiles_touch ON speech_coach.profiles;
CREATE TRIGGER profiles_touch BEFORE INSERT OR UPDATE ON speech_coach.profiles
    FOR EACH ROW EXECUTE FUNCTION speech_coach.touch_profile();
