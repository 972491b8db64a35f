-- refprog schema, version 3: marks the file as refprog's with SQLite's application id
-- (0x52504447, "RPDG" - ReferencePrograms Database), so refprog can tell its own database
-- from any other SQLite file whatever that file's user_version, and refuse the others
-- untouched. New databases get it too, by this same migration.
PRAGMA application_id = 1380992071;
