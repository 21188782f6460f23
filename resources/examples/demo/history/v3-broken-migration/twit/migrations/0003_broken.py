from django.db import migrations


class Migration(migrations.Migration):
    """A migration that cannot succeed: the demo's release-phase failure."""

    dependencies = [("twit", "0002_message_likes")]

    operations = [migrations.RunSQL("alter table twit_no_such_table add column oops integer")]
