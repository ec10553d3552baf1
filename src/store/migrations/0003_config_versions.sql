-- HR's saved configuration versions (rules, organisation): every worker and the web app read the
-- text in force from here, so an edit on the web app reaches every process (src/store/config-versions.ts).
-- The primary key decides a version's number: two saves at once cannot both get the same one.
CREATE TABLE config_versions (
  name text NOT NULL,
  version integer NOT NULL,
  saved_at timestamptz NOT NULL,
  author text NOT NULL,
  sha256 text NOT NULL,
  text text NOT NULL,
  PRIMARY KEY (name, version)
);
