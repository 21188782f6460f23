# This release boots but reports itself unhealthy: the demo's failed health gate.
HEALTHY = False
