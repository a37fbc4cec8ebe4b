"""Table profiling: statistics pushed down to the database, pure summaries, schema lint."""

from maat_nb.profiling.frames import columns_frame, findings_frame, indexes_frame, tables_frame, to_json
from maat_nb.profiling.lint import RULES, lint
from maat_nb.profiling.model import ColumnProfile, Finding, Profile, TableProfile
from maat_nb.profiling.run import profile, profile_table

__all__ = [
    "RULES",
    "ColumnProfile",
    "Finding",
    "Profile",
    "TableProfile",
    "columns_frame",
    "findings_frame",
    "indexes_frame",
    "lint",
    "profile",
    "profile_table",
    "tables_frame",
    "to_json",
]
