"""Call assembly from config, the CLI, simulation and the store."""
