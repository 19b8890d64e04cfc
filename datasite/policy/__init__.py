"""The policy goal's own logic: its logic model (課題 → 達成目標 → 測定指標 → 達成手段, ``logic``), the automatic
review against the sheet's checklist (``review``, its checks in ``review_items``, the tables they read in
``review_model``), and the pages that show them (``pages``)."""
