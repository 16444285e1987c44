"""Business processes: sequence page objects through the commit gate and retry policy."""
