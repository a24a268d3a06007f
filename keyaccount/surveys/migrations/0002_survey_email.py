from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="email",
            field=models.EmailField(
                default="",
                help_text="The contact's address when the survey was sent.",
                max_length=254,
                verbose_name="sent to",
            ),
            preserve_default=False,
        ),
    ]
