"""The onboarding pipeline: stages, enrolment, moves between stages, the intake report."""
