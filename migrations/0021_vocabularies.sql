-- One code for R&D: contacts said `r_and_d` where account teams say `rnd`; the
-- contact functions are now a closed list (src/voc/vocab.rs) checked here too.
UPDATE contacts SET function = 'rnd' WHERE function = 'r_and_d';
ALTER TABLE contacts DROP CONSTRAINT IF EXISTS contacts_function_check;
ALTER TABLE contacts ADD CONSTRAINT contacts_function_check CHECK (function IN
    ('purchasing', 'supply_chain', 'quality', 'finance', 'marketing', 'it', 'operations',
     'management', 'rnd', 'sales'));
