-- Where the public finds a mediation organisation (issue 17, item 17): its address and its
-- public telephone, published on the portal. An organisation's phone is not a person's: it is
-- stored and shown as written.
ALTER TABLE mediation_organizations ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE mediation_organizations ADD COLUMN phone TEXT NOT NULL DEFAULT '';
