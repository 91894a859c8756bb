# A digest of each stored result's computed content, so that a recompute compares digests instead
# of reading and decoding every stored breakdown. The rows stored before have none (empty): the
# first recompute of their month compares them in full, as before, and keeps their digest.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0001_results_from_scoring"),
    ]

    operations = [
        migrations.AddField(
            model_name="monthlyresult",
            name="digest",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
    ]
