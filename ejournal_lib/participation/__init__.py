"""Participation: the dated commitment register and coverage, what public sources say about the 2020 intention
declarations, adoption models (Bass, logistic) with their forecast, GP uptake from the survey, and the
participation appendix's tables."""
