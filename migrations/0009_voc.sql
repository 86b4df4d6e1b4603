-- Voice of the customer. Scores say how satisfied a client claims to be; words say
-- what they really think. Contacts (a light relationship map), surveys sent with
-- personal links, notes of what was said in meetings, and every text analysed
-- (language, sentiment, themes) with the KAM's corrections kept beside the
-- computed values, never over them.

-- The people we know at the client.
CREATE TABLE contacts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    title           text NOT NULL DEFAULT '' CHECK (length(title) <= 200),
    -- purchasing, supply_chain, quality, finance, marketing, it, operations, management, r_and_d, sales
    function        text NOT NULL CHECK (function ~ '^[a-z_]{2,40}$'),
    email           text CHECK (email IS NULL OR email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    influence       text NOT NULL CHECK (influence IN ('decision_maker', 'influencer', 'user')),
    attitude        text NOT NULL CHECK (attitude IN ('champion', 'supporter', 'neutral', 'detractor')),
    -- Our counterpart in the account team.
    counterpart_id  bigint REFERENCES users (id),
    -- Last meeting; answering a survey or giving feedback also counts as engagement.
    last_met_on     date,
    language        text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, email)
);
CREATE INDEX contacts_account_idx ON contacts (account_id, name);
CREATE TRIGGER contacts_updated_at BEFORE UPDATE ON contacts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The editable theme taxonomy; keywords are comma-separated, a trailing * is a stem.
CREATE TABLE voc_themes (
    code         text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]{1,39}$'),
    name_fr      text NOT NULL CHECK (length(btrim(name_fr)) BETWEEN 1 AND 80),
    name_en      text NOT NULL CHECK (length(btrim(name_en)) BETWEEN 1 AND 80),
    keywords_fr  text NOT NULL DEFAULT '' CHECK (length(keywords_fr) <= 4000),
    keywords_en  text NOT NULL DEFAULT '' CHECK (length(keywords_en) <= 4000),
    position     integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER voc_themes_updated_at BEFORE UPDATE ON voc_themes
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Questions of the relationship survey. `code` ties the standard questions to what
-- they feed (nps → the NPS KPI, satisfaction → csat); texts are editable.
CREATE TABLE survey_questions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z_]{1,39}$'),
    kind        text NOT NULL CHECK (kind IN ('nps', 'scale5', 'text')),
    text_fr     text NOT NULL CHECK (length(btrim(text_fr)) BETWEEN 1 AND 300),
    text_en     text NOT NULL CHECK (length(btrim(text_en)) BETWEEN 1 AND 300),
    required    boolean NOT NULL DEFAULT false,
    active      boolean NOT NULL DEFAULT true,
    position    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER survey_questions_updated_at BEFORE UPDATE ON survey_questions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

INSERT INTO survey_questions (code, kind, required, position, text_fr, text_en) VALUES
 ('nps', 'nps', true, 1,
  'Quelle est la probabilité que vous nous recommandiez à un collègue ou à un partenaire ?',
  'How likely are you to recommend us to a colleague or a partner?'),
 ('satisfaction', 'scale5', true, 2,
  'Dans l''ensemble, êtes-vous satisfait de notre collaboration ?',
  'Overall, how satisfied are you with our work together?'),
 ('value', 'scale5', false, 3,
  'Quelle valeur percevez-vous dans ce que nous vous apportons ?',
  'How much value do you see in what we bring you?'),
 ('ease', 'scale5', false, 4,
  'Est-il facile de travailler avec nous ?',
  'How easy is it to do business with us?'),
 ('reason', 'text', false, 5,
  'Quelle est la principale raison de votre note ?',
  'What is the main reason for your score?'),
 ('improve', 'text', false, 6,
  'Que devrions-nous améliorer en priorité ?',
  'What should we improve first?');

-- A sending of the survey to chosen contacts of one account.
CREATE TABLE survey_campaigns (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title       text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    sent_by     bigint REFERENCES users (id),
    sent_at     timestamptz NOT NULL DEFAULT now(),
    closes_at   timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (closes_at > sent_at)
);
CREATE INDEX survey_campaigns_account_idx ON survey_campaigns (account_id, sent_at DESC);

-- One personal link per invitee: a contact (public link) or a client user (portal).
-- Only a hash of the token is kept; one answer per link.
CREATE TABLE survey_links (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id  bigint NOT NULL REFERENCES survey_campaigns (id) ON DELETE CASCADE,
    contact_id   bigint REFERENCES contacts (id) ON DELETE SET NULL,
    user_id      bigint REFERENCES users (id) ON DELETE CASCADE,
    token_hash   text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    language     text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    expires_at   timestamptz NOT NULL,
    answered_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX survey_links_campaign_idx ON survey_links (campaign_id);
CREATE INDEX survey_links_user_idx ON survey_links (user_id) WHERE user_id IS NOT NULL;

-- An answer to the survey. The scores are columns (they feed the scorecard and are
-- aggregated often); texts go to voc_verbatims.
CREATE TABLE survey_responses (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    link_id       bigint UNIQUE REFERENCES survey_links (id) ON DELETE SET NULL,
    contact_id    bigint REFERENCES contacts (id) ON DELETE SET NULL,
    user_id       bigint REFERENCES users (id) ON DELETE SET NULL,
    answered_at   timestamptz NOT NULL DEFAULT now(),
    nps           smallint NOT NULL CHECK (nps BETWEEN 0 AND 10),
    satisfaction  smallint NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
    value_score   smallint CHECK (value_score BETWEEN 1 AND 5),
    ease          smallint CHECK (ease BETWEEN 1 AND 5),
    -- Scores and words disagree: 'hidden_discontent' (happy score, negative words)
    -- or 'hidden_praise' (the reverse). Recomputed when a sentiment is corrected.
    flag          text CHECK (flag IN ('hidden_discontent', 'hidden_praise')),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX survey_responses_account_idx ON survey_responses (account_id, answered_at DESC);

-- What the KAM heard in meetings and calls.
CREATE TABLE feedback_notes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id   bigint REFERENCES contacts (id) ON DELETE SET NULL,
    said_on      date NOT NULL,
    channel      text NOT NULL CHECK (channel IN ('meeting', 'call', 'visit', 'email', 'event', 'other')),
    recorded_by  bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_notes_account_idx ON feedback_notes (account_id, said_on DESC);

-- Every text, analysed: survey answers and notes alike.
CREATE TABLE voc_verbatims (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id       bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    response_id      bigint REFERENCES survey_responses (id) ON DELETE CASCADE,
    note_id          bigint REFERENCES feedback_notes (id) ON DELETE CASCADE,
    question_code    text,
    contact_id       bigint REFERENCES contacts (id) ON DELETE SET NULL,
    said_on          date NOT NULL,
    body             text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 10000),
    -- Computed by voc::text, never overwritten by a correction.
    language         text NOT NULL CHECK (language IN ('fr', 'en')),
    score            real NOT NULL CHECK (score BETWEEN -1 AND 1),
    label            text NOT NULL CHECK (label IN ('negative', 'neutral', 'positive')),
    themes           text[] NOT NULL DEFAULT '{}',
    -- The KAM's corrections, beside the computed values.
    label_corrected  text CHECK (label_corrected IN ('negative', 'neutral', 'positive')),
    themes_corrected text[],
    corrected_by     bigint REFERENCES users (id),
    corrected_at     timestamptz,
    -- Full-text search in the text's own language (stemming: livraison ~ livraisons).
    search           tsvector GENERATED ALWAYS AS (
                        to_tsvector(CASE WHEN language = 'fr' THEN 'french'::regconfig
                                         ELSE 'english'::regconfig END, body)) STORED,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((response_id IS NULL) <> (note_id IS NULL))
);
CREATE INDEX voc_verbatims_account_idx ON voc_verbatims (account_id, said_on DESC);
CREATE INDEX voc_verbatims_search_idx ON voc_verbatims USING gin (search);
CREATE INDEX voc_verbatims_response_idx ON voc_verbatims (response_id);

-- Failed survey-link lookups per address: guessing tokens is refused after a few.
CREATE TABLE survey_link_failures (
    id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at  timestamptz NOT NULL DEFAULT now(),
    ip  inet
);
CREATE INDEX survey_link_failures_ip_idx ON survey_link_failures (ip, at DESC);
