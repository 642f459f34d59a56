-- The CA of the collectors sharing this database (issue 14: agents may connect to any of them). An agent pins the CA
-- it enrolled with, so a collector with another CA would refuse every agent of the deployment at fail-over. The first
-- collector to start records its CA's fingerprint; one started with a data dir of another CA refuses to start.
CREATE TABLE deployment_ca (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  fingerprint text NOT NULL,
  recorded_ms bigint NOT NULL
);
