# The personas read the pages in English.
from setia.english_personas import *  # noqa: F403
