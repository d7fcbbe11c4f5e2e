"""metrics-svc: Weekly quality indicators, ranking, Bottom-10 streaks, penalties, QC dashboard."""
