-- A small Minitwit-shaped database: users, followers, messages.
create table if not exists "user" (
    user_id serial primary key,
    username text not null unique,
    email text not null,
    pw_hash text not null
);
create table if not exists follower (
    who_id integer references "user"(user_id),
    whom_id integer references "user"(user_id),
    primary key (who_id, whom_id)
);
create table if not exists message (
    message_id serial primary key,
    author_id integer not null references "user"(user_id),
    text text not null,
    pub_date integer,
    flagged integer default 0
);
insert into "user"(username, email, pw_hash)
select 'user' || g, 'user' || g || '@example.org', md5(g::text)
from generate_series(1, :users) g on conflict do nothing;
insert into follower
select g, 1 + (g * 7) % :users from generate_series(2, :users) g on conflict do nothing;
insert into message(author_id, text, pub_date)
select 1 + g % :users, 'message number ' || g, extract(epoch from now())::int - g * 60
from generate_series(1, :messages) g;
analyze;
