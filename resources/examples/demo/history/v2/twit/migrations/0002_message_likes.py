from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("twit", "0001_initial")]

    operations = [migrations.AddField(model_name="message", name="likes", field=models.IntegerField(default=0))]
