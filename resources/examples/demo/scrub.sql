-- The demo's scrub: what a copy of production must not carry into staging. Run by
-- `opsdeck db clone production staging` (backups.scrub in opsdeck.yaml) in the restored copy,
-- in one transaction, before it replaces staging's database.
update auth_user
   set email = 'user' || id || '@scrubbed.invalid',
       password = '!',
       first_name = '',
       last_name = ''
 where not is_staff;
-- Sessions would log production users into staging.
truncate django_session;
