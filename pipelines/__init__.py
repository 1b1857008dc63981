"""The Beam jobs of feedshield, their stages, and the command line."""
