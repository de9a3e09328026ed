"""Scheduled jobs: the time-driven transitions of the business modules, run per tenant on an interval."""

from parley.jobs.scheduler import JOBS, Job, JobReport, run_jobs_once, run_periodically, scheduler_actor

__all__ = ["JOBS", "Job", "JobReport", "run_jobs_once", "run_periodically", "scheduler_actor"]
