-- speech-coach team schema: per-call summaries (numbers only, never audio, frames or
-- transcripts), one target profile per team, and the two group roles logins are made from.
-- Applied once, in a transaction, by `speech-coach team init --admin-url URL`.

CREATE SCHEMA IF NOT EXISTS speech_coach;

-- Group roles (cluster-wide, so created only when missing). Logins are made members:
--   CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE speech_coach_agent;
--   INSERT INTO speech_coach.members (login, team) VALUES ('alice', 'north');
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'speech_coach_agent') THEN
        CREATE ROLE speech_coach_agent NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'speech_coach_lead') THEN
        CREATE ROLE speech_coach_lead NOLOGIN;
    END IF;
END
$$;

-- Which team each login belongs to (a lead may lead several teams). Only the owner
-- writes it; agents and leads never read it directly, only through my_teams().
CREATE TABLE speech_coach.members (
    login name NOT NULL,
    team text NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (login, team)
);

-- The teams of the login that is connected. SECURITY DEFINER so that policies can use it
-- without agents reading the members table; session_user (not current_user, which is the
-- definer here and which SET ROLE changes) is the login.
CREATE FUNCTION speech_coach.my_teams() RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT team FROM speech_coach.members WHERE login = session_user $$;
REVOKE ALL ON FUNCTION speech_coach.my_teams() FROM PUBLIC;

-- One row per finished call, keyed by the session's UUID so that a retried upload
-- updates the same row and never adds a second.
CREATE TABLE speech_coach.summaries (
    uuid uuid PRIMARY KEY,
    team text NOT NULL,
    agent text NOT NULL,
    -- The database login that sent it; row-level security compares it with session_user.
    login name NOT NULL DEFAULT session_user,
    session_id text NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    -- The local date of the shift the call belongs to (a night shift keeps its first date).
    day date NOT NULL,
    lang text NOT NULL,
    duration_s real NOT NULL,
    speech_s real NOT NULL,
    turn_s real NOT NULL,
    -- Characters a minute (zh) or words a minute (en): the headline pace.
    pace_per_min real,
    level_active_dbfs real,
    -- Level against the agent's calibrated normal (or the default normal): the volume gauge.
    volume_relative_db real,
    pitch_median_hz real,
    pitch_spread_st real,
    -- The flat-voice floor the gauge used for this agent (baseline-dependent).
    spread_floor_st real,
    pauses integer NOT NULL,
    longest_pause_s real NOT NULL,
    clipped_samples bigint NOT NULL,
    -- Conversation measures: NULL when the caller was not heard.
    heard_caller boolean NOT NULL,
    agent_talk_share real,
    agent_interruptions integer,
    caller_interruptions integer,
    overlap_s real,
    response_gap_median_s real,
    dead_air_count integer,
    longest_dead_air_s real,
    holds integer,
    holds_over_30s integer,
    longest_hold_s real,
    longest_agent_monologue_s real,
    cues_total integer NOT NULL,
    -- Cue name -> how often it was shown.
    cue_counts jsonb NOT NULL DEFAULT '{}',
    synced_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX summaries_team_day ON speech_coach.summaries (team, day);
-- started_at last: the report numbers each agent-day's calls in order without a sort.
CREATE INDEX summaries_team_agent_day ON speech_coach.summaries (team, agent, day, started_at);

-- The target bands a trainer hands to a team, in the settings file's "targets" shape.
CREATE TABLE speech_coach.profiles (
    team text PRIMARY KEY,
    targets jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_by name NOT NULL DEFAULT session_user
);

-- Every change moves updated_at, which is what the apps poll.
CREATE FUNCTION speech_coach.touch_profile() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := clock_timestamp();
    NEW.updated_by := session_user;
    RETURN NEW;
END
$$;
CREATE TRIGGER profiles_touch BEFORE UPDATE ON speech_coach.profiles
    FOR EACH ROW EXECUTE FUNCTION speech_coach.touch_profile();

-- Privileges: agents insert (and, for a retried upload, update) their own summaries and
-- read their team's profile; leads read their teams' summaries and hand out profiles.
GRANT USAGE ON SCHEMA speech_coach TO speech_coach_agent, speech_coach_lead;
GRANT EXECUTE ON FUNCTION speech_coach.my_teams() TO speech_coach_agent, speech_coach_lead;
-- INSERT ... ON CONFLICT DO UPDATE needs UPDATE, and SELECT on the columns it reads;
-- the policies below narrow both to the agent's own rows.
GRANT SELECT, INSERT, UPDATE ON speech_coach.summaries TO speech_coach_agent;
GRANT SELECT ON speech_coach.summaries TO speech_coach_lead;
GRANT SELECT ON speech_coach.profiles TO speech_coach_agent;
GRANT SELECT, INSERT, UPDATE ON speech_coach.profiles TO speech_coach_lead;

ALTER TABLE speech_coach.summaries ENABLE ROW LEVEL SECURITY;
ALTER TABLE speech_coach.profiles ENABLE ROW LEVEL SECURITY;

-- An agent sees and changes only rows it sent, and sends only into its own team. With
-- ON CONFLICT DO UPDATE the existing row must pass USING too, so an agent can never
-- overwrite another login's row by reusing its UUID: the statement fails instead.
CREATE POLICY agent_own_summaries ON speech_coach.summaries
    FOR ALL TO speech_coach_agent
    USING (login = session_user)
    WITH CHECK (login = session_user AND team IN (SELECT speech_coach.my_teams()));

CREATE POLICY lead_reads_team_summaries ON speech_coach.summaries
    FOR SELECT TO speech_coach_lead
    USING (team IN (SELECT speech_coach.my_teams()));

CREATE POLICY read_own_team_profile ON speech_coach.profiles
    FOR SELECT TO speech_coach_agent, speech_coach_lead
    USING (team IN (SELECT speech_coach.my_teams()));

CREATE POLICY lead_writes_team_profile ON speech_coach.profiles
    FOR INSERT TO speech_coach_lead
    WITH CHECK (team IN (SELECT speech_coach.my_teams()));

CREATE POLICY lead_updates_team_profile ON speech_coach.profiles
    FOR UPDATE TO speech_coach_lead
    USING (team IN (SELECT speech_coach.my_teams()))
    WITH CHECK (team IN (SELECT speech_coach.my_teams()));
