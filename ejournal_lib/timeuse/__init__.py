"""The baseline study of time use (nullpunktsmålingen): the registration files and their checks, estimation with
intervals that respect who was observed where (``estimation``), work sampling, the survey design planner,
the appendix's tables with disclosure control, and the synthetic example registrations."""
