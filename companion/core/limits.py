"""What a reading can plausibly be: the one table the vitals form and the journal reader share.

The limits only catch typing slips and damage (a missing digit, a flipped bit); they are not
clinical thresholds, which live in each script's `safety:` block.
"""

from __future__ import annotations

# field -> (label, low, high)
VITALS: dict[str, tuple[str, int, int]] = {
    "systolic": ("Systolic pressure", 50, 300),
    "diastolic": ("Diastolic pressure", 20, 200),
    "heart_rate": ("Heart rate", 20, 250),
    "spo2": ("SpO2", 50, 100),
    "respiratory_rate": ("Respiratory rate", 4, 60),
}
