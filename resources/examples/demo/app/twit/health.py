# A release can declare itself unhealthy: the v4-unhealthy tag flips this to show what a
# failed health gate looks like during a deploy.
HEALTHY = True
