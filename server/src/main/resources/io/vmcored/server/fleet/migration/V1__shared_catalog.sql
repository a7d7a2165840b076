-- The catalog shared by several collectors (docs/scale-out.md, "Catalog in PostgreSQL").
-- Each collector's spool and manifests stay the truth about its own dumps; these rows are
-- copies that every collector lists, written whenever a manifest is saved.

CREATE TABLE dumps (
    id          text        NOT NULL,
    node        text        NOT NULL,
    host        text        NOT NULL,
    client_id   text,
    state       text        NOT NULL,
    transport   text,
    created     timestamptz NOT NULL,
    finished    timestamptz,
    dump_file   text,
    size        bigint      NOT NULL DEFAULT 0,
    total_bytes bigint      NOT NULL DEFAULT 0,
    format      text,
    kernel      text,
    crash_time  text,
    signature   text,
    panic       text,
    problem     text,
    analyzed    boolean     NOT NULL DEFAULT false,
    granted     boolean     NOT NULL DEFAULT false,
    location    text,
    updated     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, node)
);
-- newest first, and by each filter of GET /api/v1/dumps
CREATE INDEX dumps_newest ON dumps (created DESC, id DESC);
CREATE INDEX dumps_host ON dumps (host, created DESC, id DESC);
CREATE INDEX dumps_state ON dumps (state, created DESC, id DESC);
CREATE INDEX dumps_signature ON dumps (signature, created DESC, id DESC) WHERE signature IS NOT NULL;
CREATE INDEX dumps_kernel ON dumps (kernel, created DESC, id DESC) WHERE kernel IS NOT NULL;
CREATE INDEX dumps_node ON dumps (node);

-- "at most N full dumps per crash signature per window", for the whole fleet
CREATE TABLE full_grants (
    signature  text        NOT NULL,
    dump_id    text        NOT NULL,
    node       text        NOT NULL,
    granted_at timestamptz NOT NULL,
    PRIMARY KEY (signature, dump_id)
);
CREATE INDEX full_grants_window ON full_grants (signature, granted_at);

-- a dump being received, and by whom: renewed while its upload runs
CREATE TABLE upload_leases (
    dump_id text        NOT NULL PRIMARY KEY,
    node    text        NOT NULL,
    expires timestamptz NOT NULL,
    renewed timestamptz NOT NULL
);
