-- Which collectors exist and how agents reach them: an agent that asks one collector about a
-- dump another one receives is told where to resume (docs/scale-out.md, "Agents and failover").
CREATE TABLE collectors (
    node  text        NOT NULL PRIMARY KEY,
    tcp   text,
    http  text,
    seen  timestamptz NOT NULL
);

-- The manifest of a dump whose files are in the object store: every collector can then answer
-- it and serve its files from the bucket, while the one that holds it is down.
ALTER TABLE dumps ADD COLUMN manifest text;
