from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="Message",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.TextField()),
                ("pub_date", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("flagged", models.BooleanField(default=False)),
                ("author", models.ForeignKey(on_delete=models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.CreateModel(
            name="Follow",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("who", models.ForeignKey(on_delete=models.deletion.CASCADE, related_name="following",
                                          to=settings.AUTH_USER_MODEL)),
                ("whom", models.ForeignKey(on_delete=models.deletion.CASCADE, related_name="followers",
                                           to=settings.AUTH_USER_MODEL)),
            ],
            options={"unique_together": {("who", "whom")}},
        ),
    ]
