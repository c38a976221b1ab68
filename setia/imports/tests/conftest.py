import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and error files of these tests go to a temporary folder, not the project's."""
    settings.MEDIA_ROOT = tmp_path / "media"
