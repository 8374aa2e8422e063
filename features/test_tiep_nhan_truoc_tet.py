"""Steps of tiep_nhan_truoc_tet.feature: all shared (features/conftest.py)."""

from pytest_bdd import scenarios

scenarios("tiep_nhan_truoc_tet.feature")
