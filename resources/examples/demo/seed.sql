-- Demo data for the Minitwit schema (Django's auth_user, twit_message, twit_follow).
-- psql -v users=N: N users, 4N messages, about N follows.
insert into auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                       is_active, date_joined)
select '!', g = 1, 'user' || g, '', '', 'user' || g || '@example.org', g <= 3, true,
       now() - g * interval '1 hour'
from generate_series(1, :users) g;

insert into twit_message (text, pub_date, flagged, author_id)
select 'message number ' || g, now() - g * interval '1 minute', g % 97 = 0, 1 + g % :users
from generate_series(1, :users * 4) g;

insert into twit_follow (who_id, whom_id)
select g, 1 + (g * 7) % :users
from generate_series(1, :users) g
where g <> 1 + (g * 7) % :users
on conflict do nothing;

analyze;
