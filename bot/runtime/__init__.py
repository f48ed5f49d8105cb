"""One process's wiring: dependencies, the runtime builder, the scheduler and its job functions.

Kept empty on purpose: `bot.runtime.deps` is imported by every service, and importing this
package must not pull in the Bolt app (which imports the services).
"""
