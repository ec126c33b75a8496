-- Calls per API token per minute, shared by every app instance: the API
-- answers 429 above the configured limit. Old minutes are removed daily.
CREATE TABLE api_calls (
    token_id uuid NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    minute   timestamptz NOT NULL,
    calls    integer NOT NULL,
    PRIMARY KEY (token_id, minute)
);
